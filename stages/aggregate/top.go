package aggregate

import (
	"cmp"
	"container/heap"
	"context"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// topHeapMaxRows is the largest N that top keeps in a bounded heap per
// worker. Every batch that changes the kept rows copies them all, so past
// this a top runs as a sort that keeps only the first N rows of each
// spilled run and of the merge: bounded by the memory cap, and no slower
// than sort then head.
const topHeapMaxRows = 1 << 14

// topByHeap reports whether a top of n rows keeps a heap per worker: n is
// at most topHeapMaxRows and the workers' kept rows, twice over (the kept
// batch and the copy that replaces it), fit in the memory cap by an
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
	return 2*int64(n)*int64(workers)*estimatedRowBytes(in) <= env.MaxMemory
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
	n      int
	keys   []orderKey
	schema *arrow.Schema
	mem    memory.Allocator
	seq    atomic.Uint64
}

// topWorker keeps the best n rows it has seen as one compact batch
// (unsorted) with each row's input position. A batch costs one key
// comparison per row against the worst kept row; only rows that get in are
// copied.
type topWorker struct {
	st    *topStage
	top   arrow.RecordBatch
	pos   []pos
	guard guard
	heap  topHeap
}

// topEntry is a candidate row: src 0 is the kept batch, 1 the new one.
type topEntry struct {
	src uint32
	row uint32
	at  pos
}

// topHeap keeps the worst candidate at the root.
type topHeap struct {
	keys  []orderKey
	views [2][]keyView
	es    []topEntry
}

// worse orders a after b: by the keys, then by input position.
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
	if w.top != nil {
		w.top.Release()
		w.top = nil
	}
}

func (w *topWorker) Process(ctx context.Context, in arrow.RecordBatch) (arrow.RecordBatch, error) {
	defer in.Release()
	if !w.guard.enter(ctx, w.release) {
		return nil, errAborted
	}
	defer w.guard.leave()
	seq := batchSeq(ctx, &w.st.seq)
	h := &w.heap
	h.keys = w.st.keys
	h.es = h.es[:0]
	h.views[1] = viewsOf(w.st.keys, in)
	if w.top != nil {
		h.views[0] = viewsOf(w.st.keys, w.top)
		for i, p := range w.pos {
			h.es = append(h.es, topEntry{0, uint32(i), p})
		}
		heap.Init(h)
	}
	added := false
	for i := range int(in.NumRows()) {
		e := topEntry{1, uint32(i), pos{seq, uint32(i)}}
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
		return nil, nil
	}
	refs := make([]rowRef, len(h.es))
	newPos := make([]pos, len(h.es))
	for i, e := range h.es {
		refs[i] = rowRef{e.src, e.row}
		newPos[i] = e.at
	}
	next := gather(w.st.mem, w.st.schema, []arrow.RecordBatch{w.top, in}, refs)
	w.release()
	w.top, w.pos = next, newPos
	return nil, nil
}

// finish sorts the union of the workers' rows and emits the first n.
func (st *topStage) finish(ctx context.Context, workers []pipeline.Worker, emit func(arrow.RecordBatch) error) error {
	var recs []arrow.RecordBatch
	var views [][]keyView
	var poss [][]pos
	for _, pw := range workers {
		w := pw.(*topWorker)
		if !w.guard.enter(ctx, w.release) {
			return errAborted
		}
		defer w.guard.leave()
		defer w.guard.done()
		defer w.release()
		if w.top != nil {
			recs = append(recs, w.top)
			views = append(views, viewsOf(st.keys, w.top))
			poss = append(poss, w.pos)
		}
	}
	var refs []rowRef
	for s, r := range recs {
		for i := range int(r.NumRows()) {
			refs = append(refs, rowRef{uint32(s), uint32(i)})
		}
	}
	slices.SortFunc(refs, func(a, b rowRef) int {
		if c := compareRows(st.keys, views[a.src], int(a.row), views[b.src], int(b.row)); c != 0 {
			return c
		}
		pa, pb := poss[a.src][a.row], poss[b.src][b.row]
		if c := cmp.Compare(pa.seq, pb.seq); c != 0 {
			return c
		}
		return cmp.Compare(pa.row, pb.row)
	})
	refs = refs[:min(len(refs), st.n)]
	for lo := 0; lo < len(refs); lo += MaxBatchRows {
		if ctx.Err() != nil {
			return context.Cause(ctx)
		}
		if err := emit(gather(st.mem, st.schema, recs, refs[lo:min(lo+MaxBatchRows, len(refs))])); err != nil {
			return err
		}
	}
	return nil
}

func newTop(env verb.Env, in *arrow.Schema, count, order string) (pipeline.Stage, *arrow.Schema, error) {
	n, err := strconv.Atoi(strings.TrimSpace(count))
	if err != nil || n < 1 {
		return pipeline.Stage{}, nil, fmt.Errorf("N %q is not a positive integer", count)
	}
	keys, err := parseOrder(in, order)
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
				return &sorter{keys: keys, limit: n, schema: in, mem: mem, cap: env.MaxMemory, tempDir: env.TempDir}
			},
			Finish: func(ctx context.Context, workers []pipeline.Worker, emit func(arrow.RecordBatch) error) error {
				return workers[0].(*sorter).finish(ctx, emit)
			},
		}, in, nil
	}
	st := &topStage{n: n, keys: keys, schema: in, mem: mem}
	return pipeline.Stage{
		Name:      "top",
		Workers:   env.Workers,
		NewWorker: func() pipeline.Worker { return &topWorker{st: st} },
		Finish:    st.finish,
	}, in, nil
}
