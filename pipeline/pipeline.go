package pipeline

import (
	"context"
	"errors"
	"io"
	"runtime/debug"
	"sync/atomic"
	"time"

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
	// decoders and encoders are the decode and encode pools' codecs; nil
	// when the source's chunks carry batches (NewDecoder returns nil) or
	// the sink takes batches (NewEncoder returns nil), and the step is
	// left out.
	decoders []Decoder
	encoders []Encoder

	mem     memory.Allocator
	started atomic.Bool
	// runStart is set once Run has begun; Metrics reads the clock from it.
	runStart atomic.Pointer[time.Time]
	// specs describes the steps, in order: read, [decode], stages...,
	// [encode], write. They are laid out here, before Run, so that Metrics
	// never races with Run's setup. firstStage is the index of the first
	// stage's spec.
	specs      []stepSpec
	firstStage int
	latency    histogram
}

// New returns a pipeline that reads source, passes every batch through
// stages in order and writes the result to sink. It makes the decoders
// and encoders, one per worker of their pools.
func New(source Source, stages []Stage, sink Sink, cfg Config) *Pipeline {
	p := &Pipeline{cfg: cfg, source: source, stages: stages, sink: sink, mem: cfg.Mem}
	if p.mem == nil {
		p.mem = sharedmem.NewPool(0)
	}
	add := func(kind StepKind, name string, workers int, handoff bool) {
		spec := stepSpec{kind: kind, name: name, workers: workers, m: &stepMetrics{busy: make([]paddedInt64, workers)}}
		if handoff {
			spec.handoff = sharedmem.NewHandoff(cfg.Handoff, p.mem)
		}
		p.specs = append(p.specs, spec)
	}
	if d := source.NewDecoder(); d != nil {
		p.decoders = []Decoder{d}
		for range poolSize(cfg.DecodeWorkers) - 1 {
			p.decoders = append(p.decoders, source.NewDecoder())
		}
		add(ReadStep, "read", 1, false)
		add(DecodeStep, "decode", len(p.decoders), true)
	} else {
		add(ReadStep, "read", 1, true) // the reader hands its batches on itself
	}
	p.firstStage = len(p.specs)
	for _, s := range stages {
		add(StageStep, s.Name, poolSize(s.Workers), true)
	}
	if e := sink.NewEncoder(); e != nil {
		p.encoders = []Encoder{e}
		for range poolSize(cfg.EncodeWorkers) - 1 {
			p.encoders = append(p.encoders, sink.NewEncoder())
		}
		add(EncodeStep, "encode", len(p.encoders), false)
	}
	add(WriteStep, "write", 1, false)
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
	for k := range p.specs {
		var prev *stepSpec
		if k > 0 {
			prev = &p.specs[k-1]
		}
		m.Stages = append(m.Stages, p.specs[k].snapshot(prev, now))
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
	// Steps up to the last stage that declares Ordered keep input order
	// even when the pipeline is unordered: step k feeds stage k.
	lastOrdered := -1
	for i, stg := range p.stages {
		if stg.Ordered {
			lastOrdered = i
		}
	}
	unordered := func(step int) bool { return p.cfg.Unordered && step > lastOrdered }

	// The steps are built from the writer back, each with its successor.
	// p.specs are read, [decode], stages..., [encode], write; spec k-1's
	// handoff is what step k receives from.
	var steps []*step
	var aborts []func()
	last := len(p.specs) - 1
	var next downstream = &writer{p: p, r: r, m: p.specs[last].m}
	if p.encoders == nil {
		next = &writer{p: p, r: r, m: p.specs[last].m, prev: p.specs[last-1].handoff}
	} else {
		// Encode step: parcels to chunks, written in order by the writer.
		es := p.specs[last-1]
		encode := newStep(r, es, depth(es.workers), p.cfg.Unordered,
			encodeFunc(p.specs[last-2].handoff, p.encoders), nil, next)
		steps, next = append(steps, encode), encode
	}

	// Transform stages: parcels to parcels.
	for i := len(p.stages) - 1; i >= 0; i-- {
		k := p.firstStage + i
		stg, ss := p.stages[i], p.specs[k]
		workers := make([]Worker, ss.workers)
		for w := range workers {
			workers[w] = stg.NewWorker()
		}
		if stg.Abort != nil {
			aborts = append(aborts, func() { stg.Abort(workers) })
		}
		st := newStep(r, ss, depth(ss.workers), unordered(i+1),
			stageFunc(p.specs[k-1].handoff, workers), stageFinish(stg, workers), next)
		steps, next = append(steps, st), st
	}

	if p.decoders != nil {
		// Decode step: chunks to parcels.
		ds := p.specs[1]
		decode := newStep(r, ds, depth(ds.workers), unordered(0), decodeFunc(p.decoders), nil, next)
		steps, next = append(steps, decode), decode
	}

	for _, st := range steps {
		st.start(gctx, g)
	}
	first := next
	g.Go(func() error { return p.read(gctx, stopCtx, r, first) })

	err := eg.Wait()
	for _, st := range steps {
		st.releaseAll()
	}
	if err == nil && ctx.Err() != nil {
		err = context.Cause(ctx)
	}
	if err != nil {
		for _, abort := range aborts {
			abort()
		}
	}
	return err
}

// read is the source's loop: one goroutine calling Next and dispatching
// chunks to the decode step in input order, or, without one, the chunks'
// batches to the next step.
func (p *Pipeline) read(ctx, stopCtx context.Context, r *run, next downstream) error {
	m := p.specs[0].m
	handoff := p.specs[0].handoff // nil: chunks go to the decode step
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
		it := item{seq: seq, born: t1, queued: t1, chunk: c}
		rows, size := int64(c.Rows), int64(len(c.Data))
		if handoff != nil {
			if err := p.handOn(&it, handoff); err != nil {
				return err
			}
			rows, size = it.parcel.Rows(), it.parcel.Bytes()
		}
		m.batchesOut.Add(1)
		m.rowsOut.Add(rows)
		m.bytesOut.Add(size)
		if err := next.dispatch(ctx, &it); err != nil {
			it.release()
			if ctx.Err() != nil {
				return nil // the run is failing or cancelled
			}
			return err // the writer's, when no step comes between
		}
		seq++
	}
	m.finished.Store(r.now())
	return next.end(ctx)
}

