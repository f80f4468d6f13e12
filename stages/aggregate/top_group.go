package aggregate

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/sharedmem"
	"github.com/arrowpipe/arrowpipe/stages/internal/cancelguard"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// topGroupStage is what the workers of a top per group share: the plan
// and the memory they hold between them.
type topGroupStage struct {
	n       int
	order   []orderKey
	keyIdx  []int
	keyType []arrow.DataType
	schema  *arrow.Schema
	mem     memory.Allocator
	cap     int64
	outRows int
	tempDir string
	bytes   atomic.Int64
}

// topGroupWorker keeps, for each group of the rows it is given, the n best
// rows in a heap of references into the batches they come from (as
// topWorker does for the whole stream). A batch any row of which gets in
// is held whole until the held batches have more than twice the kept
// rows; the kept rows are then copied into one compact batch.
type topGroupWorker struct {
	st      *topGroupStage
	tab     *table
	keys    []arrow.Array
	gids    []uint32
	heaps   [][]topEntry // per group, worst row at the root
	kept    int          // entries in all heaps
	srcs    []arrow.RecordBatch
	views   [][]keyView // views[i] are the order keys of srcs[i]
	srcRows int
	counted int64 // this worker's share of st.bytes
	guard   cancelguard.Guard
	spilled *topSpill // nil until the first spill
}

// worse orders a after b: by the order keys, then by input position.
func (w *topGroupWorker) worse(a, b topEntry) bool {
	if c := compareRows(w.st.order, w.views[a.src], int(a.row), w.views[b.src], int(b.row)); c != 0 {
		return c > 0
	}
	return b.at.before(a.at)
}

// push adds e to heap h, the worst row at the root.
func (w *topGroupWorker) push(h []topEntry, e topEntry) []topEntry {
	h = append(h, e)
	for i := len(h) - 1; i > 0; {
		p := (i - 1) / 2
		if !w.worse(h[i], h[p]) {
			break
		}
		h[i], h[p] = h[p], h[i]
		i = p
	}
	return h
}

// replaceRoot puts e in the place of h's root and restores the heap.
func (w *topGroupWorker) replaceRoot(h []topEntry, e topEntry) {
	h[0] = e
	for i := 0; ; {
		l, worst := 2*i+1, i
		if l < len(h) && w.worse(h[l], h[worst]) {
			worst = l
		}
		if r := l + 1; r < len(h) && w.worse(h[r], h[worst]) {
			worst = r
		}
		if worst == i {
			return
		}
		h[i], h[worst] = h[worst], h[i]
		i = worst
	}
}

func (w *topGroupWorker) Process(ctx context.Context, seq uint64, in arrow.RecordBatch) (arrow.RecordBatch, error) {
	defer in.Release()
	if !w.guard.Enter(ctx, w.release) {
		return nil, errAborted
	}
	defer w.guard.Leave()
	rows := int(in.NumRows())
	if rows == 0 {
		return nil, nil
	}
	for i, c := range w.st.keyIdx {
		w.keys[i] = in.Column(c)
	}
	var err error
	if w.gids, err = w.tab.groups(w.keys, rows, seq, w.gids); err != nil {
		w.fail()
		return nil, verbError("top", textErr(err, in, w.st.keyIdx))
	}
	w.heaps = growZero(w.heaps, w.tab.n)
	src := uint32(len(w.srcs))
	views, err := viewsOf(w.st.order, in)
	if err != nil {
		w.fail()
		return nil, verbError("top", err)
	}
	w.views = append(w.views, views)
	added := false
	for i, g := range w.gids {
		if w.offer(g, topEntry{src, uint32(i), pos{seq, uint32(i)}}) {
			added = true
		}
	}
	if added {
		in.Retain()
		w.srcs = append(w.srcs, in)
		w.srcRows += rows
		if w.srcRows > 2*w.kept {
			if err := w.compact(); err != nil {
				w.fail()
				return nil, verbError("top", err)
			}
		}
	} else {
		w.views = w.views[:src]
	}
	if err := w.account(ctx); err != nil {
		w.fail()
		return nil, err
	}
	return nil, nil
}

