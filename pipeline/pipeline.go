package pipeline

import (
	"context"
	"errors"
	"io"
	"runtime/debug"
	"sync/atomic"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"golang.org/x/sync/errgroup"

	"github.com/arrowpipe/arrowpipe/sharedmem"
)

// Pipeline is a source, a chain of stages and a sink, ready to run once.
type Pipeline struct {
	cfg    Config
	source Source
	stages []Stage
	sink   Sink

	mem     memory.Allocator
	started atomic.Bool
	// runStart is set once Run has begun; Metrics reads the clock from it.
	runStart atomic.Pointer[time.Time]
	// steps' metrics, in order: read, decode, stages..., encode, write.
	// They are laid out here, before Run, so that Metrics never races
	// with Run's setup.
	metrics []*stepMetrics
	latency histogram
}

// New returns a pipeline that reads source, passes every batch through
// stages in order and writes the result to sink.
func New(source Source, stages []Stage, sink Sink, cfg Config) *Pipeline {
	p := &Pipeline{cfg: cfg, source: source, stages: stages, sink: sink, mem: cfg.Mem}
	if p.mem == nil {
		p.mem = sharedmem.NewPool(0)
	}
	add := func(name string, workers int, handoff bool) {
		m := &stepMetrics{name: name, workers: workers, busy: make([]paddedInt64, workers)}
		if n := len(p.metrics); n > 0 {
			m.prev = p.metrics[n-1]
		}
		if handoff {
			m.handoff = sharedmem.NewHandoff(cfg.Handoff, p.mem)
		}
		p.metrics = append(p.metrics, m)
	}
	add("read", 1, false)
	add("decode", poolSize(cfg.DecodeWorkers), true)
	for _, s := range stages {
		add(s.Name, poolSize(s.Workers), true)
	}
	add("encode", poolSize(cfg.EncodeWorkers), false)
	add("write", 1, false)
	return p
}

// Metrics returns a snapshot of the run's counters. It is safe to call
// from another goroutine while Run is going on, and after it returns.
func (p *Pipeline) Metrics() Metrics {
	var now int64
	if start := p.runStart.Load(); start != nil {
		now = int64(time.Since(*start))
	}
	m := Metrics{
		LatencyP50: p.latency.quantile(0.50),
		LatencyP99: p.latency.quantile(0.99),
		Elapsed:    time.Duration(now),
	}
	for _, sm := range p.metrics {
		m.Stages = append(m.Stages, sm.snapshot(now))
	}
	return m
}

// run is the state of one Run.
type run struct {
	p     *Pipeline
	start time.Time
	// stopSource ends the read early without error (ErrStop).
	stopSource context.CancelFunc
	// readClock and writeClock time the reader's and the writer's batches.
	readClock, writeClock workerClock
}

func (r *run) now() int64 { return int64(time.Since(r.start)) }

func durationNs(ns int64) time.Duration { return time.Duration(ns) }

// Run reads the whole source through the stages into the sink and returns
// the first error, wrapped in a *StageError naming the stage and the batch
// sequence number (a panic in any stage comes back as a *PanicError inside
// it). An error or the cancellation of ctx stops every stage promptly; when
// Run returns, all its goroutines have exited and every batch it held has
// been released. The sink is closed only after a successful run. Run may be
// called once.
func (p *Pipeline) Run(ctx context.Context) error {
	if p.started.Swap(true) {
		return errors.New("pipeline: Run called twice")
	}
	start := time.Now()
	p.runStart.Store(&start)
	eg, gctx := errgroup.WithContext(ctx)
	g := &group{eg: eg}
	stopCtx, stopSource := context.WithCancel(gctx)
	defer stopSource()
	r := &run{p: p, start: start, stopSource: stopSource,
		readClock: workerClock{every: true}, writeClock: workerClock{every: true}}

	depth := func(workers int) int {
		if p.cfg.QueueDepth > 0 {
			return p.cfg.QueueDepth
		}
		return workers
	}
	steps := make([]*step, 0, len(p.stages)+2)
	// Decode step: chunks to parcels.
	dm := p.metrics[1]
	decodeWorkers := dm.workers
	// Steps up to the last stage that declares Ordered keep input order
	// even when the pipeline is unordered: step k feeds stage k.
	lastOrdered := -1
	for i, stg := range p.stages {
		if stg.Ordered {
			lastOrdered = i
		}
	}
	unordered := func(step int) bool { return p.cfg.Unordered && step > lastOrdered }
	decode := newStep(r, dm, decodeWorkers, depth(decodeWorkers), unordered(0))
	decoders := make([]Decoder, decodeWorkers)
	for i := range decoders {
		decoders[i] = p.source.NewDecoder()
	}
	decode.process = p.decodeFunc(decode, decoders)
	steps = append(steps, decode)

	// Transform stages: parcels to parcels.
	for i, stg := range p.stages {
		sm := p.metrics[2+i]
		n := sm.workers
		st := newStep(r, sm, n, depth(n), unordered(i+1))
		workers := make([]Worker, n)
		for w := range workers {
			workers[w] = stg.NewWorker()
		}
		prev := steps[len(steps)-1].m.handoff
		st.process = p.stageFunc(r, st, prev, workers)
		if stg.Finish != nil {
			st.finish = func(ctx context.Context) error {
				emit := func(rec arrow.RecordBatch) error {
					now := r.now()
					it := item{seq: st.nextSeq(), born: now, queued: now}
					var err error
					if it.parcel, err = sm.handoff.Send(rec); err != nil {
						return err
					}
					sm.batchesOut.Add(1)
					sm.rowsOut.Add(it.parcel.Rows())
					sm.bytesOut.Add(it.parcel.Bytes())
					if err := st.forward(ctx, &it); err != nil {
						it.release()
						return err
					}
					return nil
				}
				if err := stg.Finish(ctx, workers, emit); err != nil {
					return &StageError{Stage: stg.Name, Seq: -1, Err: err}
				}
				return nil
			}
		}
		steps = append(steps, st)
	}

	// Encode step: parcels to chunks, written in order by its collector.
	em := p.metrics[len(p.metrics)-2]
	encodeWorkers := em.workers
	encode := newStep(r, em, encodeWorkers, depth(encodeWorkers), p.cfg.Unordered)
	encoders := make([]Encoder, encodeWorkers)
	for i := range encoders {
		encoders[i] = p.sink.NewEncoder()
	}
	encode.process = p.encodeFunc(encode, steps[len(steps)-1].m.handoff, encoders)
	steps = append(steps, encode)

	// Wire each step to the next.
	wm := p.metrics[len(p.metrics)-1]
	for i, st := range steps {
		if i+1 < len(steps) {
			next := steps[i+1]
			st.forward = next.dispatch
			st.end = func(context.Context) error { next.close(); return nil }
			continue
		}
		st.forward = func(ctx context.Context, it *item) error {
			return p.write(ctx, r, wm, it)
		}
		st.end = func(ctx context.Context) error {
			if err := p.sink.Close(ctx); err != nil {
				return &StageError{Stage: "write", Seq: -1, Err: err}
			}
			wm.finished.Store(r.now())
			return nil
		}
	}
	for _, st := range steps {
		st.start(gctx, g)
	}
	g.Go(func() error { return p.read(gctx, stopCtx, r, decode) })

	err := eg.Wait()
	for _, st := range steps {
		st.releaseAll()
	}
	if err == nil && ctx.Err() != nil {
		err = context.Cause(ctx)
	}
	return err
}

