package expr

import (
	"context"
	"fmt"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/arrowpipe/arrowpipe/stages/internal/arrowtype"
	"github.com/arrowpipe/arrowpipe/stages/internal/rawview"
)

// An Expr is a compiled expression: a tree of typed kernels bound to the
// schema it was compiled against. It is immutable and safe for concurrent
// use; each evaluation needs an Evaluator for its scratch buffers.
type Expr struct {
	src, text string
	root      node
	nslots    int
	schema    *arrow.Schema
	cols      []int
	pool      sync.Pool
}

// Type returns the arrow type of the expression's results: int64, uint64,
// float64, boolean, utf8 (string), timestamp[us, UTC], timestamp[ns, UTC]
// (when a ns timestamp reaches the result), date32, or null for a bare null
// literal. A bare column reference keeps its column's type.
func (e *Expr) Type() arrow.DataType {
	if c, ok := e.root.(*colNode); ok {
		return c.dt
	}
	return e.root.typ().arrowType()
}

// String returns the expression in canonical form, fully parenthesized.
func (e *Expr) String() string { return e.text }

// Source returns the text the expression was compiled from.
func (e *Expr) Source() string { return e.src }

// NewEvaluator returns scratch state for evaluating e. An Evaluator is not
// safe for concurrent use: give each worker goroutine its own. Its buffers
// grow to the largest batch seen and are reused from call to call (about
// 8 bytes × rows per operator node).
func (e *Expr) NewEvaluator() *Evaluator {
	return &Evaluator{e: e, slots: make([]slot, e.nslots)}
}

// Eval evaluates e over rec with an Evaluator taken from a pool owned by
// e; it is safe for concurrent use. See Evaluator.Eval.
func (e *Expr) Eval(ctx context.Context, rec arrow.RecordBatch, mem memory.Allocator) (arrow.Array, error) {
	ev := e.pool.Get().(*Evaluator)
	defer e.pool.Put(ev)
	return ev.Eval(ctx, rec, mem)
}

// An Evaluator evaluates one Expr, reusing its scratch buffers from call to
// call. Use one per goroutine.
type Evaluator struct {
	e     *Expr
	slots []slot
	sel   []int32
	// care marks the rows whose value the node being evaluated feeds into
	// the result (nil: all rows): the branch of if() a row does not take and
	// the coalesce() arguments after a row's first non-null one do not
	// count, so an overflow there is not an error.
	care []byte
}

// Eval evaluates the expression over every row of rec, whose schema must
// have the compiled schema's types at the columns the expression reads.
// It returns an array of rec.NumRows() rows owned by the caller (who must
// Release it), allocated from mem; a bare column reference returns that
// column retained, without copying.
func (ev *Evaluator) Eval(ctx context.Context, rec arrow.RecordBatch, mem memory.Allocator) (arrow.Array, error) {
	in, err := ev.bind(ctx, rec)
	if err != nil {
		return nil, err
	}
	if c, ok := ev.e.root.(*colNode); ok {
		a := in.cols[c.idx]
		a.Retain()
		return a, nil
	}
	root := ev.e.root
	if in.n == 0 {
		return array.MakeArrayOfNull(mem, root.typ().arrowType(), 0), nil
	}
	out := ev.presetOutput(root, in.n, mem)
	v, err := root.eval(ev, &in)
	if out != nil {
		s := ev.slot(root)
		s.i, s.f = nil, nil // out now belongs to the result
	}
	if err != nil {
		if out != nil {
			out.Release()
		}
		return nil, err
	}
	return ev.toArray(v, root, in.n, mem, out), nil
}

