package expr

import (
	"context"
	"fmt"
	"math/bits"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/compute"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/arrowpipe/arrowpipe/stages/internal/kernelmem"
	"github.com/arrowpipe/arrowpipe/stages/internal/rawview"
)

// Filter evaluates a bool expression over rec and returns the rows where it
// is true (null counts as false), compacted once into new buffers by
// Select's rules: rec itself, retained, when every row passes; nil when
// none does. rec is borrowed; the result is owned by the caller.
func (ev *Evaluator) Filter(ctx context.Context, rec arrow.RecordBatch, mem memory.Allocator) (arrow.RecordBatch, error) {
	if ev.e.root.typ() != tBool && ev.e.root.typ() != tNull {
		return nil, fmt.Errorf("expr: filter needs a bool expression, %q is %s", ev.e.src, ev.e.root.typ())
	}
	in, err := ev.bind(ctx, rec)
	if err != nil {
		return nil, err
	}
	n := in.n
	if n == 0 {
		return nil, nil
	}
	var v vec
	if c, ok := ev.e.root.(*colNode); ok && c.t == tBool {
		if v, err = c.eval(ev, &in); err != nil {
			return nil, err
		}
	} else if v, err = ev.e.root.eval(ev, &in); err != nil {
		return nil, err
	}
	if v.isConst {
		if !v.null && v.b[0]&1 != 0 {
			rec.Retain()
			return rec, nil
		}
		return nil, nil
	}
	ev.sel = appendSelection(ev.sel[:0], v.b, v.valid, n)
	return take(ctx, rec, ev.sel, mem)
}

// Select returns the rows of rec where mask (a boolean array of
// rec.NumRows() rows) is true; null counts as false. All columns are
// compacted once, into buffers from mem. When every row passes it returns
// rec itself, retained (zero-copy); when none does it returns nil. rec and
// mask are borrowed; the result is owned by the caller.
//
// Fixed-width, boolean and string/binary columns are gathered by hand
// (about 1 ns per selected value); other types go through compute.Take.
func Select(ctx context.Context, rec arrow.RecordBatch, mask arrow.Array, mem memory.Allocator) (arrow.RecordBatch, error) {
	m, ok := mask.(*array.Boolean)
	if !ok {
		return nil, fmt.Errorf("expr: select mask is %s, not bool", mask.DataType())
	}
	n := int(rec.NumRows())
	if m.Len() != n {
		return nil, fmt.Errorf("expr: select mask has %d rows, batch has %d", m.Len(), n)
	}
	if n == 0 {
		return nil, nil
	}
	var scratch []byte
	off := m.Data().Offset()
	vals := shiftBitmap(&scratch, m.Data().Buffers()[1].Bytes(), off, n)
	var valid []byte
	if m.NullN() > 0 {
		var s2 []byte
		valid = shiftBitmap(&s2, m.NullBitmapBytes(), off, n)
	}
	sel := make([]int32, 0, bitutil.CountSetBits(vals, 0, n))
	return take(ctx, rec, appendSelection(sel, vals, valid, n), mem)
}

// appendSelection appends the indices of rows whose value and validity
// bits are both set.
func appendSelection(sel []int32, vals, valid []byte, n int) []int32 {
	m := bitmapLen(n)
	for k := 0; k < m; k++ {
		w := vals[k]
		if valid != nil {
			w &= valid[k]
		}
		if k == m-1 && n&7 != 0 {
			w &= byte(1)<<(n&7) - 1
		}
		for w != 0 {
			sel = append(sel, int32(k*8+bits.TrailingZeros8(w)))
			w &= w - 1
		}
	}
	return sel
}

// take builds the batch of rec's rows listed in sel (ascending).
func take(ctx context.Context, rec arrow.RecordBatch, sel []int32, mem memory.Allocator) (arrow.RecordBatch, error) {
	switch len(sel) {
	case 0:
		return nil, nil
	case int(rec.NumRows()):
		rec.Retain()
		return rec, nil
	}
	cols := make([]arrow.Array, rec.NumCols())
	defer func() {
		for _, c := range cols {
			if c != nil {
				c.Release()
			}
		}
	}()
	for k, col := range rec.Columns() {
		c, err := takeArray(ctx, col, sel, mem)
		if err != nil {
			return nil, fmt.Errorf("expr: select column %q: %w", rec.ColumnName(k), err)
		}
		cols[k] = c
	}
	return array.NewRecordBatch(rec.Schema(), cols, int64(len(sel))), nil
}

