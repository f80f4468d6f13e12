package cluster

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/nats-io/nuid"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/plan"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// Headers of the messages this package publishes.
const (
	hdrTask    = "Arrowpipe-Task"
	hdrAttempt = "Arrowpipe-Attempt"
	hdrPart    = "Arrowpipe-Part"
)

func jsonMarshal(v any) ([]byte, error) { return json.Marshal(v) }

// run is one attempt at task t: read its file, range or row groups, run
// its verbs, and write the batches as one Arrow IPC stream: a file in the
// job's result directory when this worker sees it, else parts in the job
// stream (zstd bodies). It returns the done message to publish.
func (w *worker) run(ctx context.Context, t *Task, delivered uint64) (_ *done, err error) {
	start := time.Now()
	chain, specs, tables, renames, err := w.tables.joinChain(ctx, t, w.opts.Specs, w.opts.Env)
	if err != nil {
		return nil, err
	}
	if tables != nil {
		defer tables.Close()
	}
	for from, to := range renames {
		defer func() {
			if err != nil {
				err = &renamedError{err: err, from: from, to: to}
			}
		}()
	}
	verbs, err := parseCalls(chain, specs)
	if err != nil {
		return nil, err
	}
	ropts, err := t.Read.Options()
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadTask, err)
	}
	ropts.Mem = w.opts.Env.Mem
	rejects := &rejectLog{keep: t.Read.OnError == "reject", limit: rejectBytes(w.js.Conn())}
	if t.Read.OnError != "" {
		ropts.OnError = rejects.reject
	}
	if t.Object != "" {
		path, ferr := fetchObject(ctx, w.js, t, w.opts.Env.TempDir)
		if ferr != nil {
			return nil, ferr
		}
		defer os.Remove(path)
		name := t.Files[0]
		copied := *t
		copied.Files = []string{path}
		t = &copied
		defer func() {
			if err != nil {
				err = &renamedError{err: err, from: path, to: name}
			}
		}()
	}
	// The file's name and partitions are its origin's, whatever path
	// (a shared one, or this worker's copy) it is read from.
	ropts.Origins = t.readOrigins()
	src, fix, err := openTask(ctx, t, ropts)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	if len(t.Columns) > 0 {
		if err := src.Project(t.Columns); err != nil && !errors.Is(err, errors.ErrUnsupported) {
			return nil, err
		}
	}
	pl, err := plan.Build(w.opts.Env, verbs, src, plan.Options{})
	if err != nil {
		return nil, err
	}
	attempt := nuid.Next()
	pw := &partWriter{js: w.js, job: t.Job, task: t.Index, attempt: attempt, size: partBytes(w.js.Conn()), ctx: ctx}
	var out io.Writer = pw
	ipcOpts := []ipc.Option{ipc.WithSchema(pl.Output()), ipc.WithAllocator(w.opts.Env.Mem)}
	var rf *resultFile
	if usableResultDir(t.ResultDir) {
		if rf, err = createResultFile(t.ResultDir, t.Index, attempt); err != nil {
			return nil, err
		}
		// On the same machine or a shared file system compressing costs
		// more than it saves (bench/RESULTS.md).
		out = rf
	} else {
		ipcOpts = append(ipcOpts, ipc.WithZstd())
	}
	iw := ipc.NewWriter(out, ipcOpts...)
	var rows int64
	sink := pipeline.ToFunc(func(_ context.Context, rec arrow.RecordBatch) error {
		rows += rec.NumRows()
		return iw.Write(rec)
	})
	run := pipeline.New(src, pl.Stages, sink, w.opts.Config)
	runErr := run.Run(ctx)
	if err := iw.Close(); err != nil && runErr == nil {
		runErr = err
	}
	if err := src.Close(); err != nil && runErr == nil {
		runErr = err
	}
	if runErr == nil && rf == nil {
		runErr = pw.flush()
	}
	if runErr == nil && rf != nil {
		runErr = rf.commit()
	}
	if runErr == nil && w.opts.delay > 0 {
		sleep(ctx, w.opts.delay)
		runErr = ctx.Err()
	}
	if runErr != nil {
		if rf != nil {
			rf.abort()
		}
		return nil, fix(runErr)
	}
	d := &done{
		Task: t.Index, Attempt: attempt, Worker: w.opts.Name, Parts: pw.seqs,
		Rows: rows, Read: rowsRead(run.Metrics(), rejects.count()), Rejected: rejects.count(), Rejects: rejects.sorted(fix), Bytes: pw.total, Delivered: delivered, Millis: time.Since(start).Milliseconds(),
	}
	if rf != nil {
		d.File, d.Bytes, d.Parts = true, rf.n, nil
	}
	return d, nil
}

