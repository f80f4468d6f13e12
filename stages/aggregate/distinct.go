package aggregate

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/internal/cancelguard"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// distinctWorker passes on the rows whose key columns have not been seen
// before, whole and in input order. It runs as the stage's only worker.
type distinctWorker struct {
	name   string
	keyIdx []int
	tab    *table
	mem    memory.Allocator
	cap    int64
	keys   []arrow.Array
	gids   []uint32
	keep   []uint32
}

func (w *distinctWorker) Process(ctx context.Context, seq uint64, in arrow.RecordBatch) (arrow.RecordBatch, error) {
	n := int(in.NumRows())
	if n == 0 {
		in.Release()
		return nil, nil
	}
	if err := checkDecimals(in, w.keyIdx); err != nil {
		in.Release()
		return nil, fmt.Errorf("distinct: %w", err)
	}
	for i, c := range w.keyIdx {
		w.keys[i] = in.Column(c)
	}
	before := uint32(w.tab.n)
	var err error
	if w.gids, err = w.tab.groups(w.keys, n, seq, w.gids); err != nil {
		err = textErr(err, in, w.keyIdx)
		in.Release()
		return nil, fmt.Errorf("distinct: %w", err)
	}
	// New groups are numbered in order of their first row in this batch.
	w.keep = w.keep[:0]
	next := before
	for i, g := range w.gids {
		if g == next {
			w.keep = append(w.keep, uint32(i))
			next++
		}
	}
	if w.cap > 0 && w.tab.bytes() > w.cap {
		in.Release()
		return nil, fmt.Errorf("%s: %w: %d distinct keys hold ~%s, over the cap of %s",
			w.name, ErrMemory, w.tab.n, fmtBytes(w.tab.bytes()), fmtBytes(w.cap))
	}
	switch len(w.keep) {
	case 0:
		in.Release()
		return nil, nil
	case n:
		return in, nil
	}
	out, err := takeRows(w.mem, in, w.keep)
	in.Release()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", w.name, err)
	}
	return out, nil
}

// newDistinct builds distinct over cols (every column when there are
// none), keeping each key's first row, or its latest with last.
func newDistinct(env verb.Env, in *arrow.Schema, cols []string, last bool) (pipeline.Stage, *arrow.Schema, error) {
	mem := env.Mem
	if mem == nil {
		mem = memory.DefaultAllocator
	}
	if len(cols) == 0 {
		for _, f := range in.Fields() {
			cols = append(cols, f.Name)
		}
	}
	var keyIdx []int
	var types []arrow.DataType
	for _, name := range cols {
		i, err := columnIndex(in, name)
		if err != nil {
			return pipeline.Stage{}, nil, err
		}
		if _, err := valueKindOf(in.Field(i).Type); err != nil {
			return pipeline.Stage{}, nil, verb.NameColumn(fmt.Errorf("column %q: %w", name, err), name)
		}
		keyIdx = append(keyIdx, i)
		types = append(types, in.Field(i).Type)
	}
	if err := checkGatherable(in); err != nil {
		return pipeline.Stage{}, nil, err
	}
	if last {
		return pipeline.Stage{
			Name: "distinct",
			// Which row is a key's latest depends on the order of rows.
			Workers: 1,
			Ordered: true,
			NewWorker: func() pipeline.Worker {
				return &distinctLastWorker{
					name: "distinct", keyIdx: keyIdx, types: types, tab: newTable(types), mem: mem, cap: env.MaxMemory,
					tempDir: env.TempDir, outRows: outRows(env), schema: in, keys: make([]arrow.Array, len(types)),
				}
			},
			Finish: func(ctx context.Context, workers []pipeline.Worker, emit func(arrow.RecordBatch) error) error {
				return workers[0].(*distinctLastWorker).finish(ctx, emit)
			},
			Abort: cancelguard.StageAbort(func(w *distinctLastWorker) *cancelguard.Guard { return &w.guard }),
		}, in, nil
	}
	return pipeline.Stage{
		Name: "distinct",
		// It keeps each key's first row as it arrives.
		Workers: 1,
		Ordered: true,
		NewWorker: func() pipeline.Worker {
			return &distinctWorker{
				name: "distinct", keyIdx: keyIdx, tab: newTable(types), mem: mem, cap: env.MaxMemory,
				keys: make([]arrow.Array, len(types)),
			}
		},
	}, in, nil
}

// lastRef is where a key's latest row is held, and its input position.
type lastRef struct {
	ref rowRef
	pos int64
}