// read is the source's loop: one goroutine calling Next and dispatching
// chunks to the decode step in input order.
func (p *Pipeline) read(ctx, stopCtx context.Context, r *run, decode *step) error {
	m := p.metrics[0]
	m.started.Store(r.now())
	var seq uint64
	for {
		if stopCtx.Err() != nil {
			if ctx.Err() != nil {
				return nil // the run is failing or cancelled
			}
			break // a stage stopped the stream early
		}
		// born and queued stay 0 on an untimed batch (see workerClock).
		var t0, t1 int64
		timed := r.readClock.times(seq)
		if timed {
			t0 = r.now()
		}
		c, err := p.source.Next(stopCtx)
		if timed {
			t1 = r.now()
			m.busy[0].Add(r.readClock.account(t1 - t0))
		}
		if err == io.EOF || (err != nil && stopCtx.Err() != nil && ctx.Err() == nil) {
			break
		}
		if err != nil {
			if ctx.Err() != nil {
				return nil // the run is already failing or cancelled
			}
			return &StageError{Stage: "read", Seq: int64(seq), Err: err}
		}
		m.batchesOut.Add(1)
		m.rowsOut.Add(int64(c.Rows))
		m.bytesOut.Add(int64(len(c.Data)))
		it := item{seq: seq, born: t1, queued: t1, chunk: c}
		if err := decode.dispatch(ctx, &it); err != nil {
			it.release()
			return nil
		}
		seq++
	}
	m.finished.Store(r.now())
	decode.close()
	return nil
}

func (p *Pipeline) write(ctx context.Context, r *run, m *stepMetrics, it *item) error {
	c, seq, born := it.chunk, it.seq, it.born
	*it = item{}
	// Calls to write are serialized (one forwarding worker at a time), so
	// they may share one clock.
	if !r.writeClock.times(seq) {
		if err := p.sink.Write(ctx, c); err != nil {
			return &StageError{Stage: "write", Seq: int64(seq), Err: err}
		}
		return nil
	}
	t0 := r.now()
	if m.started.Load() == 0 {
		m.started.Store(t0)
	}
	err := p.sink.Write(ctx, c)
	now := r.now()
	m.busy[0].Add(r.writeClock.account(now - t0))
	if err != nil {
		return &StageError{Stage: "write", Seq: int64(seq), Err: err}
	}
	if born != 0 {
		p.latency.record(durationNs(now - born))
	}
	return nil
}

// group is an errgroup whose goroutines turn a panic into a *PanicError.
type group struct{ eg *errgroup.Group }

func (g *group) Go(f func() error) {
	g.eg.Go(func() (err error) {
		defer func() {
			if v := recover(); v != nil {
				err = &PanicError{Value: v, Stack: debug.Stack()}
			}
		}()
		return f()
	})
}

// guard runs f, turning a panic into a *PanicError, and wraps any error as
// a *StageError at batch seq.
func guard(stage string, seq uint64, f func() error) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = &PanicError{Value: v, Stack: debug.Stack()}
		}
		if err != nil && !errors.Is(err, ErrStop) {
			err = &StageError{Stage: stage, Seq: int64(seq), Err: err}
		}
	}()
	return f()
}
