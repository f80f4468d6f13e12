package aggregate

import (
	"cmp"
	"container/heap"
	"context"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// ParseOrder reads the command line's ORDER ('COL [asc|desc] [nulls
// first|last], ...') for schema in, as the sort and top verbs read it.
func ParseOrder(in *arrow.Schema, order string) ([]SortKey, error) {
	return sortKeys(in, order)
}

// A SortedRun is one input of a SortedMerge: batches in order, each row
// in the merge's order after the rows before it. Next blocks until the
// next batch is there and returns it, owned by the caller, or nil and no
// error at the run's end.
type SortedRun interface {
	Next(ctx context.Context) (arrow.RecordBatch, error)
}

// SortedMerge merges sorted runs k-way into one stream in the order of
// its keys, as Sort orders (the same comparison): a row of an earlier run
// goes before an equal row of a later run, and a run's rows keep their
// order, so runs that are the stable sorts of consecutive parts of an
// input merge into the stable sort of the whole. It never sorts: a heap
// of the runs' current rows picks the next row, ~log2(runs) comparisons
// a row.
//
// Memory: the current batch of every run, and the batches the rows of
// the output batch being built come from (at most one more a run), so
// about two batches a run whatever the runs' lengths. A SortedMerge is
// used by one goroutine; Release it when done, after an error too.
type SortedMerge struct {
	keys      []orderKey
	schema    *arrow.Schema
	mem       memory.Allocator
	batchRows int
	runs      []SortedRun

	started bool
	h       runHeap
	srcs    []arrow.RecordBatch // the output batch's sources, retained
	refs    []rowRef
}

// NewSortedMerge returns the merge of runs, whose batches have schema, by
// keys; Next's batches have up to batchRows rows (0: MaxBatchRows) from
// mem. It reads nothing before the first Next.
func NewSortedMerge(schema *arrow.Schema, keys []SortKey, mem memory.Allocator, batchRows int, runs []SortedRun) (*SortedMerge, error) {
	ok, err := orderKeys(schema, keys)
	if err != nil {
		return nil, fmt.Errorf("merge: %w", err)
	}
	if err := checkGatherable(schema); err != nil {
		return nil, fmt.Errorf("merge: %w", err)
	}
	if mem == nil {
		mem = memory.DefaultAllocator
	}
	if batchRows <= 0 || batchRows > MaxBatchRows {
		batchRows = MaxBatchRows
	}
	return &SortedMerge{keys: ok, schema: schema, mem: mem, batchRows: batchRows, runs: runs, h: runHeap{keys: ok}}, nil
}

// Next returns the next batch of the merge, owned by the caller, or nil
// and no error at its end. The first call reads the first batch of
// every run, so it waits for all of them.
func (m *SortedMerge) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if !m.started {
		m.started = true
		for i, r := range m.runs {
			c := &runCursor{run: i, in: r}
			if err := c.next(ctx, m.keys); err != nil {
				return nil, err
			}
			if c.rec != nil {
				m.h.cs = append(m.h.cs, c)
				m.addSrc(c)
			}
		}
		heap.Init(&m.h)
	}
	for m.h.Len() > 0 && len(m.refs) < m.batchRows {
		c := m.h.cs[0]
		m.refs = append(m.refs, rowRef{c.src, uint32(c.row)})
		c.row++
		if c.row < int(c.rec.NumRows()) {
			heap.Fix(&m.h, 0)
			continue
		}
		if err := c.next(ctx, m.keys); err != nil {
			return nil, err
		}
		if c.rec == nil {
			heap.Pop(&m.h)
			continue
		}
		m.addSrc(c)
		heap.Fix(&m.h, 0)
	}
	if len(m.refs) == 0 {
		return nil, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, context.Cause(ctx)
	}
	out, err := gather(m.mem, m.schema, m.srcs, m.refs)
	if err != nil {
		return nil, err
	}
	m.refs = m.refs[:0]
	m.releaseSrcs()
	for _, c := range m.h.cs {
		m.addSrc(c)
	}
	return out, nil
}

// Release frees the batches the merge holds; the runs are the caller's
// to close.
func (m *SortedMerge) Release() {
	m.releaseSrcs()
	for _, c := range m.h.cs {
		c.release()
	}
	m.h.cs = nil
}

func (m *SortedMerge) addSrc(c *runCursor) {
	c.rec.Retain()
	c.src = uint32(len(m.srcs))
	m.srcs = append(m.srcs, c.rec)
}

func (m *SortedMerge) releaseSrcs() {
	for _, s := range m.srcs {
		s.Release()
	}
	m.srcs = m.srcs[:0]
}

// runCursor is a run's place in the merge: its current batch and row.
type runCursor struct {
	run   int
	in    SortedRun
	rec   arrow.RecordBatch // owned; nil at the run's end
	views []keyView
	row   int
	src   uint32 // index of rec in the output batch's sources
}

// next moves to the run's next non-empty batch.
func (c *runCursor) next(ctx context.Context, keys []orderKey) error {
	c.release()
	for {
		rec, err := c.in.Next(ctx)
		if err != nil || rec == nil {
			return err
		}
		if rec.NumRows() > 0 {
			views, err := viewsOf(keys, rec)
			if err != nil {
				rec.Release()
				return err
			}
			c.rec, c.views, c.row = rec, views, 0
			return nil
		}
		rec.Release()
	}
}

func (c *runCursor) release() {
	if c.rec != nil {
		c.rec.Release()
		c.rec, c.views = nil, nil
	}
}

// runHeap orders cursors by their current row; ties go to the earlier
// run, so the merge is stable.
type runHeap struct {
	keys []orderKey
	cs   []*runCursor
}

func (h *runHeap) Len() int { return len(h.cs) }
func (h *runHeap) Less(i, j int) bool {
	a, b := h.cs[i], h.cs[j]
	if c := compareRows(h.keys, a.views, a.row, b.views, b.row); c != 0 {
		return c < 0
	}
	return cmp.Less(a.run, b.run)
}
func (h *runHeap) Swap(i, j int) { h.cs[i], h.cs[j] = h.cs[j], h.cs[i] }
func (h *runHeap) Push(x any)    { h.cs = append(h.cs, x.(*runCursor)) }
func (h *runHeap) Pop() any {
	c := h.cs[len(h.cs)-1]
	h.cs = h.cs[:len(h.cs)-1]
	c.release()
	return c
}
