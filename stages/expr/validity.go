package expr

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// x is [not] null needs only a column's validity, so it takes a column of
// any Arrow type, even one expressions cannot read (struct, map, binary,
// uuid, interval, dictionary ...). Any other use of such a column
// stays a Compile error naming it and its type.

// validityNode is col is null (or, with not, is not null) of a column whose
// values are never loaded.
type validityNode struct {
	base
	idx  int
	name string
	not  bool
}

// nullTestColumn compiles a is null of a column that expressions cannot
// read; ok is false when a is not such a column.
func (c *compiler) nullTestColumn(a *isNullExpr) (node, bool) {
	col, ok := a.x.(*colExpr)
	if !ok {
		return nil, false
	}
	idx := c.schema.FieldIndices(col.name)
	if len(idx) != 1 || Readable(c.schema.Field(idx[0]).Type) {
		return nil, false // a readable column, or one whose error c.column reports
	}
	if c.used == nil {
		c.used = map[int]bool{}
	}
	c.used[idx[0]] = true
	return &validityNode{base: base{c.id(), tBool}, idx: idx[0], name: col.name, not: a.not}, true
}

func (g *validityNode) eval(ev *Evaluator, in *input) (vec, error) {
	arr := in.cols[g.idx]
	s := ev.slot(g)
	n := in.n
	s.b = grow(s.b, bitmapLen(n))
	fill := byte(0xff) // every row valid
	if arr.DataType().ID() == arrow.NULL {
		fill = 0
	}
	for k := range s.b {
		s.b[k] = fill
	}
	switch a := arr.(type) {
	case array.Union: // no bitmap of its own: a row is its child's value
		for k := 0; k < n; k++ {
			if unionIsNull(a, k) {
				clearBit(s.b, k)
			}
		}
	case *array.RunEndEncoded: // no bitmap of its own: a row is its run's value
		vals := a.Values()
		for k := 0; k < n; k++ {
			if vals.IsNull(a.GetPhysicalIndex(k)) {
				clearBit(s.b, k)
			}
		}
	default: // a dictionary's bitmap is its indices'; an extension's its storage's
		if fill != 0 && arr.NullN() > 0 {
			copy(s.b, shiftBitmap(&s.valid, arr.NullBitmapBytes(), arr.Data().Offset(), n))
		}
	}
	if !g.not {
		for k := range s.b {
			s.b[k] = ^s.b[k]
		}
	}
	return vec{b: s.b}, nil
}

// unionIsNull reports whether row k of union a holds a null of its child.
func unionIsNull(a array.Union, k int) bool {
	child := a.Field(a.ChildID(k))
	if d, ok := a.(*array.DenseUnion); ok {
		return child.IsNull(int(d.ValueOffset(k)))
	}
	return child.IsNull(k) // a sparse union's children are sliced with it
}
