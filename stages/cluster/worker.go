package cluster

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/nats-io/nuid"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/aggregate"
	"github.com/arrowpipe/arrowpipe/stages/plan"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// WorkerOptions configure Work.
type WorkerOptions struct {
	// AckWait is how long a task may go without a heartbeat before the
	// server hands it to another worker; 0 means 30s. Workers send a
	// heartbeat every AckWait/3 while a task runs, so only a dead or
	// stuck worker loses its task. The shared consumer takes the value of
	// the worker that started last.
	AckWait time.Duration
	// MaxDeliver is how many times a task is tried before the job fails
	// with its error; 0 means 4.
	MaxDeliver int
	// Env and Config are the pipeline settings of each task's run.
	Env    verb.Env
	Config pipeline.Config
	// Specs are the verbs a task may name; nil means plan.Specs(nil, nil).
	// aggregate.StatesSpec is added to them.
	Specs []verb.Spec
	// Log, when set, gets one line per task event.
	Log io.Writer
	// Name names the worker in results; "" means a random id.
	Name string

	// repeat runs each task this many extra times, publishing every
	// attempt's result (tests of duplicate results).
	repeat int
	// delay makes each task take this much longer (tests of slow tasks).
	delay time.Duration
	// noDoneID publishes done messages without their de-duplication id,
	// so that duplicates reach the coordinator (tests).
	noDoneID bool
}

func (o WorkerOptions) withDefaults() WorkerOptions {
	if o.AckWait <= 0 {
		o.AckWait = 30 * time.Second
	}
	if o.MaxDeliver <= 0 {
		o.MaxDeliver = 4
	}
	if o.Specs == nil {
		o.Specs = plan.Specs(nil, nil)
	}
	if !slices.ContainsFunc(o.Specs, func(s verb.Spec) bool { return s.Name == aggregate.StatesVerb }) {
		// The map side of a split groupby (statesGroupBy).
		o.Specs = append(slices.Clip(o.Specs), aggregate.StatesSpec())
	}
	if o.Name == "" {
		o.Name = nuid.Next()
	}
	return o
}

// Work takes tasks from the cluster's task queue one at a time and runs
// them until ctx ends; it blocks. A task's input is read and its verbs
// run on this process's cores; the result goes back to the job's stream.
// A task whose job has gone (finished, failed or interrupted) is dropped.
// Every goroutine Work starts has ended when it returns.
func Work(ctx context.Context, js jetstream.JetStream, opts WorkerOptions) error {
	opts = opts.withDefaults()
	if _, err := taskQueue(ctx, js); err != nil {
		return err
	}
	cons, err := js.CreateOrUpdateConsumer(ctx, taskStream, jetstream.ConsumerConfig{
		Durable:       workerGroup,
		AckPolicy:     jetstream.AckExplicitPolicy,
		AckWait:       opts.AckWait,
		MaxDeliver:    opts.MaxDeliver,
		MaxAckPending: -1,
	})
	if err != nil {
		return fmt.Errorf("cluster: worker consumer: %w", err)
	}
	w := &worker{js: js, opts: opts, tables: &tableCache{js: js, dir: opts.Env.TempDir}}
	defer w.tables.dropAll()
	sub, err := js.Conn().Subscribe(cancelSubjects, w.onCancel)
	if err != nil {
		return fmt.Errorf("cluster: cancel subscription: %w", err)
	}
	defer sub.Unsubscribe()
	w.logf("worker %s ready", opts.Name)
	for ctx.Err() == nil {
		fctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		msg, err := cons.Next(jetstream.FetchContext(fctx))
		cancel()
		if err != nil {
			if ctx.Err() == nil && !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, nats.ErrTimeout) {
				w.logf("fetch: %v", err)
				sleep(ctx, 250*time.Millisecond)
			}
			continue
		}
		w.handle(ctx, msg)
	}
	return nil
}

type worker struct {
	js     jetstream.JetStream
	opts   WorkerOptions
	tables *tableCache // the jobs' join tables fetched from their buckets

	mu      sync.Mutex
	running string // the job of the running task
	stop    context.CancelCauseFunc
	// cancelled are the last jobs cancelled, newest last: a task of one
	// fetched before the coordinator purged it is dropped, not started
	// (its job stream may not be deleted yet).
	cancelled []string
}

// rememberCancelled bounds worker.cancelled: the coordinator purges a
// job's queued tasks right after cancelling it, so only the tasks in
// flight then can arrive later.
const rememberCancelled = 64

var errJobGone = errors.New("cluster: the job was cancelled")

func (w *worker) onCancel(m *nats.Msg) {
	job := strings.TrimPrefix(m.Subject, "arrowpipe.cancel.")
	w.mu.Lock()
	if len(w.cancelled) == rememberCancelled {
		w.cancelled = slices.Delete(w.cancelled, 0, 1)
	}
	w.cancelled = append(w.cancelled, job)
	if w.running == job && w.stop != nil {
		w.stop(errJobGone)
	}
	w.mu.Unlock()
	// After the stop: a table still downloading for the task is not kept
	// (tableCache.path).
	w.tables.drop(job) // the job has ended, however it ended
}

// start makes job's task the running one, which a cancel of job stops;
// false when job was cancelled already.
func (w *worker) start(job string, stop context.CancelCauseFunc) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if slices.Contains(w.cancelled, job) {
		return false
	}
	w.running, w.stop = job, stop
	return true
}

func (w *worker) logf(format string, args ...any) {
	if w.opts.Log != nil {
		fmt.Fprintf(w.opts.Log, "arrowpipe worker: "+format+"\n", args...)
	}
}

