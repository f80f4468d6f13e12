package window

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// kind is how the stage holds a column's values: every Arrow type it
// accepts is one of these four.
type kind uint8

const (
	kindInt    kind = iota + 1 // signed and small unsigned integers, dates, times, timestamps, durations
	kindFloat                  // float32, float64
	kindString                 // string, large_string
	kindBool
)

// kindOf returns the kind holding dt's values, or an error naming it.
func kindOf(dt arrow.DataType) (kind, error) {
	switch dt.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64, arrow.UINT8, arrow.UINT16, arrow.UINT32,
		arrow.DATE32, arrow.DATE64, arrow.TIMESTAMP, arrow.TIME32, arrow.TIME64, arrow.DURATION:
		return kindInt, nil
	case arrow.FLOAT32, arrow.FLOAT64:
		return kindFloat, nil
	case arrow.STRING, arrow.LARGE_STRING:
		return kindString, nil
	case arrow.BOOL:
		return kindBool, nil
	case arrow.DECIMAL32, arrow.DECIMAL64, arrow.DECIMAL128, arrow.DECIMAL256:
		return decimalKind(dt)
	}
	return 0, verb.TypeLimit("", dt, fmt.Errorf("type %s is not supported", dt))
}

// isNumber reports whether dt is an integer or float type, the types the
// arithmetic functions (running_sum, delta, ewma, ...) take.
func isNumber(dt arrow.DataType) bool {
	switch dt.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64, arrow.UINT8, arrow.UINT16, arrow.UINT32,
		arrow.FLOAT32, arrow.FLOAT64:
		return true
	}
	return false
}

// cell is one value of any kind; ok is false for null.
type cell struct {
	i  int64
	f  float64
	s  string
	b  bool
	ok bool
}

// view reads one column of one batch by row; it borrows the column.
type view struct {
	kind  kind
	arr   arrow.Array
	nulls bool
	bits  []byte // validity bitmap, when nulls
	off   int    // the array's offset into bits
	ints  []int64
	flts  []float64
	// iscr and fscr are the scratch that ints and flts use when the
	// column's values are converted; otherwise they alias the column.
	iscr  []int64
	fscr  []float64
	strs  interface{ Value(int) string }
	bools *array.Boolean
}

// load points v at arr, converting integer and float values into v's
// reusable scratch.
func (v *view) load(k kind, arr arrow.Array) {
	v.kind, v.arr, v.nulls = k, arr, arr.NullN() > 0
	v.bits, v.off = arr.NullBitmapBytes(), arr.Data().Offset()
	switch k {
	case kindInt:
		if a, ok := arr.(*array.Int64); ok {
			v.ints = a.Int64Values()
			break
		}
		v.iscr = loadInts(arr, v.iscr)
		v.ints = v.iscr
	case kindFloat:
		if a, ok := arr.(*array.Float64); ok {
			v.flts = a.Float64Values()
			break
		}
		v.fscr = loadFloats(arr, v.fscr)
		v.flts = v.fscr
	case kindString:
		v.strs = arr.(interface{ Value(int) string })
	case kindBool:
		v.bools = arr.(*array.Boolean)
	}
}

func (v *view) valid(i int) bool {
	j := v.off + i
	return !v.nulls || v.bits[j>>3]>>(j&7)&1 != 0
}

// cell returns row i; strings alias the batch's memory (see keep).
func (v *view) cell(i int) cell {
	if !v.valid(i) {
		return cell{}
	}
	switch v.kind {
	case kindInt:
		return cell{i: v.ints[i], ok: true}
	case kindFloat:
		return cell{f: v.flts[i], ok: true}
	case kindString:
		return cell{s: v.strs.Value(i), ok: true}
	default:
		return cell{b: v.bools.Value(i), ok: true}
	}
}

// keep returns c with its string copied, for state that outlives the batch.
func keep(c cell) cell {
	c.s = strings.Clone(c.s)
	return c
}

func grow[T any](s []T, n int) []T { return slices.Grow(s[:0], n)[:n] }

// loadInts converts an integer-kind column other than int64 into dst.
func loadInts(a arrow.Array, dst []int64) []int64 {
	n := a.Len()
	switch a := a.(type) {
	case *array.Int32:
		return widen(a.Int32Values(), grow(dst, n))
	case *array.Int16:
		return widen(a.Int16Values(), grow(dst, n))
	case *array.Int8:
		return widen(a.Int8Values(), grow(dst, n))
	case *array.Uint32:
		return widen(a.Uint32Values(), grow(dst, n))
	case *array.Uint16:
		return widen(a.Uint16Values(), grow(dst, n))
	case *array.Uint8:
		return widen(a.Uint8Values(), grow(dst, n))
	case *array.Date32:
		return widen(a.Date32Values(), grow(dst, n))
	case *array.Date64:
		return widen(a.Date64Values(), grow(dst, n))
	case *array.Timestamp:
		return widen(a.TimestampValues(), grow(dst, n))
	case *array.Time32:
		return widen(a.Time32Values(), grow(dst, n))
	case *array.Time64:
		return widen(a.Time64Values(), grow(dst, n))
	case *array.Duration:
		return widen(a.DurationValues(), grow(dst, n))
	case *array.Decimal32, *array.Decimal64, *array.Decimal128, *array.Decimal256:
		return loadDecimals(a, grow(dst, n))
	}
	panic(fmt.Sprintf("window: loadInts of %s", a.DataType()))
}