// parseCalls turns a task's chain into verbs: each call names a verb the
// worker knows, with the words that verb takes.
func parseCalls(chain [][]string, specs []verb.Spec) ([]verb.Verb, error) {
	verbs := make([]verb.Verb, 0, len(chain))
	for _, call := range chain {
		var spec *verb.Spec
		for i := range specs {
			if specs[i].Name == call[0] {
				spec = &specs[i]
				break
			}
		}
		if spec == nil {
			return nil, fmt.Errorf("%w: unknown verb %q", ErrBadTask, call[0])
		}
		args := call[1:]
		n := len(spec.Args)
		if spec.Words != nil {
			n = spec.Words(args)
		}
		if n != len(args) {
			return nil, fmt.Errorf("%w: verb %s takes %d word(s), got %d", ErrBadTask, spec.Name, n, len(args))
		}
		v, err := spec.Parse(args)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %v", ErrBadTask, spec.Name, err)
		}
		verbs = append(verbs, v)
	}
	return verbs, nil
}

// partWriter cuts the IPC stream into messages of size bytes in the job
// stream, each de-duplicated by (job, task, attempt, part), and records
// their sequence numbers. Write is called from the pipeline's sink
// goroutine only.
type partWriter struct {
	js      jetstream.JetStream
	ctx     context.Context
	job     string
	task    int
	attempt string
	size    int

	buf   []byte
	seqs  []uint64
	total int64
}

func (p *partWriter) Write(b []byte) (int, error) {
	p.buf = append(p.buf, b...)
	for len(p.buf) >= p.size {
		if err := p.publish(p.buf[:p.size]); err != nil {
			return 0, err
		}
		p.buf = append(p.buf[:0], p.buf[p.size:]...)
	}
	return len(b), nil
}

func (p *partWriter) flush() error {
	if len(p.buf) == 0 && len(p.seqs) > 0 {
		return nil
	}
	err := p.publish(p.buf)
	p.buf = p.buf[:0]
	return err
}

func (p *partWriter) publish(data []byte) error {
	part := len(p.seqs)
	msg := &nats.Msg{Subject: partSubject(p.job, p.task, p.attempt), Data: data, Header: nats.Header{}}
	msg.Header.Set(hdrTask, strconv.Itoa(p.task))
	msg.Header.Set(hdrAttempt, p.attempt)
	msg.Header.Set(hdrPart, strconv.Itoa(part))
	ack, err := publishToJob(p.ctx, p.js, p.job, msg, jetstream.WithMsgID(partMsgID(p.job, p.task, p.attempt, part)))
	if err != nil {
		return fmt.Errorf("cluster: publish part %d of task %d: %w", part, p.task, err)
	}
	p.seqs = append(p.seqs, ack.Sequence)
	p.total += int64(len(data))
	return nil
}

// rowsRead is the input rows a task read: decoded or rejected (the NDJSON
// reader counts the records it cuts as well, the others do not).
func rowsRead(m pipeline.Metrics, rejected int64) int64 {
	d := m.Decoded()
	return max(d.RowsIn, d.RowsOut+rejected)
}