// handOn turns the batch of a columnar source's chunk into the parcel the
// first step after the reader receives.
func (p *Pipeline) handOn(it *item, handoff *sharedmem.Handoff) error {
	c := it.chunk
	it.chunk = Chunk{}
	if c.Batch == nil {
		return &StageError{Stage: "read", Seq: int64(it.seq), Err: errors.New("pipeline: a source without a Decoder returned a chunk without a Batch")}
	}
	parcel, err := handoff.Send(c.Batch)
	if err != nil {
		return &StageError{Stage: "read", Seq: int64(it.seq), Err: err}
	}
	it.parcel = parcel
	return nil
}

// writer is the last step's downstream: the sink, on the goroutine of the
// worker that forwards (one at a time).
type writer struct {
	p *Pipeline
	r *run
	m *stepMetrics
	// prev is what a sink without Encoder receives batches from; nil when
	// the encode step hands the writer chunks.
	prev *sharedmem.Handoff
}

func (wr *writer) end(ctx context.Context) error {
	if err := wr.p.sink.Close(ctx); err != nil {
		return &StageError{Stage: "write", Seq: -1, Err: err}
	}
	wr.m.finished.Store(wr.r.now())
	return nil
}

func (wr *writer) dispatch(ctx context.Context, it *item) error {
	p, r, m := wr.p, wr.r, wr.m
	c, seq, born := it.chunk, it.seq, it.born
	if wr.prev != nil {
		rec, err := wr.prev.Receive(it.parcel)
		if err != nil {
			*it = item{}
			return &StageError{Stage: "write", Seq: int64(seq), Err: err}
		}
		c = Chunk{Batch: rec, Rows: int(rec.NumRows())}
	}
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
