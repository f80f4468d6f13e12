package expr

import (
	"fmt"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// readList reads a list or large list column: its offsets, sliced to the
// batch (large list offsets copied to int32), and its elements, read by
// c.elems as a column of their own (zero-copy where a column would be).
func (c *colNode) readList(ev *Evaluator, arr arrow.Array, valid []byte, n int) (vec, error) {
	s := ev.slot(c)
	values := arr.(array.ListLike).ListValues()
	off := arr.Data().Offset()
	v := vec{valid: valid}
	switch a := arr.(type) {
	case *array.List:
		v.loffs = a.Offsets()[off : off+n+1] // the whole buffer: slice it
	case *array.LargeList:
		o64 := a.Offsets()[off : off+n+1]
		if o64[n] > math.MaxInt32 {
			return vec{}, fmt.Errorf("column %q: %d list elements in one batch, more than 2^31", c.name, o64[n])
		}
		s.loffs = grow(s.loffs, n+1)
		for k, o := range o64 {
			s.loffs[k] = int32(o)
		}
		v.loffs = s.loffs
	default:
		return vec{}, fmt.Errorf("column %q: unsupported type %s", c.name, arr.DataType())
	}
	ev2, err := c.elems.eval(ev, &input{cols: []arrow.Array{values}, n: values.Len()})
	if err != nil {
		return vec{}, err
	}
	v.i, v.f, v.b, v.offs, v.data, v.cvalid = ev2.i, ev2.f, ev2.b, ev2.offs, ev2.data, ev2.valid
	if ev2.isConst { // a list of nulls
		return vec{}, fmt.Errorf("column %q: unsupported type %s", c.name, arr.DataType())
	}
	return v, nil
}

// elemValid reports whether element e of list vec x is not null.
func (x *vec) elemValid(e int32) bool { return x.cvalid == nil || getBit(x.cvalid, int(e)) }

// listArray builds a list array of element type et from a list vec (a
// null constant gives n nulls).
func listArray(v vec, et typ, n int, mem memory.Allocator) arrow.Array {
	if v.isConst {
		return array.MakeArrayOfNull(mem, listOf(et).arrowType(), n)
	}
	b := array.NewListBuilder(mem, et.arrowType())
	defer b.Release()
	vb := b.ValueBuilder()
	for r := 0; r < n; r++ {
		if !v.isValid(r) {
			b.AppendNull()
			continue
		}
		b.Append(true)
		for e := v.loffs[r]; e < v.loffs[r+1]; e++ {
			appendElem(vb, &v, et, e)
		}
	}
	return b.NewArray()
}

// appendElem appends element e of list vec v (element type et) to vb,
// a builder of et's arrow type.
func appendElem(vb array.Builder, v *vec, et typ, e int32) {
	if !v.elemValid(e) {
		vb.AppendNull()
		return
	}
	switch b := vb.(type) {
	case *array.Int64Builder:
		b.Append(v.i[e])
	case *array.Uint64Builder:
		b.Append(uint64(v.i[e]))
	case *array.Float64Builder:
		b.Append(v.f[e])
	case *array.BooleanBuilder:
		b.Append(getBit(v.b, int(e)))
	case *array.StringBuilder:
		b.BinaryBuilder.Append(v.data[v.offs[e]:v.offs[e+1]])
	case *array.TimestampBuilder:
		b.Append(arrow.Timestamp(v.i[e]))
	case *array.Date32Builder:
		b.Append(arrow.Date32(v.i[e]))
	default:
		panic(fmt.Sprintf("expr: appendElem %s", et))
	}
}
