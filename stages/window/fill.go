package window

import (
	"context"
	"errors"
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

// FillMode is how Fill replaces nulls.
type FillMode uint8

const (
	// FillDown replaces a null with the last non-null value above it (in
	// its group when Fill has keys), as Miller's fill-down -a and Polars'
	// fill_null(strategy="forward"); nulls before the first value stay.
	FillDown FillMode = iota
	// FillUp replaces a null with the first non-null value below it;
	// nulls after the last value stay. Batches wait for that value.
	FillUp
	// FillValue replaces every null with a constant.
	FillValue
)

// Fill returns the fill verb: the nulls of cols replaced as mode says,
// within each group of keys for FillDown (keys nil: the whole stream),
// by value for FillValue (nil, a string parsed for each column's type,
// or an int, int64, float64 or bool). The other columns, the schema and
// the rows' order are unchanged.
func Fill(cols []string, mode FillMode, keys []string, value any) verb.Verb {
	if len(cols) == 0 {
		return verb.Failed("fill", errors.New("fill: no column"))
	}
	if len(keys) > 0 && mode != FillDown {
		return verb.Failed("fill", errors.New("fill: keys only go with filling down"))
	}
	return verb.Verb{
		Name: "fill",
		Build: func(env verb.Env, in *arrow.Schema) (pipeline.Stage, *arrow.Schema, error) {
			st, err := newFill(env, in, cols, mode, keys, value)
			if err != nil {
				return pipeline.Stage{}, nil, fmt.Errorf("fill: %w", err)
			}
			return st, in, nil
		},
		Reads: func(in *arrow.Schema, needed []string) []string {
			if needed == nil {
				return nil
			}
			out := slices.Concat(cols, keys, needed)
			slices.Sort(out)
			return slices.Compact(out)
		},
	}
}

// fillConfig is the fill stage's configuration, shared by its workers.
type fillConfig struct {
	cols     []int
	kinds    []kind
	keyIdx   []int
	keyKinds []kind
	values   []cell // FillValue's, per column
	mode     FillMode
	mem      memory.Allocator
	cap      int64
}

func newFill(env verb.Env, in *arrow.Schema, cols []string, mode FillMode, keys []string, value any) (pipeline.Stage, error) {
	c := &fillConfig{mode: mode, mem: env.Mem, cap: env.MaxMemory}
	if c.mem == nil {
		c.mem = memory.DefaultAllocator
	}
	for _, name := range cols {
		idx := in.FieldIndices(name)
		if len(idx) == 0 {
			return pipeline.Stage{}, fmt.Errorf("no column %q", name)
		}
		k, err := kindOf(in.Field(idx[0]).Type)
		if err != nil {
			return pipeline.Stage{}, verb.NameColumn(fmt.Errorf("column %q: %w", name, err), name)
		}
		c.cols, c.kinds = append(c.cols, idx[0]), append(c.kinds, k)
		if mode == FillValue {
			v, err := parseDefault(value, k)
			if err != nil {
				return pipeline.Stage{}, verb.NameColumn(fmt.Errorf("column %q: %w", name, err), name)
			}
			c.values = append(c.values, v)
		}
	}
	for _, name := range keys {
		idx := in.FieldIndices(name)
		if len(idx) == 0 {
			return pipeline.Stage{}, fmt.Errorf("no key column %q", name)
		}
		k, err := kindOf(in.Field(idx[0]).Type)
		if err != nil {
			return pipeline.Stage{}, verb.NameColumn(fmt.Errorf("key %q: %w", name, err), name)
		}
		c.keyIdx, c.keyKinds = append(c.keyIdx, idx[0]), append(c.keyKinds, k)
	}
	switch mode {
	case FillValue:
		// Each row on its own: any worker, any order.
		return pipeline.Stage{Name: "fill", Workers: env.Workers, NewWorker: func() pipeline.Worker {
			return &fillValueWorker{c: c, out: make([]column, len(c.cols))}
		}}, nil
	case FillDown:
		return pipeline.Stage{Name: "fill", Workers: 1, Ordered: true, NewWorker: func() pipeline.Worker {
			return &fillDownWorker{c: c, groups: newGroups(c.keyKinds), keys: make([]arrow.Array, len(c.keyIdx)),
				last: make([][]cell, len(c.cols)), out: make([]column, len(c.cols))}
		}}, nil
	}
	return pipeline.Stage{Name: "fill", Workers: 1, Ordered: true,
		NewWorker: func() pipeline.Worker { return &fillUpWorker{c: c} },
		Finish: func(ctx context.Context, workers []pipeline.Worker, emit func(arrow.RecordBatch) error) error {
			return workers[0].(*fillUpWorker).finish(ctx, emit)
		},
		Abort: cancelguard.StageAbort(func(w *fillUpWorker) *cancelguard.Guard { return &w.guard }),
	}, nil
}

// replace returns in with the columns c.cols replaced by cols (nil:
// kept); it consumes in.
func (c *fillConfig) replace(in arrow.RecordBatch, cols []*column) arrow.RecordBatch {
	defer in.Release()
	arrs := slices.Clone(in.Columns())
	var own []arrow.Array
	for k, col := range cols {
		if col == nil {
			continue
		}
		a := build(c.mem, in.Schema().Field(c.cols[k]).Type, []*column{col})
		arrs[c.cols[k]] = a
		own = append(own, a)
	}
	out := array.NewRecordBatch(in.Schema(), arrs, in.NumRows())
	for _, a := range own {
		a.Release()
	}
	return out
}

type fillValueWorker struct {
	c   *fillConfig
	v   view
	out []column
}

func (w *fillValueWorker) Process(_ context.Context, _ uint64, in arrow.RecordBatch) (arrow.RecordBatch, error) {
	cols := make([]*column, len(w.c.cols))
	for k, ci := range w.c.cols {
		arr := in.Column(ci)
		if arr.NullN() == 0 || !w.c.values[k].ok {
			continue
		}
		w.v.load(w.c.kinds[k], arr)
		o := &w.out[k]
		o.reset(w.c.kinds[k], arr.Len())
		for i := range arr.Len() {
			if w.v.valid(i) {
				o.set(i, w.v.cell(i))
			} else {
				o.set(i, w.c.values[k])
			}
		}
		cols[k] = o
	}
	return w.c.replace(in, cols), nil
}

// fillDownWorker keeps each group's last non-null value of each column.
type fillDownWorker struct {
	c      *fillConfig
	groups *groups
	keys   []arrow.Array
	gids   []uint32
	v      view
	last   [][]cell // [column][group]
	size   int64
	out    []column
}

func (w *fillDownWorker) Process(_ context.Context, seq uint64, in arrow.RecordBatch) (arrow.RecordBatch, error) {
	n := int(in.NumRows())
	for i, c := range w.c.keyIdx {
		w.keys[i] = in.Column(c)
	}
	w.gids = w.groups.ids(w.keys, n, w.gids)
	cols := make([]*column, len(w.c.cols))
	for k, ci := range w.c.cols {
		w.last[k] = growTo(w.last[k], w.groups.n)
		last := w.last[k]
		w.v.load(w.c.kinds[k], in.Column(ci))
		o := &w.out[k]
		o.reset(w.c.kinds[k], n)
		for i, g := range w.gids {
			if w.v.valid(i) {
				c := w.v.cell(i)
				o.set(i, c)
				if w.c.kinds[k] == kindString {
					w.size += int64(len(c.s) - len(last[g].s))
					c = keep(c)
				}
				last[g] = c
				continue
			}
			o.set(i, last[g])
		}
		if in.Column(ci).NullN() > 0 {
			cols[k] = o
		}
	}
	if state := w.groups.size + w.size + int64(w.groups.n*len(w.c.cols))*48; w.c.cap > 0 && state > w.c.cap {
		in.Release()
		return nil, fmt.Errorf("%w: %d groups need ~%d bytes, over the cap of %d (raise --max-memory)", ErrMemory, w.groups.n, state, w.c.cap)
	}
	return w.c.replace(in, cols), nil
}

// fillUpWorker holds batches while some of their nulls wait for a value
// below them: the rows waiting are a run at the end of what was read, so
// the batches before the first of them can go.
type fillUpWorker struct {
	c         *fillConfig
	v         view
	queue     []*fillHeld
	base      uint64 // number of queue[0]
	waiting   [][]pos
	heldBytes int64
	guard     cancelguard.Guard
}

type fillHeld struct {
	rec   arrow.RecordBatch
	cols  []column
	bytes int64
}

func (w *fillUpWorker) Process(ctx context.Context, _ uint64, in arrow.RecordBatch) (arrow.RecordBatch, error) {
	if !w.guard.Enter(ctx, w.release) {
		in.Release()
		return nil, aborted(ctx)
	}
	defer w.guard.Leave()
	if w.waiting == nil {
		w.waiting = make([][]pos, len(w.c.cols))
	}
	n := int(in.NumRows())
	if n == 0 {
		in.Release()
		return nil, nil
	}
	id := w.base + uint64(len(w.queue))
	h := &fillHeld{rec: in, cols: make([]column, len(w.c.cols))}
	w.queue = append(w.queue, h)
	for k, ci := range w.c.cols {
		w.v.load(w.c.kinds[k], in.Column(ci))
		o := &h.cols[k]
		o.reset(w.c.kinds[k], n)
		for i := range n {
			if !w.v.valid(i) {
				o.valid[i] = false
				w.waiting[k] = append(w.waiting[k], pos{batch: id, row: int32(i)})
				continue
			}
			c := w.v.cell(i)
			o.set(i, c)
			for _, p := range w.waiting[k] {
				w.queue[p.batch-w.base].cols[k].set(int(p.row), c)
			}
			w.waiting[k] = w.waiting[k][:0]
		}
	}
	h.bytes = sharedmem.PinnedBytes(in)
	for k := range h.cols {
		h.bytes += h.cols[k].bytes()
	}
	w.heldBytes += h.bytes
	if w.c.cap > 0 && w.heldBytes > w.c.cap {
		w.release()
		w.guard.Done()
		return nil, fmt.Errorf("%w: %d batches wait for a value below their nulls, ~%d bytes, over the cap of %d (raise --max-memory)",
			ErrMemory, len(w.queue), w.heldBytes, w.c.cap)
	}
	// The batches before the first one with a waiting row are done.
	first := w.base + uint64(len(w.queue))
	for _, ps := range w.waiting {
		if len(ps) > 0 {
			first = min(first, ps[0].batch)
		}
	}
	ready := int(first - w.base)
	if ready == 0 {
		return nil, nil
	}
	out := w.emit(w.queue[:ready])
	w.queue = append(w.queue[:0], w.queue[ready:]...)
	w.base += uint64(ready)
	return out, nil
}

// emit makes one batch of hs and releases them.
func (w *fillUpWorker) emit(hs []*fillHeld) arrow.RecordBatch {
	cols := make([]*column, len(w.c.cols))
	for k := range cols {
		cols[k] = &column{}
		for _, h := range hs {
			cols[k].append(&h.cols[k])
		}
	}
	first := hs[0].rec
	if len(hs) > 1 {
		recs := make([]arrow.RecordBatch, len(hs))
		for i, h := range hs {
			recs[i] = h.rec
		}
		first = concatBatches(w.c.mem, recs)
		for _, h := range hs {
			h.rec.Release()
		}
	}
	for _, h := range hs {
		w.heldBytes -= h.bytes
	}
	return w.c.replace(first, cols)
}

func (w *fillUpWorker) finish(ctx context.Context, emit func(arrow.RecordBatch) error) error {
	if !w.guard.Enter(ctx, w.release) {
		return aborted(ctx)
	}
	defer w.guard.Leave()
	defer w.guard.Done()
	defer w.release()
	for len(w.queue) > 0 {
		h := w.queue[0]
		w.queue = w.queue[1:]
		if err := emit(w.emit([]*fillHeld{h})); err != nil {
			return err
		}
	}
	return nil
}

func (w *fillUpWorker) release() {
	for _, h := range w.queue {
		h.rec.Release()
	}
	w.queue, w.heldBytes = nil, 0
}

// concatBatches joins recs of one schema into a new batch; the caller
// releases recs and the result.
func concatBatches(mem memory.Allocator, recs []arrow.RecordBatch) arrow.RecordBatch {
	schema := recs[0].Schema()
	arrs := make([]arrow.Array, schema.NumFields())
	var rows int64
	for _, r := range recs {
		rows += r.NumRows()
	}
	for c := range arrs {
		parts := make([]arrow.Array, len(recs))
		for i, r := range recs {
			parts[i] = r.Column(c)
		}
		a, err := array.Concatenate(parts, mem)
		if err != nil {
			panic(fmt.Sprintf("window: concatenating batches of one schema: %v", err))
		}
		arrs[c] = a
	}
	out := array.NewRecordBatch(schema, arrs, rows)
	for _, a := range arrs {
		a.Release()
	}
	return out
}