// distinctLastWorker keeps, for each key, its latest row: it holds the
// batches those rows are in, compacting them into one batch of the
// latest rows when they hold twice as many rows as there are keys, and
// emits the rows from Finish in the order of their input positions. Past
// the memory cap it spills them (see lastSpill) and starts over. It runs
// as the stage's only worker.
type distinctLastWorker struct {
	name     string
	keyIdx   []int
	types    []arrow.DataType
	tab      *table
	mem      memory.Allocator
	cap      int64
	outRows  int
	schema   *arrow.Schema
	keys     []arrow.Array
	gids     []uint32
	last     []lastRef
	held     []arrow.RecordBatch
	heldRows int64
	seen     int64
	guard    cancelguard.Guard
	tempDir  string
	spilled  *lastSpill // nil until the first spill
}

func (w *distinctLastWorker) Process(ctx context.Context, seq uint64, in arrow.RecordBatch) (arrow.RecordBatch, error) {
	if !w.guard.Enter(ctx, w.cleanup) {
		in.Release()
		return nil, errAborted
	}
	defer w.guard.Leave()
	n := int(in.NumRows())
	if n == 0 {
		in.Release()
		return nil, nil
	}
	for i, c := range w.keyIdx {
		w.keys[i] = in.Column(c)
	}
	var err error
	if w.gids, err = w.tab.groups(w.keys, n, seq, w.gids); err != nil {
		err = textErr(err, in, w.keyIdx)
		in.Release()
		w.fail()
		return nil, fmt.Errorf("%s: %w", w.name, err)
	}
	src := uint32(len(w.held))
	for i, g := range w.gids {
		for int(g) >= len(w.last) {
			w.last = append(w.last, lastRef{})
		}
		w.last[g] = lastRef{rowRef{src, uint32(i)}, w.seen + int64(i)}
	}
	w.seen += int64(n)
	w.held = append(w.held, in)
	w.heldRows += int64(n)
	if len(w.held) >= 8 && w.heldRows > 2*int64(len(w.last)) {
		if err := w.compact(); err != nil {
			w.fail()
			return nil, fmt.Errorf("%s: %w", w.name, err)
		}
	}
	if w.cap > 0 && w.tab.bytes()+w.heldBytes() > w.cap {
		if err := w.spill(ctx); err != nil {
			w.fail()
			return nil, fmt.Errorf("%s: %w", w.name, err)
		}
	}
	return nil, nil
}

// compact replaces the held batches by one batch of each key's latest
// row, in key order.
func (w *distinctLastWorker) compact() error {
	refs := make([]rowRef, len(w.last))
	for g, l := range w.last {
		refs[g] = l.ref
	}
	out, err := gather(w.mem, w.schema, w.held, refs)
	if err != nil {
		return err
	}
	w.release()
	for g := range w.last {
		w.last[g].ref = rowRef{0, uint32(g)}
	}
	w.held, w.heldRows = []arrow.RecordBatch{out}, out.NumRows()
	return nil
}

func (w *distinctLastWorker) heldBytes() int64 {
	var b int64
	for _, r := range w.held {
		for _, c := range r.Columns() {
			for _, buf := range c.Data().Buffers() {
				if buf != nil {
					b += int64(buf.Len())
				}
			}
		}
	}
	return b
}

func (w *distinctLastWorker) finish(ctx context.Context, emit func(arrow.RecordBatch) error) error {
	if !w.guard.Enter(ctx, w.cleanup) {
		return errAborted
	}
	defer w.guard.Leave()
	defer w.fail()
	if w.spilled != nil {
		return w.finishSpilled(ctx, emit)
	}
	order := slices.Clone(w.last)
	slices.SortFunc(order, func(a, b lastRef) int { return cmp.Compare(a.pos, b.pos) })
	refs := make([]rowRef, 0, min(len(order), w.outRows))
	for start := 0; start < len(order); start += w.outRows {
		refs = refs[:0]
		for _, l := range order[start:min(start+w.outRows, len(order))] {
			refs = append(refs, l.ref)
		}
		out, err := gather(w.mem, w.schema, w.held, refs)
		if err != nil {
			return fmt.Errorf("%s: %w", w.name, err)
		}
		if err := emit(out); err != nil {
			return err
		}
	}
	return nil
}

// fail releases the state and removes the spill files for good. Call it
// under the guard.
func (w *distinctLastWorker) fail() {
	w.cleanup()
	w.guard.Done()
}

func (w *distinctLastWorker) cleanup() {
	w.release()
	if w.spilled != nil {
		w.spilled.remove()
	}
}

func (w *distinctLastWorker) release() {
	for _, r := range w.held {
		r.Release()
	}
	w.held, w.heldRows = nil, 0
}
