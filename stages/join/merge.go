package join

import (
	"bufio"
	"cmp"
	"container/heap"
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// partCursor reads one output part of a spilled join during the merge.
type partCursor struct {
	part  int
	f     *os.File
	r     *ipc.Reader
	rec   arrow.RecordBatch // retained; nil at the end
	seqs  []uint64
	rows  []int64
	at    int
	src   int32 // index of rec in the merge's sources
	nCols int
}

func (c *partCursor) next() error {
	if c.rec != nil {
		c.rec.Release()
		c.rec = nil
	}
	for c.r.Next() {
		rec := c.r.RecordBatch()
		if rec.NumRows() == 0 {
			continue
		}
		rec.Retain()
		c.rec, c.at = rec, 0
		c.seqs = rec.Column(c.nCols).(*array.Uint64).Uint64Values()
		c.rows = rec.Column(c.nCols + 1).(*array.Int64).Int64Values()
		return nil
	}
	if err := c.r.Err(); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("read %s: %w", c.f.Name(), err)
	}
	return nil
}

func (c *partCursor) close() {
	if c.rec != nil {
		c.rec.Release()
	}
	if c.r != nil {
		c.r.Release()
	}
	c.f.Close()
}

// cursorHeap orders the cursors by their current row's place.
type cursorHeap []*partCursor

func (h cursorHeap) Len() int { return len(h) }
func (h cursorHeap) Less(i, j int) bool {
	a, b := h[i], h[j]
	if c := cmp.Compare(a.seqs[a.at], b.seqs[b.at]); c != 0 {
		return c < 0
	}
	if c := cmp.Compare(a.rows[a.at], b.rows[b.at]); c != 0 {
		return c < 0
	}
	return a.part < b.part
}
func (h cursorHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *cursorHeap) Push(x any)   { *h = append(*h, x.(*partCursor)) }
func (h *cursorHeap) Pop() any {
	c := (*h)[len(*h)-1]
	*h = (*h)[:len(*h)-1]
	return c
}

// ref names row row of source src.
type ref struct{ src, row int32 }

// mergeParts reads the output parts at once and emits their rows (of
// schema out, without the place columns) in the order of their places,
// in batches of up to outRows rows.
func mergeParts(ctx context.Context, paths []string, mem memory.Allocator, out *arrow.Schema, outRows int, emit func(arrow.RecordBatch) error) error {
	var all []*partCursor
	defer func() {
		for _, c := range all {
			c.close()
		}
	}()
	h := &cursorHeap{}
	for p, path := range paths {
		f, err := os.Open(path)
		if err != nil {
			return fmt.Errorf("read spill: %w", err)
		}
		c := &partCursor{part: p, f: f, nCols: out.NumFields()}
		all = append(all, c)
		if c.r, err = ipc.NewReader(bufio.NewReaderSize(f, partBufferBytes), ipc.WithAllocator(mem)); err != nil {
			return fmt.Errorf("read %s: %w", path, err)
		}
		if err := c.next(); err != nil {
			return err
		}
		if c.rec != nil {
			*h = append(*h, c)
		}
	}
	heap.Init(h)

	// The rows of a batch come from the batches in srcs, each retained once.
	var srcs []arrow.RecordBatch
	var refs []ref
	addSrc := func(c *partCursor) {
		c.rec.Retain()
		c.src = int32(len(srcs))
		srcs = append(srcs, c.rec)
	}
	defer func() { releaseAll(srcs) }()
	flush := func() error {
		if len(refs) == 0 {
			return nil
		}
		if ctx.Err() != nil {
			return context.Cause(ctx)
		}
		rec, err := gatherRefs(ctx, mem, out, srcs, refs)
		refs = refs[:0]
		releaseAll(srcs)
		srcs = srcs[:0]
		for _, c := range *h {
			addSrc(c)
		}
		if err != nil {
			return err
		}
		return emit(rec)
	}
	for _, c := range *h {
		addSrc(c)
	}
	for h.Len() > 0 {
		c := (*h)[0]
		refs = append(refs, ref{c.src, int32(c.at)})
		c.at++
		if c.at == int(c.rec.NumRows()) {
			if err := c.next(); err != nil {
				return err
			}
			if c.rec == nil {
				heap.Pop(h)
			} else {
				addSrc(c)
				heap.Fix(h, 0)
			}
		} else {
			heap.Fix(h, 0)
		}
		if len(refs) == outRows {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}

// gatherRefs copies the rows refs of srcs (borrowed), in that order,
// into a new batch of schema (the sources' first columns): each source's
// rows are taken, the pieces concatenated, and the whole put in order.
func gatherRefs(ctx context.Context, mem memory.Allocator, schema *arrow.Schema, srcs []arrow.RecordBatch, refs []ref) (arrow.RecordBatch, error) {
	per := make([][]int32, len(srcs))
	for _, r := range refs {
		per[r.src] = append(per[r.src], r.row)
	}
	offs := make([]int32, len(srcs))
	at := int32(0)
	for s := range srcs {
		offs[s] = at
		at += int32(len(per[s]))
	}
	pos := make([]int32, len(refs))
	for k, r := range refs {
		pos[k] = offs[r.src]
		offs[r.src]++
	}
	inOrder := isIdentity(pos, len(pos))
	cols := make([]arrow.Array, 0, schema.NumFields())
	defer func() {
		for _, c := range cols {
			c.Release()
		}
	}()
	for c := range schema.NumFields() {
		var parts []arrow.Array
		for s, rows := range per {
			if len(rows) == 0 {
				continue
			}
			a, err := take(ctx, mem, srcs[s].Column(c), rows)
			if err != nil {
				releaseArrays(parts)
				return nil, err
			}
			parts = append(parts, a)
		}
		whole := parts[0]
		if len(parts) > 1 {
			var err error
			whole, err = array.Concatenate(parts, mem)
			releaseArrays(parts)
			if err != nil {
				return nil, err
			}
		}
		if !inOrder {
			ordered, err := take(ctx, mem, whole, pos)
			whole.Release()
			if err != nil {
				return nil, err
			}
			whole = ordered
		}
		cols = append(cols, whole)
	}
	return array.NewRecordBatch(schema, cols, int64(len(refs))), nil
}

func releaseArrays(as []arrow.Array) {
	for _, a := range as {
		a.Release()
	}
}