// presetOutput allocates the values buffer of an int64, timestamp or
// float64 result up front and lends it to the root node as its slot, so
// that the last kernel writes straight into the result instead of into
// scratch that would then be copied.
func (ev *Evaluator) presetOutput(root node, n int, mem memory.Allocator) *memory.Buffer {
	t := root.typ()
	if n == 0 || !isInt64Backed(t) && t != tFloat || t == tDate {
		return nil
	}
	out := memory.NewResizableBuffer(mem)
	out.Resize(n * 8)
	if r, ok := root.(*retypeNode); ok { // a zone-less result: lend to the kernel below
		root = r.x
	}
	s := ev.slot(root)
	if t == tFloat {
		s.f = rawview.Slice[float64](out.Bytes())[:n]
	} else {
		s.i = rawview.Slice[int64](out.Bytes())[:n]
	}
	return out
}

func (ev *Evaluator) bind(ctx context.Context, rec arrow.RecordBatch) (input, error) {
	if err := ctx.Err(); err != nil {
		return input{}, err
	}
	cols := rec.Columns()
	for _, idx := range ev.e.cols {
		want := ev.e.schema.Field(idx)
		if idx >= len(cols) || !arrowtype.Same(cols[idx].DataType(), want.Type) {
			return input{}, fmt.Errorf("expr: batch does not match the compiled schema at column %d %q (%s)", idx, want.Name, want.Type)
		}
	}
	ev.care = nil // an error may have left a branch's mask behind
	return input{cols: cols, n: int(rec.NumRows())}, nil
}

// toArray copies v into a new arrow array of the node's type. vals, when
// not nil, is the preset values buffer of n 8-byte values (see
// presetOutput); v's values are used in place when they are already there.
func (ev *Evaluator) toArray(v vec, nd node, n int, mem memory.Allocator, vals *memory.Buffer) arrow.Array {
	t := nd.typ()
	if t == tNull {
		return array.NewNull(n)
	}
	if t.isList() {
		return listArray(v, t.elem(), n, mem)
	}
	v = ev.full(nd, v, n)
	nulls := countNulls(v.valid, n)
	var validBuf *memory.Buffer
	if nulls > 0 {
		validBuf = memory.NewResizableBuffer(mem)
		validBuf.Resize(bitmapLen(n))
		copy(validBuf.Bytes(), v.valid[:bitmapLen(n)])
	}
	if t.isDec() {
		return decArray(v, t, n, validBuf, nulls, mem)
	}
	var bufs []*memory.Buffer
	switch storage(t) {
	case tInt, tUint, tTime, tTimeNs, tFloat:
		var src []byte
		if t == tFloat {
			src = arrow.Float64Traits.CastToBytes(v.f[:n])
		} else {
			src = arrow.Int64Traits.CastToBytes(v.i[:n])
		}
		if vals == nil {
			vals = copyBuffer(mem, src)
		} else if n > 0 && &vals.Bytes()[0] != &src[0] {
			copy(vals.Bytes(), src)
		}
		bufs = []*memory.Buffer{validBuf, vals}
	case tDate:
		b := memory.NewResizableBuffer(mem)
		b.Resize(n * 4)
		d := arrow.Date32Traits.CastFromBytes(b.Bytes())
		for k, x := range v.i[:n] {
			d[k] = arrow.Date32(x)
		}
		bufs = []*memory.Buffer{validBuf, b}
	case tBool:
		bufs = []*memory.Buffer{validBuf, copyBuffer(mem, v.b[:bitmapLen(n)])}
	case tString:
		o := memory.NewResizableBuffer(mem)
		o.Resize((n + 1) * 4)
		dst := arrow.Int32Traits.CastFromBytes(o.Bytes())
		base := v.offs[0]
		for k, x := range v.offs[:n+1] {
			dst[k] = x - base
		}
		bufs = []*memory.Buffer{validBuf, o, copyBuffer(mem, v.data[base:v.offs[n]])}
	}
	data := array.NewData(t.arrowType(), n, bufs, nil, nulls, 0)
	for _, b := range bufs {
		if b != nil {
			b.Release()
		}
	}
	arr := array.MakeFromData(data)
	data.Release()
	return arr
}

func copyBuffer(mem memory.Allocator, src []byte) *memory.Buffer {
	b := memory.NewResizableBuffer(mem)
	b.Resize(len(src))
	copy(b.Bytes(), src)
	return b
}