func widen[T ~int8 | ~int16 | ~int32 | ~int64 | ~uint8 | ~uint16 | ~uint32](src []T, dst []int64) []int64 {
	for i, x := range src {
		dst[i] = int64(x)
	}
	return dst
}

// loadFloats converts a float32 column into dst.
func loadFloats(a arrow.Array, dst []float64) []float64 {
	switch a := a.(type) {
	case *array.Float32:
		dst = grow(dst, a.Len())
		for i, x := range a.Float32Values() {
			dst[i] = float64(x)
		}
		return dst
	}
	panic(fmt.Sprintf("window: loadFloats of %s", a.DataType()))
}

// column is one output column's values for a run of rows, filled row by
// row; valid[i] false is null.
type column struct {
	kind  kind
	ints  []int64
	flts  []float64
	strs  []string
	bools []bool
	valid []bool
}

func (c *column) reset(k kind, n int) {
	c.kind = k
	c.valid = grow(c.valid, n)
	switch k {
	case kindInt:
		c.ints = grow(c.ints, n)
	case kindFloat:
		c.flts = grow(c.flts, n)
	case kindString:
		c.strs = grow(c.strs, n)
	case kindBool:
		c.bools = grow(c.bools, n)
	}
}

func (c *column) set(i int, v cell) {
	c.valid[i] = v.ok
	switch c.kind {
	case kindInt:
		c.ints[i] = v.i
	case kindFloat:
		c.flts[i] = v.f
	case kindString:
		c.strs[i] = v.s
	case kindBool:
		c.bools[i] = v.b
	}
}

// bytes estimates the memory c holds.
func (c *column) bytes() int64 {
	n := int64(len(c.valid)) * 9
	for _, s := range c.strs {
		n += int64(len(s)) + 16
	}
	return n
}

// build makes an Arrow array of type dt from rows [lo, hi) of each column
// in cols, in order; the caller releases it.
func build(mem memory.Allocator, dt arrow.DataType, cols []*column) arrow.Array {
	b := array.NewBuilder(mem, dt)
	defer b.Release()
	n := 0
	for _, c := range cols {
		n += len(c.valid)
	}
	b.Reserve(n)
	for _, c := range cols {
		appendColumn(b, c)
	}
	return b.NewArray()
}

func appendColumn(b array.Builder, c *column) {
	switch b := b.(type) {
	case *array.Int64Builder:
		b.AppendValues(c.ints, c.valid)
	case *array.Float64Builder:
		b.AppendValues(c.flts, c.valid)
	case *array.StringBuilder:
		b.AppendValues(c.strs, c.valid)
	case *array.LargeStringBuilder:
		b.AppendValues(c.strs, c.valid)
	case *array.BooleanBuilder:
		b.AppendValues(c.bools, c.valid)
	case *array.Float32Builder:
		for i, ok := range c.valid {
			if ok {
				b.Append(float32(c.flts[i]))
			} else {
				b.AppendNull()
			}
		}
	default:
		for i, ok := range c.valid {
			if ok {
				appendInt(b, c.ints[i])
			} else {
				b.AppendNull()
			}
		}
	}
}

// appendInt appends v to an integer-kind builder other than int64.
func appendInt(b array.Builder, v int64) {
	switch b := b.(type) {
	case *array.Int32Builder:
		b.Append(int32(v))
	case *array.Int16Builder:
		b.Append(int16(v))
	case *array.Int8Builder:
		b.Append(int8(v))
	case *array.Uint32Builder:
		b.Append(uint32(v))
	case *array.Uint16Builder:
		b.Append(uint16(v))
	case *array.Uint8Builder:
		b.Append(uint8(v))
	case *array.Date32Builder:
		b.Append(arrow.Date32(v))
	case *array.Date64Builder:
		b.Append(arrow.Date64(v))
	case *array.TimestampBuilder:
		b.Append(arrow.Timestamp(v))
	case *array.Time32Builder:
		b.Append(arrow.Time32(v))
	case *array.Time64Builder:
		b.Append(arrow.Time64(v))
	case *array.DurationBuilder:
		b.Append(arrow.Duration(v))
	default:
		if !appendDecimal(b, v) {
			panic(fmt.Sprintf("window: appendInt to %T", b))
		}
	}
}

// maxFloat and minFloat order NaN above every number, as DuckDB does.
func maxFloat(a, b float64) float64 {
	if math.IsNaN(a) || a >= b {
		return a
	}
	return b
}

func minFloat(a, b float64) float64 {
	if math.IsNaN(a) {
		return b
	}
	if math.IsNaN(b) || a <= b {
		return a
	}
	return b
}