// offer puts e in group g's heap if it is among the n best, and reports
// whether it did.
func (w *topGroupWorker) offer(g uint32, e topEntry) bool {
	h := w.heaps[g]
	if len(h) < w.st.n {
		w.heaps[g] = w.push(h, e)
		w.kept++
		return true
	}
	if w.worse(h[0], e) {
		w.replaceRoot(h, e)
		return true
	}
	return false
}

// compact copies the kept rows into one batch and lets go of the batches
// they came from. Entries keep their places in their heaps.
func (w *topGroupWorker) compact() error {
	refs := make([]rowRef, 0, w.kept)
	for _, h := range w.heaps {
		for _, e := range h {
			refs = append(refs, rowRef{e.src, e.row})
		}
	}
	next, err := gather(w.st.mem, w.srcs[0].Schema(), w.srcs, refs)
	if err != nil {
		return err
	}
	views, err := viewsOf(w.st.order, next)
	if err != nil {
		next.Release()
		return err
	}
	at := uint32(0)
	for _, h := range w.heaps {
		for i := range h {
			h[i].src, h[i].row = 0, at
			at++
		}
	}
	for _, b := range w.srcs {
		b.Release()
	}
	w.srcs, w.srcRows = append(w.srcs[:0], next), int(next.NumRows())
	w.views = append(w.views[:0], views)
	return nil
}

// held is the memory this worker holds: its batches, key table, heaps and
// key views.
func (w *topGroupWorker) held() int64 {
	b := w.tab.bytes() + int64(cap(w.heaps))*24 + int64(w.kept)*24 + int64(w.srcRows)*8*int64(len(w.st.order))
	for _, r := range w.srcs {
		b += sharedmem.PinnedBytes(r)
	}
	return b
}

// account adds the change in this worker's memory to the stage's total
// and, when the total passes the cap, compacts what it can, then spills
// its rows (see topSpill).
func (w *topGroupWorker) account(ctx context.Context) error {
	if w.st.cap <= 0 {
		return nil
	}
	b := w.held()
	total := w.st.bytes.Add(b - w.counted)
	w.counted = b
	if total <= w.st.cap {
		return nil
	}
	if len(w.srcs) > 1 || w.srcRows > w.kept {
		if err := w.compact(); err != nil {
			return verbError("top", err)
		}
		b = w.held()
		total = w.st.bytes.Add(b - w.counted)
		w.counted = b
		if total <= w.st.cap {
			return nil
		}
	}
	if w.kept == 0 {
		return nil
	}
	if err := w.spill(ctx); err != nil {
		return fmt.Errorf("top: %w", err)
	}
	return nil
}

// fail releases the state for good. Call it under the guard.
func (w *topGroupWorker) fail() {
	w.release()
	w.guard.Done()
}

// release lets go of the rows and removes the spill files.
func (w *topGroupWorker) release() {
	w.releaseRows()
	if w.spilled != nil {
		w.spilled.remove()
	}
}

func (w *topGroupWorker) releaseRows() {
	for _, b := range w.srcs {
		b.Release()
	}
	w.srcs, w.views, w.srcRows = nil, nil, 0
	w.heaps, w.kept = nil, 0
	w.st.bytes.Add(-w.counted)
	w.counted = 0
}

// topGroupRow is a kept row in Finish: its final group, where it is held
// and its input position.
type topGroupRow struct {
	g   uint32
	ref rowRef
	at  pos
}