// handle runs one task message to its end: acked with a result, acked
// with the task's error after its last delivery, dropped when its job is
// gone, or handed back for another try.
func (w *worker) handle(ctx context.Context, msg jetstream.Msg) {
	job := strings.TrimPrefix(msg.Subject(), "arrowpipe.task.")
	var delivered uint64 = 1
	if meta, err := msg.Metadata(); err == nil {
		delivered = meta.NumDelivered
	}
	index, _ := strconv.Atoi(msg.Headers().Get(hdrTask))
	if !validID(job) {
		w.logf("task on subject %q dropped: no job id", msg.Subject())
		msg.Term()
		return
	}
	if _, err := w.js.Stream(ctx, jobStream(job)); errors.Is(err, jetstream.ErrStreamNotFound) {
		w.tables.drop(job)
		w.logf("job %s task %d dropped: the job is gone", job, index)
		msg.Term()
		return
	} else if err != nil {
		msg.Nak()
		return
	}
	t, err := ParseTask(msg.Data())
	if err == nil && t.Job != job {
		err = fmt.Errorf("%w: job %q on the subject of job %q", ErrBadTask, t.Job, job)
	}
	if err == nil && t.Index != index {
		err = fmt.Errorf("%w: task %d under header task %d", ErrBadTask, t.Index, index)
	}
	if err != nil {
		w.logf("job %s task %d refused: %v", job, index, err)
		w.publishDone(ctx, job, &done{Task: index, Worker: w.opts.Name, Delivered: delivered, Err: err.Error()})
		msg.Term()
		return
	}
	tctx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	if !w.start(job, stop) {
		w.logf("job %s task %d dropped: the job was cancelled", job, index)
		msg.Term()
		return
	}
	w.logf("job %s task %d started (delivery %d)", job, index, delivered)
	defer func() {
		w.mu.Lock()
		w.running, w.stop = "", nil
		w.mu.Unlock()
	}()
	beats := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() { w.heartbeat(tctx, msg, beats) })
	d, err := w.run(tctx, t, delivered)
	for i := 0; err == nil && i < w.opts.repeat; i++ {
		w.publishResult(tctx, t, d)
		d, err = w.run(tctx, t, delivered)
	}
	if err == nil {
		err = w.publishResult(tctx, t, d)
	}
	close(beats)
	wg.Wait()
	switch {
	case err == nil:
		msg.Ack()
		w.logf("job %s task %d done: %d rows, %d bytes in %d ms", job, index, d.Rows, d.Bytes, d.Millis)
	case ctx.Err() != nil:
		msg.Nak() // this worker stops: another takes the task now
	case errors.Is(context.Cause(tctx), errJobGone) || w.jobGone(ctx, job):
		w.logf("job %s task %d dropped: the job is gone", job, index)
		msg.Term()
	case delivered >= uint64(w.opts.MaxDeliver) || permanent(err):
		w.logf("job %s task %d failed: %v", job, index, err)
		w.publishDone(ctx, job, &done{Task: index, Worker: w.opts.Name, Delivered: delivered, Err: err.Error()})
		msg.Term()
	default:
		w.logf("job %s task %d failed, to be retried: %v", job, index, err)
		msg.NakWithDelay(time.Duration(delivered) * 200 * time.Millisecond)
	}
}

// permanent errors fail the same way on every try: a malformed task or a
// chain that does not build.
func permanent(err error) bool {
	var uerr *plan.UsageError
	return errors.Is(err, ErrBadTask) || errors.Is(err, errTooManyRejects) || errors.As(err, &uerr)
}

func (w *worker) jobGone(ctx context.Context, job string) bool {
	_, err := w.js.Stream(ctx, jobStream(job))
	return errors.Is(err, jetstream.ErrStreamNotFound)
}

// heartbeat tells the server the task is in progress every AckWait/3
// until beats closes.
func (w *worker) heartbeat(ctx context.Context, msg jetstream.Msg, beats <-chan struct{}) {
	t := time.NewTicker(w.opts.AckWait / 3)
	defer t.Stop()
	for {
		select {
		case <-beats:
			return
		case <-ctx.Done():
			return
		case <-t.C:
			msg.InProgress()
		}
	}
}

// publishResult publishes the done message of an attempt at t, and
// removes the attempt's result file when it surely lost: another
// attempt's done message came first, or the job is gone. After another
// error the message may still have been stored (its ack lost), so the
// file stays for the coordinator, which removes the directory at the end.
func (w *worker) publishResult(ctx context.Context, t *Task, d *done) error {
	ack, err := w.publishDone(ctx, t.Job, d)
	if d.File && (err == nil && ack.Duplicate || errors.Is(err, errJobGone)) {
		removeResultFile(t.ResultDir, d.Task, d.Attempt)
	}
	return err
}

func (w *worker) publishDone(ctx context.Context, job string, d *done) (*jetstream.PubAck, error) {
	data, err := jsonMarshal(d)
	if err != nil {
		return nil, err
	}
	var opts []jetstream.PublishOpt
	if !w.opts.noDoneID {
		opts = append(opts, jetstream.WithMsgID(doneMsgID(job, d.Task)))
	}
	ack, err := publishToJob(ctx, w.js, job, &nats.Msg{Subject: doneSubject(job, d.Task), Data: data, Header: nats.Header{}}, opts...)
	if err != nil {
		return nil, fmt.Errorf("cluster: publish result of task %d: %w", d.Task, err)
	}
	return ack, nil
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
