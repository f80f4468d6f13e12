package expr

import (
	"fmt"
	"math"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// A node is one typed kernel of a compiled expression. eval computes the
// node for all rows of in at once and returns a vec that lives in the
// evaluator's slot for the node (or aliases its children / the input).
type node interface {
	typ() typ
	slotID() int
	eval(ev *Evaluator, in *input) (vec, error)
}

// input is the batch an expression is evaluated on.
type input struct {
	cols []arrow.Array
	n    int
}

type base struct {
	id int
	t  typ
}

func (b *base) typ() typ                { return b.t }
func (b *base) slotID() int             { return b.id }
func (ev *Evaluator) slot(n node) *slot { return &ev.slots[n.slotID()] }

// full returns v with constants broadcast to n rows, in the slot of the
// node that produced v (a constant result leaves that slot unused).
func (ev *Evaluator) full(from node, v vec, n int) vec {
	if !v.isConst {
		return v
	}
	s := ev.slot(from)
	out := vec{}
	if v.null {
		s.valid = grow(s.valid, bitmapLen(n))
		clear(s.valid)
		out.valid = s.valid
	}
	switch storage(from.typ()) {
	case tInt, tUint, tTime, tTimeNs, tDate:
		s.i = grow(s.i, n)
		if !v.null {
			c := v.i[0]
			for k := range s.i {
				s.i[k] = c
			}
		}
		out.i = s.i
	case tFloat:
		s.f = grow(s.f, n)
		if !v.null {
			c := v.f[0]
			for k := range s.f {
				s.f[k] = c
			}
		}
		out.f = s.f
	case tBool:
		s.b = grow(s.b, bitmapLen(n))
		fill := byte(0)
		if !v.null && v.b[0]&1 != 0 {
			fill = 0xff
		}
		for k := range s.b {
			s.b[k] = fill
		}
		out.b = s.b
	case tString:
		var c []byte
		if !v.null {
			c = v.constStr()
		}
		s.offs = grow(s.offs, n+1)
		s.data = s.data[:0]
		s.offs[0] = 0
		for k := 0; k < n; k++ {
			s.data = append(s.data, c...)
			s.offs[k+1] = int32(len(s.data))
		}
		out.offs, out.data = s.offs, s.data
	case tNull:
		s.valid = grow(s.valid, bitmapLen(n))
		clear(s.valid)
		out.valid = s.valid
	}
	return out
}

// constNode is a literal or a folded constant subexpression.
type constNode struct {
	base
	v vec
}

func (c *constNode) eval(*Evaluator, *input) (vec, error) { return c.v, nil }

func newConst(id int, t typ, v vec) *constNode {
	v.isConst = true
	return &constNode{base: base{id, t}, v: v}
}

func nullConst(id int, t typ) *constNode { return newConst(id, t, vec{null: true}) }

// colNode reads an input column, zero-copy when its layout is ours.
type colNode struct {
	base
	idx   int
	name  string
	dt    arrow.DataType
	elems *colNode // a list column: reads its elements, in a slot of their own
}

func (c *colNode) eval(ev *Evaluator, in *input) (v vec, err error) {
	arr := in.cols[c.idx]
	s := ev.slot(c)
	n := in.n
	data := arr.Data()
	off := data.Offset()
	if arr.NullN() > 0 && c.t != tNull {
		v.valid = shiftBitmap(&s.valid, arr.NullBitmapBytes(), off, n)
	}
	if c.elems != nil {
		return c.readList(ev, arr, v.valid, n)
	}
	switch a := arr.(type) {
	case *array.Null:
		return vec{isConst: true, null: true}, nil
	case *array.Boolean:
		v.b = shiftBitmap(&s.b, data.Buffers()[1].Bytes(), off, n)
	case *array.Int64:
		v.i = a.Int64Values()
	case *array.Float64:
		v.f = a.Float64Values()
	case *array.Int8:
		v.i = widen(&s.i, a.Int8Values())
	case *array.Int16:
		v.i = widen(&s.i, a.Int16Values())
	case *array.Int32:
		v.i = widen(&s.i, a.Int32Values())
	case *array.Uint8:
		v.i = widen(&s.i, a.Uint8Values())
	case *array.Uint16:
		v.i = widen(&s.i, a.Uint16Values())
	case *array.Uint32:
		v.i = widen(&s.i, a.Uint32Values())
	case *array.Uint64: // tUint: the bits, zero-copy
		v.i = arrow.Int64Traits.CastFromBytes(data.Buffers()[1].Bytes())[off : off+n]
	case *array.Float32:
		s.f = grow(s.f, n)
		for k, x := range a.Float32Values() {
			s.f[k] = float64(x)
		}
		v.f = s.f
	case *array.String:
		v.offs = a.ValueOffsets()
		if b := data.Buffers()[2]; b != nil {
			v.data = b.Bytes()
		}
	case *array.LargeString:
		o64 := a.ValueOffsets()
		base := o64[0]
		if o64[n]-base > math.MaxInt32 {
			return vec{}, fmt.Errorf("column %q: %d bytes of strings in one batch, more than 2 GiB", c.name, o64[n]-base)
		}
		s.offs = grow(s.offs, n+1)
		for k, o := range o64 {
			s.offs[k] = int32(o - base)
		}
		v.offs = s.offs
		if b := data.Buffers()[2]; b != nil {
			v.data = b.Bytes()[base:]
		}
	case *array.Timestamp:
		vals := arrow.Int64Traits.CastFromBytes(data.Buffers()[1].Bytes())[off : off+n]
		switch c.dt.(*arrow.TimestampType).Unit {
		case arrow.Microsecond:
			v.i = vals
		case arrow.Second:
			v.i, err = ev.scale(&s.i, vals, 1_000_000, v.valid, c.name, "s", tTime)
		case arrow.Millisecond:
			v.i, err = ev.scale(&s.i, vals, 1_000, v.valid, c.name, "ms", tTime)
		case arrow.Nanosecond: // tTimeNs: zero-copy
			v.i = vals
		}
	case *array.Date32:
		v.i = widen(&s.i, a.Date32Values())
	case *array.Date64:
		s.i = grow(s.i, n)
		for k, x := range a.Date64Values() {
			s.i[k] = floorDiv(int64(x), 86_400_000)
		}
		v.i = s.i
	case *array.Time32, *array.Time64:
		v.i = clockNanos(&s.i, arr, c.dt)
	case *array.Decimal32, *array.Decimal64, *array.Decimal128, *array.Decimal256:
		v.i, v.hi, err = ev.loadDecimal(s, arr, v.valid, c.name)
	default:
		return vec{}, fmt.Errorf("column %q: unsupported type %s", c.name, arr.DataType())
	}
	return v, err
}

func widen[T ~int8 | ~int16 | ~int32 | ~uint8 | ~uint16 | ~uint32](dst *[]int64, src []T) []int64 {
	*dst = grow(*dst, len(src))
	d := *dst
	for k, x := range src {
		d[k] = int64(x) // exact: every such value fits in int64
	}
	return d
}

// scale converts src to µs (to == tTime) or ns (tTimeNs) by multiplying by
// m; a value beyond the range of the unit (about ±292,000 years for µs,
// 1677-09-21 to 2262-04-11 for ns) is an error naming the column (none: a
// date or a timestamp), the row and the value in its unit, never a wrapped
// time.
func (ev *Evaluator) scale(dst *[]int64, src []int64, m int64, valid []byte, col, unit string, to typ) ([]int64, error) {
	*dst = grow(*dst, len(src))
	d := *dst
	if mulInt64C(src, m, d) {
		bad := func(k int) bool { _, x := mulHiInt64(src[k], m); return x != 0 }
		if row := ev.overflowRow(valid, len(src), bad); row >= 0 {
			where := "column " + strconv.Quote(col)
			switch {
			case col != "":
			case unit == "days":
				where = "a date"
			default:
				where = "a timestamp"
			}
			limits := "µs (about ±292,000 years)"
			if to == tTimeNs {
				limits = "ns (1677-09-21 to 2262-04-11)"
			}
			return nil, overflowError(row, "%s: %d %s is outside the range of timestamps in %s", where, src[row], unit, limits)
		}
	}
	return d, nil
}

// toFloatNode converts int64 or uint64 to float64 (the nearest float).
type toFloatNode struct {
	base
	x node
}

func (c *toFloatNode) eval(ev *Evaluator, in *input) (vec, error) {
	v, err := c.x.eval(ev, in)
	if err != nil || v.isConst && v.null {
		return v, err
	}
	v = ev.full(c.x, v, in.n)
	s := ev.slot(c)
	s.f = grow(s.f, in.n)
	if c.x.typ() == tUint {
		for k, x := range asUint64(v.i[:in.n]) {
			s.f[k] = float64(x)
		}
	} else {
		for k, x := range v.i[:in.n] {
			s.f[k] = float64(x)
		}
	}
	return vec{valid: v.valid, f: s.f}, nil
}

// uintToIntNode converts uint64 to int64 where an int64 is needed (mixed
// arithmetic, if/coalesce with an int64): a value above MaxInt64 is an
// error naming the row. The values are reused as they are.
type uintToIntNode struct {
	base
	x node
}

func (c *uintToIntNode) eval(ev *Evaluator, in *input) (vec, error) {
	v, err := c.x.eval(ev, in)
	if err != nil || v.isConst && v.null {
		return v, err
	}
	var acc int64
	if v.isConst {
		acc = v.i[0]
	} else {
		for _, x := range v.i[:in.n] {
			acc |= x
		}
	}
	if acc < 0 {
		w := ev.full(c.x, v, in.n)
		if row := ev.overflowRow(w.valid, in.n, func(k int) bool { return w.i[k] < 0 }); row >= 0 {
			return vec{}, overflowError(row, "uint64 value %d does not fit in int64", uint64(w.i[row]))
		}
	}
	return v, nil
}

// dateToTimeNode converts days to µs (or ns, when its type is tTimeNs) at
// midnight UTC, and µs to ns.
type dateToTimeNode struct {
	base
	x node
}

func (c *dateToTimeNode) eval(ev *Evaluator, in *input) (vec, error) {
	v, err := c.x.eval(ev, in)
	if err != nil || v.isConst && v.null {
		return v, err
	}
	v = ev.full(c.x, v, in.n)
	s := ev.slot(c)
	m, unit := timeFactor(c.x.typ(), c.t)
	v.i, err = ev.scale(&s.i, v.i[:in.n], m, v.valid, "", unit, c.t)
	return v, err
}

// timeFactor returns what a value of type from (tDate or tTime) is
// multiplied by to become a value of type to (tTime or tTimeNs), and the
// name of from's unit.
func timeFactor(from, to typ) (int64, string) {
	switch {
	case from == tDate && to == tTimeNs:
		return nanosPerDay, "days"
	case from == tDate:
		return microsPerDay, "days"
	}
	return 1000, "µs"
}

const (
	microsPerDay = 86_400_000_000
	nanosPerDay  = 86_400_000_000_000
)