// finish merges the workers' groups and kept rows, and emits each
// group's best n rows in order, groups in the order of their first row.
func (st *topGroupStage) finish(ctx context.Context, workers []pipeline.Worker, emit func(arrow.RecordBatch) error) error {
	final := newTable(st.keyType)
	var recs []arrow.RecordBatch
	var views [][]keyView
	var rows []topGroupRow
	ws := make([]*topGroupWorker, len(workers))
	spilled := false
	for i, pw := range workers {
		w := pw.(*topGroupWorker)
		if !w.guard.Enter(ctx, w.release) {
			return errAborted
		}
		defer w.guard.Leave()
		defer w.guard.Done()
		defer w.release()
		ws[i] = w
		spilled = spilled || w.spilled != nil
	}
	if spilled {
		return st.finishSpilled(ctx, ws, emit)
	}
	for _, w := range ws {
		if w.tab.n == 0 {
			continue
		}
		gids, err := final.absorb(st.mem, w.tab)
		if err != nil {
			return verbError("top", err)
		}
		base := uint32(len(recs))
		recs = append(recs, w.srcs...)
		views = append(views, w.views...)
		for g, h := range w.heaps {
			for _, e := range h {
				rows = append(rows, topGroupRow{gids[g], rowRef{base + e.src, e.row}, e.at})
			}
		}
	}
	rank := make([]uint32, final.n)
	for r, g := range firstOrder(final.first) {
		rank[g] = uint32(r)
	}
	slices.SortFunc(rows, func(a, b topGroupRow) int {
		if c := cmp.Compare(rank[a.g], rank[b.g]); c != 0 {
			return c
		}
		if c := compareRows(st.order, views[a.ref.src], int(a.ref.row), views[b.ref.src], int(b.ref.row)); c != 0 {
			return c
		}
		if c := cmp.Compare(a.at.seq, b.at.seq); c != 0 {
			return c
		}
		return cmp.Compare(a.at.row, b.at.row)
	})
	// Each group's first n rows; the workers kept up to n each.
	refs := make([]rowRef, 0, len(rows))
	for i, r := range rows {
		if i >= st.n && rows[i-st.n].g == r.g {
			continue
		}
		refs = append(refs, r.ref)
	}
	for lo := 0; lo < len(refs); lo += st.outRows {
		if ctx.Err() != nil {
			return context.Cause(ctx)
		}
		out, err := gather(st.mem, st.schema, recs, refs[lo:min(lo+st.outRows, len(refs))])
		if err != nil {
			return verbError("top", err)
		}
		if err := emit(out); err != nil {
			return err
		}
	}
	return nil
}

// newTopGroup builds top n by order within each combination of the key
// columns.
func newTopGroup(env verb.Env, in *arrow.Schema, n int, sortKeys []SortKey, keys []string) (pipeline.Stage, *arrow.Schema, error) {
	order, err := orderKeys(in, sortKeys)
	if err != nil {
		return pipeline.Stage{}, nil, err
	}
	if err := checkGatherable(in); err != nil {
		return pipeline.Stage{}, nil, err
	}
	st := &topGroupStage{n: n, order: order, schema: in, mem: env.Mem, cap: env.MaxMemory, outRows: outRows(env), tempDir: env.TempDir}
	if st.mem == nil {
		st.mem = memory.DefaultAllocator
	}
	for _, k := range keys {
		i, err := columnIndex(in, k)
		if err != nil {
			return pipeline.Stage{}, nil, fmt.Errorf("group key: %w", err)
		}
		if _, err := valueKindOf(in.Field(i).Type); err != nil {
			return pipeline.Stage{}, nil, verb.NameColumn(fmt.Errorf("group key %q: %w", k, err), k)
		}
		if slices.Contains(st.keyIdx, i) {
			return pipeline.Stage{}, nil, fmt.Errorf("group key %q given twice", k)
		}
		st.keyIdx = append(st.keyIdx, i)
		st.keyType = append(st.keyType, in.Field(i).Type)
	}
	return pipeline.Stage{
		Name:    "top",
		Workers: env.Workers,
		NewWorker: func() pipeline.Worker {
			return &topGroupWorker{st: st, tab: newTable(st.keyType), keys: make([]arrow.Array, len(st.keyIdx))}
		},
		Finish: st.finish,
		Abort:  cancelguard.StageAbort(func(w *topGroupWorker) *cancelguard.Guard { return &w.guard }),
	}, in, nil
}