// takeArray gathers the rows sel of a into a new array.
func takeArray(ctx context.Context, a arrow.Array, sel []int32, mem memory.Allocator) (arrow.Array, error) {
	data := a.Data()
	off := data.Offset()
	k := len(sel)
	dt := a.DataType()
	if dt.ID() == arrow.NULL {
		return array.NewNull(k), nil
	}
	var validBuf *memory.Buffer
	nulls := 0
	if a.NullN() > 0 {
		validBuf = memory.NewResizableBuffer(mem)
		validBuf.Resize(bitmapLen(k))
		nulls = gatherBits(validBuf.Bytes(), a.NullBitmapBytes(), off, sel)
		if nulls == 0 {
			validBuf.Release()
			validBuf = nil
		}
	}
	var bufs []*memory.Buffer
	switch dt.ID() {
	case arrow.BOOL:
		b := memory.NewResizableBuffer(mem)
		b.Resize(bitmapLen(k))
		gatherBits(b.Bytes(), data.Buffers()[1].Bytes(), off, sel)
		bufs = []*memory.Buffer{validBuf, b}
	case arrow.STRING, arrow.BINARY:
		bufs = gatherVarBinary[int32](mem, validBuf, data, sel)
	case arrow.LARGE_STRING, arrow.LARGE_BINARY:
		bufs = gatherVarBinary[int64](mem, validBuf, data, sel)
	default:
		fw, ok := dt.(arrow.FixedWidthDataType)
		if !ok || len(data.Buffers()) != 2 || dt.ID() == arrow.DICTIONARY || len(data.Children()) > 0 {
			if validBuf != nil {
				validBuf.Release()
			}
			return takeFallback(ctx, a, sel, mem)
		}
		src := data.Buffers()[1].Bytes()
		b := memory.NewResizableBuffer(mem)
		switch fw.BitWidth() {
		case 8:
			b.Resize(k)
			gather(b.Bytes(), src[off:], sel)
		case 16:
			b.Resize(2 * k)
			gather(rawview.Slice[uint16](b.Bytes()), rawview.Slice[uint16](src)[off:], sel)
		case 32:
			b.Resize(4 * k)
			gather(rawview.Slice[uint32](b.Bytes()), rawview.Slice[uint32](src)[off:], sel)
		case 64:
			b.Resize(8 * k)
			gather(rawview.Slice[uint64](b.Bytes()), rawview.Slice[uint64](src)[off:], sel)
		case 128:
			b.Resize(16 * k)
			gather(rawview.Slice[decimal128.Num](b.Bytes()), rawview.Slice[decimal128.Num](src)[off:], sel)
		default:
			b.Release()
			if validBuf != nil {
				validBuf.Release()
			}
			return takeFallback(ctx, a, sel, mem)
		}
		bufs = []*memory.Buffer{validBuf, b}
	}
	out := array.NewData(dt, k, bufs, nil, nulls, 0)
	for _, b := range bufs {
		if b != nil {
			b.Release()
		}
	}
	arr := array.MakeFromData(out)
	out.Release()
	return arr, nil
}

func gather[T any](dst, src []T, sel []int32) {
	dst = dst[:len(sel)]
	for j, r := range sel {
		dst[j] = src[r]
	}
}

// gatherBits writes bit off+sel[j] of src to bit j of dst and returns how
// many were clear.
func gatherBits(dst, src []byte, off int, sel []int32) int {
	clear(dst)
	zeros := 0
	for j, r := range sel {
		p := off + int(r)
		if src[p>>3]&(1<<(p&7)) != 0 {
			dst[j>>3] |= 1 << (j & 7)
		} else {
			zeros++
		}
	}
	return zeros
}

func gatherVarBinary[O int32 | int64](mem memory.Allocator, validBuf *memory.Buffer, data arrow.ArrayData, sel []int32) []*memory.Buffer {
	off := data.Offset()
	k := len(sel)
	offs := rawview.Slice[O](data.Buffers()[1].Bytes())[off:]
	var src []byte
	if b := data.Buffers()[2]; b != nil {
		src = b.Bytes()
	}
	var size O
	for _, r := range sel {
		size += offs[r+1] - offs[r]
	}
	ob := memory.NewResizableBuffer(mem)
	ob.Resize((k + 1) * rawview.Size[O]())
	db := memory.NewResizableBuffer(mem)
	db.Resize(int(size))
	dst, dofs := db.Bytes(), rawview.Slice[O](ob.Bytes())
	var pos O
	for j, r := range sel {
		dofs[j] = pos
		s, e := offs[r], offs[r+1]
		pos += O(copy(dst[pos:], src[s:e]))
	}
	dofs[k] = pos
	return []*memory.Buffer{validBuf, ob, db}
}

func takeFallback(ctx context.Context, a arrow.Array, sel []int32, mem memory.Allocator) (arrow.Array, error) {
	b := array.NewInt32Builder(mem)
	defer b.Release()
	b.AppendValues(sel, nil)
	idx := b.NewArray()
	defer idx.Release()
	// arrow-go's kernels can leak their output buffers when ctx ends
	// midway; one batch's kernel is short, and the run's cancellation is
	// seen between batches.
	ectx := compute.DefaultExecCtx()
	ectx.NumParallel = 1
	ctx = compute.WithAllocator(compute.SetExecCtx(context.WithoutCancel(ctx), ectx), kernelmem.Allocator(mem))
	return compute.TakeArray(ctx, a, idx)
}
