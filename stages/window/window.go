package window

import (
	"context"
	"fmt"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/sharedmem"
	"github.com/arrowpipe/arrowpipe/stages/internal/cancelguard"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// Window returns the window verb: the functions fns computed over the
// rows of each group of keys (none: the whole stream is one group),
// appended as new columns to every row, rows in input order. Bad
// arguments fail at Build with the verb's name.
func Window(keys []string, fns ...Func) verb.Verb {
	if len(fns) == 0 {
		return verb.Failed("window", fmt.Errorf("window: no function"))
	}
	for _, f := range fns {
		if err := f.check(); err != nil {
			return verb.Failed("window", fmt.Errorf("window: %w", err))
		}
	}
	holds := slices.ContainsFunc(fns, func(f Func) bool { return f.Op == OpLead || f.Op == OpRank || f.Op == OpDenseRank })
	return verb.Verb{
		Name:   "window",
		Spills: holds,
		Build: func(env verb.Env, in *arrow.Schema) (pipeline.Stage, *arrow.Schema, error) {
			st, out, err := newStage(env, in, keys, fns)
			if err != nil {
				return pipeline.Stage{}, nil, fmt.Errorf("window: %w", err)
			}
			return st, out, nil
		},
		Reads: func(in *arrow.Schema, needed []string) []string {
			if needed == nil {
				return nil
			}
			cols := slices.Clone(keys)
			for _, f := range fns {
				cols = append(cols, f.columnsRead(in)...)
			}
			for _, n := range needed {
				if in.HasField(n) {
					cols = append(cols, n)
				}
			}
			slices.Sort(cols)
			return slices.Compact(cols)
		},
	}
}

// config is the stage's configuration, shared by its (one) worker.
type config struct {
	keyIdx   []int
	keyKinds []kind
	fns      []bound
	out      *arrow.Schema
	in       *arrow.Schema
	mem      memory.Allocator
	cap      int64
	tempDir  string
	hold     bool // lead or a rank: batches wait for later rows
	rank     bool // a rank: batches wait for the end
}

// holdCap is what held batches and per-group state may take before the
// held batches spill: half the cap, the other half being the spill's
// sorts'.
func (p *config) holdCap() int64 { return p.cap / 2 }

func newStage(env verb.Env, in *arrow.Schema, keys []string, fns []Func) (pipeline.Stage, *arrow.Schema, error) {
	p := &config{in: in, mem: env.Mem, cap: env.MaxMemory, tempDir: env.TempDir}
	if p.mem == nil {
		p.mem = memory.DefaultAllocator
	}
	for _, k := range keys {
		idx := in.FieldIndices(k)
		if len(idx) == 0 {
			return pipeline.Stage{}, nil, fmt.Errorf("no key column %q", k)
		}
		kk, err := kindOf(in.Field(idx[0]).Type)
		if err != nil {
			return pipeline.Stage{}, nil, verb.NameColumn(fmt.Errorf("key %q: %w", k, err), k)
		}
		p.keyIdx = append(p.keyIdx, idx[0])
		p.keyKinds = append(p.keyKinds, kk)
	}
	fields := slices.Clone(in.Fields())
	for _, f := range fns {
		b, err := bind(in, f)
		if err != nil {
			return pipeline.Stage{}, nil, err
		}
		if slices.ContainsFunc(fields, func(x arrow.Field) bool { return x.Name == b.field.Name }) {
			return pipeline.Stage{}, nil, fmt.Errorf("%s: the column %q already exists (name it with NAME = ...)", f.Op, b.field.Name)
		}
		fields = append(fields, b.field)
		p.fns = append(p.fns, b)
		p.hold = p.hold || f.Op == OpLead
		p.rank = p.rank || f.Op == OpRank || f.Op == OpDenseRank
	}
	p.hold = p.hold || p.rank
	md := in.Metadata()
	p.out = arrow.NewSchema(fields, &md)
	return pipeline.Stage{
		Name: "window",
		// Per-group state carries from batch to batch in row order.
		Workers: 1,
		Ordered: true,
		NewWorker: func() pipeline.Worker {
			return newWorker(p)
		},
		Finish: func(ctx context.Context, workers []pipeline.Worker, emit func(arrow.RecordBatch) error) error {
			return workers[0].(*worker).finish(ctx, emit)
		},
		Abort: cancelguard.StageAbort(func(w *worker) *cancelguard.Guard { return &w.guard }),
	}, p.out, nil
}

// held is a batch waiting for its leads or ranks.
type held struct {
	rec     arrow.RecordBatch
	cols    []column
	gids    []uint32 // for the ranks
	pending int      // rows whose lead is not known yet
	bytes   int64
	start   int64 // the input row of rec's first row
}

// worker is the stage's one worker; its state is guarded against a
// cancel that releases it from another goroutine.
type worker struct {
	p      *config
	fns    []fn
	groups *groups
	keys   []arrow.Array
	gids   []uint32
	cols   []column // scratch of the streaming path

	queue     []*held
	base      uint64 // number of queue[0]
	next      uint64 // number of the next batch
	rows      int64  // input rows so far
	heldBytes int64
	// spill, once the held batches passed the cap, has the batches before
	// queue[0] on disk.
	spill *spill
	guard cancelguard.Guard
}

func newWorker(p *config) *worker {
	w := &worker{p: p, groups: newGroups(p.keyKinds), keys: make([]arrow.Array, len(p.keyIdx)), cols: make([]column, len(p.fns))}
	for k, b := range p.fns {
		f := b.make(b.field.Name)
		if lf, ok := f.(*leadFn); ok {
			lf.resolve = func(at pos, c cell) {
				if at.batch < w.base {
					w.spill.patch(k, at.at, c)
					return
				}
				h := w.queue[at.batch-w.base]
				h.cols[k].set(int(at.row), c)
				h.pending--
			}
			lf.pend = func(id uint64) { w.queue[id-w.base].pending++ }
		}
		w.fns = append(w.fns, f)
	}
	return w
}

func (w *worker) Process(ctx context.Context, seq uint64, in arrow.RecordBatch) (arrow.RecordBatch, error) {
	if !w.guard.Enter(ctx, w.release) {
		in.Release()
		return nil, aborted(ctx)
	}
	defer w.guard.Leave()
	n := int(in.NumRows())
	if n == 0 {
		in.Release()
		return nil, nil
	}
	for i, c := range w.p.keyIdx {
		w.keys[i] = in.Column(c)
	}
	w.gids = w.groups.ids(w.keys, n, w.gids)
	r := rows{rec: in, gids: w.gids, groups: w.groups.n, id: w.next, start: w.rows, seq: seq}
	w.rows += int64(n)
	if !w.p.hold {
		defer in.Release()
		for k, f := range w.fns {
			w.cols[k].reset(w.p.fns[k].kind, n)
			if err := f.step(&r, &w.cols[k]); err != nil {
				return nil, err
			}
		}
		if err := w.checkMemory(); err != nil {
			return nil, err
		}
		return w.assemble(in, nil, w.cols), nil
	}
	h := &held{rec: in, cols: make([]column, len(w.fns)), start: r.start}
	if w.p.rank {
		h.gids = slices.Clone(w.gids)
	}
	w.queue = append(w.queue, h)
	w.next++
	for k, f := range w.fns {
		h.cols[k].reset(w.p.fns[k].kind, n)
		if err := f.step(&r, &h.cols[k]); err != nil {
			w.fail()
			return nil, err
		}
	}
	h.bytes = sharedmem.PinnedBytes(in) + int64(len(h.gids))*4
	for k := range h.cols {
		h.bytes += h.cols[k].bytes()
	}
	w.heldBytes += h.bytes
	if err := w.holdWithin(ctx); err != nil {
		w.fail()
		return nil, err
	}
	if w.p.rank || w.spill != nil {
		return nil, nil
	}
	ready := 0
	for ready < len(w.queue) && w.queue[ready].pending == 0 {
		ready++
	}
	if ready == 0 {
		return nil, nil
	}
	out := w.emitHeld(w.queue[:ready])
	w.queue = append(w.queue[:0], w.queue[ready:]...)
	w.base += uint64(ready)
	return out, nil
}

// emitHeld assembles the batches hs into one and releases them.
func (w *worker) emitHeld(hs []*held) arrow.RecordBatch {
	var cols []column
	if len(hs) == 1 {
		cols = hs[0].cols
	} else {
		cols = make([]column, len(w.fns))
		for k := range cols {
			for _, h := range hs {
				cols[k].append(&h.cols[k])
			}
		}
	}
	out := w.assemble(hs[0].rec, hs[1:], cols)
	for _, h := range hs {
		w.heldBytes -= h.bytes
		h.rec.Release()
	}
	return out
}

// assemble makes the output batch: the input columns of first and more,
// then the new columns.
func (w *worker) assemble(first arrow.RecordBatch, more []*held, cols []column) arrow.RecordBatch {
	arrs := make([]arrow.Array, 0, len(w.p.out.Fields()))
	var own []arrow.Array
	for c := range int(first.NumCols()) {
		if len(more) == 0 {
			arrs = append(arrs, first.Column(c))
			continue
		}
		parts := []arrow.Array{first.Column(c)}
		for _, h := range more {
			parts = append(parts, h.rec.Column(c))
		}
		a, err := array.Concatenate(parts, w.p.mem)
		if err != nil {
			panic(fmt.Sprintf("window: concatenating batches of one schema: %v", err))
		}
		arrs, own = append(arrs, a), append(own, a)
	}
	for k := range cols {
		a := build(w.p.mem, w.p.fns[k].field.Type, []*column{&cols[k]})
		arrs, own = append(arrs, a), append(own, a)
	}
	n := int64(arrs[0].Len())
	out := array.NewRecordBatch(w.p.out, arrs, n)
	for _, a := range own {
		a.Release()
	}
	return out
}

// checkMemory fails when the held batches and the per-group state pass
// the cap.
func (w *worker) checkMemory() error {
	if w.p.cap <= 0 {
		return nil
	}
	if total := w.stateBytes() + w.heldBytes; total > w.p.cap {
		return fmt.Errorf("%w: %d groups and %d held batches need ~%d bytes, over the cap of %d (raise --max-memory)",
			ErrMemory, w.groups.n, len(w.queue), total, w.p.cap)
	}
	return nil
}

// holdWithin spills the held batches when they and the per-group state
// pass the hold's share of the cap, and fails when the state alone does.
func (w *worker) holdWithin(ctx context.Context) error {
	if w.spill != nil {
		if err := w.spill.flushPatches(ctx); err != nil {
			return err
		}
	}
	if w.p.cap <= 0 || w.stateBytes()+w.heldBytes <= w.p.holdCap() {
		return nil
	}
	if err := w.spillQueue(ctx); err != nil {
		return err
	}
	if state := w.stateBytes(); state > w.p.holdCap() {
		return fmt.Errorf("%w: %d groups need ~%d bytes, over half the cap of %d (raise --max-memory)",
			ErrMemory, w.groups.n, state, w.p.cap)
	}
	return nil
}

func (w *worker) stateBytes() int64 {
	state := w.groups.size
	for _, f := range w.fns {
		state += f.bytes()
	}
	return state
}

func (w *worker) finish(ctx context.Context, emit func(arrow.RecordBatch) error) error {
	if !w.guard.Enter(ctx, w.release) {
		return aborted(ctx)
	}
	defer w.guard.Leave()
	defer w.guard.Done()
	defer w.release()
	for _, f := range w.fns {
		if lf, ok := f.(*leadFn); ok {
			lf.finish()
		}
	}
	if w.spill != nil {
		if err := w.finishSpilled(ctx, emit); err != nil {
			return err
		}
	} else if w.p.rank {
		w.rank()
	}
	for len(w.queue) > 0 {
		if err := ctx.Err(); err != nil {
			return context.Cause(ctx)
		}
		h := w.queue[0]
		w.queue = w.queue[1:]
		w.base++
		if err := emit(w.emitHeld([]*held{h})); err != nil {
			return err
		}
	}
	return nil
}

// fail releases the state after an error, so that nothing is held
// whether or not the run is then cancelled.
func (w *worker) fail() {
	w.release()
	w.guard.Done()
}

func (w *worker) release() {
	for _, h := range w.queue {
		h.rec.Release()
	}
	w.queue = nil
	w.heldBytes = 0
	if w.spill != nil {
		w.spill.remove()
		w.spill = nil
	}
}

func (c *column) append(o *column) {
	c.kind = o.kind
	c.valid = append(c.valid, o.valid...)
	c.ints = append(c.ints, o.ints...)
	c.flts = append(c.flts, o.flts...)
	c.strs = append(c.strs, o.strs...)
	c.bools = append(c.bools, o.bools...)
}

// aborted is the error of a worker called after its state was released:
// the run's cause when it was cancelled.
func aborted(ctx context.Context) error {
	if ctx.Err() != nil {
		return context.Cause(ctx)
	}
	return errAborted
}
