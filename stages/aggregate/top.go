package aggregate

import (
	"cmp"
	"container/heap"
	"context"
	"runtime"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/internal/cancelguard"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// topHeapMaxRows is the largest N that top keeps in a bounded heap per
// worker: past this a top runs as a sort that keeps only the first N rows of each
// spilled run and of the merge: bounded by the memory cap, and no slower
// than sort then head.
const topHeapMaxRows = 1 << 14

// topByHeap reports whether a top of n rows keeps a heap per worker: n is
// at most topHeapMaxRows and what the workers keep, each up to 3n rows
// (n compacted, 2n in the batches kept since), fits the memory cap by an
// estimate from the schema (32 bytes a string).
func topByHeap(env verb.Env, in *arrow.Schema, n int) bool {
	if n > topHeapMaxRows {
		return false
	}
	if env.MaxMemory <= 0 {
		return true
	}
	workers := env.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	return 3*int64(n)*int64(workers)*estimatedRowBytes(in) <= env.MaxMemory
}

// estimatedRowBytes guesses the bytes of a row of schema: fixed widths as
// they are, 32 for a variable-width value (its offset and some bytes).
func estimatedRowBytes(schema *arrow.Schema) int64 {
	var n int64
	for _, f := range schema.Fields() {
		if fw, ok := f.Type.(arrow.FixedWidthDataType); ok {
			n += int64(max(fw.BitWidth()/8, 1))
		} else {
			n += 32
		}
	}
	return max(n, 1)
}

// topStage is what a top stage's workers share.
type topStage struct {
	n       int
	keys    []orderKey
	schema  *arrow.Schema
	mem     memory.Allocator
	outRows int // rows per emitted batch
}

// topWorker keeps the best n rows it has seen in a heap of references
// into the batches they come from (srcs), with each row's input position.
// A batch costs one key comparison per row against the worst kept row; a
// batch any row of which gets in is kept whole until the batches kept
// since the last compaction hold more than 2n rows, when the kept rows are
// copied into one compact batch. Each row is thus copied a bounded number
// of times (once per 2n rows kept), whatever the batch size.
type topWorker struct {
	st      *topStage
	srcs    []arrow.RecordBatch // srcs[i] is heap.views[i]
	srcRows int                 // rows of the batches kept since the last compaction
	guard   cancelguard.Guard
	heap    topHeap
}

// topEntry is a kept row: row of srcs[src], at input position at.
type topEntry struct {
	src uint32
	row uint32
	at  pos
}

// topHeap keeps the worst candidate at the root.
type topHeap struct {
	keys  []orderKey
	views [][]keyView
	es    []topEntry
}

// cmp orders a before b by the keys, then by input position.
func (h *topHeap) cmp(a, b topEntry) int {
	if c := compareRows(h.keys, h.views[a.src], int(a.row), h.views[b.src], int(b.row)); c != 0 {
		return c
	}
	if a.at.before(b.at) {
		return -1
	}
	if b.at.before(a.at) {
		return 1
	}
	return 0
}

func (h *topHeap) Len() int           { return len(h.es) }
func (h *topHeap) Less(i, j int) bool { return h.cmp(h.es[i], h.es[j]) > 0 }
func (h *topHeap) Swap(i, j int)      { h.es[i], h.es[j] = h.es[j], h.es[i] }
func (h *topHeap) Push(x any)         { h.es = append(h.es, x.(topEntry)) }
func (h *topHeap) Pop() any {
	e := h.es[len(h.es)-1]
	h.es = h.es[:len(h.es)-1]
	return e
}

func (w *topWorker) release() {
	for _, b := range w.srcs {
		b.Release()
	}
	w.srcs, w.srcRows = nil, 0
	w.heap.views, w.heap.es = nil, nil
}

func (w *topWorker) Process(ctx context.Context, seq uint64, in arrow.RecordBatch) (arrow.RecordBatch, error) {
	defer in.Release()
	if !w.guard.Enter(ctx, w.release) {
		return nil, errAborted
	}
	defer w.guard.Leave()
	if err := checkDecimals(in, orderCols(w.st.keys)); err != nil {
		return nil, verbError("top", err)
	}
	h := &w.heap
	h.keys = w.st.keys
	src := uint32(len(w.srcs))
	views, err := viewsOf(w.st.keys, in)
	if err != nil {
		return nil, verbError("top", err)
	}
	h.views = append(h.views, views)
	added := false
	for i := range int(in.NumRows()) {
		e := topEntry{src, uint32(i), pos{seq, uint32(i)}}
		if len(h.es) < w.st.n {
			heap.Push(h, e)
			added = true
			continue
		}
		if h.cmp(e, h.es[0]) < 0 {
			h.es[0] = e
			heap.Fix(h, 0)
			added = true
		}
	}
	if !added {
		h.views = h.views[:src]
		return nil, nil
	}
	in.Retain()
	w.srcs = append(w.srcs, in)
	w.srcRows += int(in.NumRows())
	if w.srcRows > 2*w.st.n {
		if err := w.compact(); err != nil {
			return nil, verbError("top", err)
		}
	}
	return nil, nil
}

// compact copies the kept rows into one batch and lets go of the batches
// they came from. The entries keep their places, so the heap stays valid.
func (w *topWorker) compact() error {
	h := &w.heap
	refs := make([]rowRef, len(h.es))
	for i, e := range h.es {
		refs[i] = rowRef{e.src, e.row}
	}
	next, err := gather(w.st.mem, w.st.schema, w.srcs, refs)
	if err != nil {
		return err
	}
	views, err := viewsOf(w.st.keys, next)
	if err != nil {
		next.Release()
		return err
	}
	for _, b := range w.srcs {
		b.Release()
	}
	w.srcs, w.srcRows = append(w.srcs[:0], next), 0
	h.views = append(h.views[:0], views)
	for i := range h.es {
		h.es[i].src, h.es[i].row = 0, uint32(i)
	}
	return nil
}

// finish sorts the union of the workers' kept rows and emits the first n.
func (st *topStage) finish(ctx context.Context, workers []pipeline.Worker, emit func(arrow.RecordBatch) error) error {
	var recs []arrow.RecordBatch
	var views [][]keyView
	var refs []rowRef
	var poss []pos // poss[i] is the input position of refs[i]
	for _, pw := range workers {
		w := pw.(*topWorker)
		if !w.guard.Enter(ctx, w.release) {
			return errAborted
		}
		defer w.guard.Leave()
		defer w.guard.Done()
		defer w.release()
		base := uint32(len(recs))
		recs = append(recs, w.srcs...)
		views = append(views, w.heap.views...)
		for _, e := range w.heap.es {
			refs = append(refs, rowRef{base + e.src, e.row})
			poss = append(poss, e.at)
		}
	}
	ord := make([]int, len(refs))
	for i := range ord {
		ord[i] = i
	}
	slices.SortFunc(ord, func(a, b int) int {
		ra, rb := refs[a], refs[b]
		if c := compareRows(st.keys, views[ra.src], int(ra.row), views[rb.src], int(rb.row)); c != 0 {
			return c
		}
		if c := cmp.Compare(poss[a].seq, poss[b].seq); c != 0 {
			return c
		}
		return cmp.Compare(poss[a].row, poss[b].row)
	})
	sorted := make([]rowRef, min(len(ord), st.n))
	for i := range sorted {
		sorted[i] = refs[ord[i]]
	}
	for lo := 0; lo < len(sorted); lo += st.outRows {
		if ctx.Err() != nil {
			return context.Cause(ctx)
		}
		out, err := gather(st.mem, st.schema, recs, sorted[lo:min(lo+st.outRows, len(sorted))])
		if err != nil {
			return verbError("top", err)
		}
		if err := emit(out); err != nil {
			return err
		}
	}
	return nil
}

func newTop(env verb.Env, in *arrow.Schema, n int, sortKeys []SortKey) (pipeline.Stage, *arrow.Schema, error) {
	keys, err := orderKeys(in, sortKeys)
	if err != nil {
		return pipeline.Stage{}, nil, err
	}
	if err := checkGatherable(in); err != nil {
		return pipeline.Stage{}, nil, err
	}
	mem := env.Mem
	if mem == nil {
		mem = memory.DefaultAllocator
	}
	if !topByHeap(env, in, n) {
		return pipeline.Stage{
			Name: "top",
			// As sort: runs must hold consecutive input for ties to keep
			// input order.
			Workers: 1,
			NewWorker: func() pipeline.Worker {
				return &sorter{keys: keys, limit: n, schema: in, mem: mem, cap: env.MaxMemory, tempDir: env.TempDir, outRows: outRows(env)}
			},
			Finish: func(ctx context.Context, workers []pipeline.Worker, emit func(arrow.RecordBatch) error) error {
				return workers[0].(*sorter).finish(ctx, emit)
			},
			Abort: cancelguard.StageAbort(func(w *sorter) *cancelguard.Guard { return &w.guard }),
		}, in, nil
	}
	st := &topStage{n: n, keys: keys, schema: in, mem: mem, outRows: outRows(env)}
	return pipeline.Stage{
		Name:      "top",
		Workers:   env.Workers,
		NewWorker: func() pipeline.Worker { return &topWorker{st: st} },
		Finish:    st.finish,
		Abort:     cancelguard.StageAbort(func(w *topWorker) *cancelguard.Guard { return &w.guard }),
	}, in, nil
}
