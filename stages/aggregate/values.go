package aggregate

import (
	"errors"
	"fmt"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"

	"github.com/arrowpipe/arrowpipe/stages/internal/rawview"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// kind is how a column's values are read: integers of any width, dates,
// timestamps and booleans as int64; float32/64 as float64; utf8 and
// large_utf8 as bytes (strView), output as the input type.
type kind uint8

const (
	kindInt kind = iota
	kindFloat
	kindString
)

// kindOf returns the kind of a column type, or an error for a type the
// aggregate stages do not read.
func kindOf(dt arrow.DataType) (kind, error) {
	switch dt.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64,
		arrow.UINT8, arrow.UINT16, arrow.UINT32,
		arrow.BOOL, arrow.DATE32, arrow.DATE64, arrow.TIMESTAMP, arrow.DURATION,
		arrow.TIME32, arrow.TIME64:
		return kindInt, nil
	case arrow.FLOAT32, arrow.FLOAT64:
		return kindFloat, nil
	case arrow.DECIMAL32, arrow.DECIMAL64, arrow.DECIMAL128, arrow.DECIMAL256:
		return kindInt, nil // unscaled (see decimal.go)
	case arrow.STRING, arrow.LARGE_STRING:
		return kindString, nil // both read through strView
	}
	return 0, verb.TypeLimit("", dt, fmt.Errorf("unsupported column type %s", dt))
}

// valueKindOf is kindOf for an aggregated column, which may also be
// uint64: read as int64 bits (see int64s) by the aggregates that only
// compare bits for equality, and as unsigned by those that order or add
// (see isUnsigned). Group, distinct and sort keys take it too: keys are
// compared by their bits, and sort keys as unsigned (orderKey.unsigned).
func valueKindOf(dt arrow.DataType) (kind, error) {
	if dt.ID() == arrow.UINT64 {
		return kindInt, nil
	}
	return kindOf(dt)
}

// isUnsigned reports whether a kindInt column holds uint64 values, whose
// int64 bits (see int64s) must be read as unsigned.
func isUnsigned(dt arrow.DataType) bool { return dt.ID() == arrow.UINT64 }

// validity reads a column's null bitmap without a method call per row.
type validity struct {
	bits []byte // nil when the column has no nulls
	off  int
}

func validityOf(arr arrow.Array) validity {
	if arr.NullN() == 0 {
		return validity{}
	}
	return validity{bits: arr.NullBitmapBytes(), off: arr.Data().Offset()}
}

// from is the validity of the rows from lo on: its row i is row lo+i.
func (v validity) from(lo int) validity {
	v.off += lo
	return v
}

func (v validity) ok(i int) bool {
	return v.bits == nil || bitutil.BitIsSet(v.bits, v.off+i)
}

// int64s returns the values of a kindInt column as int64, zero-copy for
// 64-bit types and widened into scratch for the others; uint64 values
// come back as their bits (2^64-1 as -1).
func int64s(arr arrow.Array, scratch []int64) []int64 {
	if isDecimal(arr.DataType()) {
		return decimalInt64s(arr, scratch)
	}
	n := arr.Len()
	switch a := arr.(type) {
	case *array.Int64:
		return a.Int64Values()
	case *array.Uint64, *array.Timestamp, *array.Date64, *array.Duration, *array.Time64:
		if n == 0 {
			return nil
		}
		d := a.Data()
		return rawview.Slice[int64](d.Buffers()[1].Bytes())[d.Offset() : d.Offset()+n]
	}
	out := grow(scratch, n)
	switch a := arr.(type) {
	case *array.Int32:
		for i, x := range a.Int32Values() {
			out[i] = int64(x)
		}
	case *array.Date32:
		for i, x := range a.Date32Values() {
			out[i] = int64(x)
		}
	case *array.Time32:
		for i, x := range a.Time32Values() {
			out[i] = int64(x)
		}
	case *array.Int16:
		for i, x := range a.Int16Values() {
			out[i] = int64(x)
		}
	case *array.Int8:
		for i, x := range a.Int8Values() {
			out[i] = int64(x)
		}
	case *array.Uint32:
		for i, x := range a.Uint32Values() {
			out[i] = int64(x)
		}
	case *array.Uint16:
		for i, x := range a.Uint16Values() {
			out[i] = int64(x)
		}
	case *array.Uint8:
		for i, x := range a.Uint8Values() {
			out[i] = int64(x)
		}
	case *array.Boolean:
		for i := range n {
			if a.Value(i) {
				out[i] = 1
			} else {
				out[i] = 0
			}
		}
	default:
		panic(fmt.Sprintf("aggregate: int64s of %s", arr.DataType()))
	}
	return out
}

// float64s returns the values of a kindFloat column as float64.
func float64s(arr arrow.Array, scratch []float64) []float64 {
	switch a := arr.(type) {
	case *array.Float64:
		return a.Float64Values()
	case *array.Float32:
		out := grow(scratch, a.Len())
		for i, x := range a.Float32Values() {
			out[i] = float64(x)
		}
		return out
	}
	panic(fmt.Sprintf("aggregate: float64s of %s", arr.DataType()))
}

// numbers returns a numeric column as float64, for sums and statistics.
func numbers(arr arrow.Array, fscratch []float64, iscratch []int64) []float64 {
	if k, _ := kindOf(arr.DataType()); k == kindFloat {
		return float64s(arr, fscratch)
	}
	ints := int64s(arr, iscratch)
	out := grow(fscratch, len(ints))
	if s := decimalScale(arr.DataType()); s != 0 {
		d := math.Pow10(int(s))
		for i, x := range ints {
			out[i] = float64(x) / d
		}
		return out
	}
	if isUnsigned(arr.DataType()) {
		for i, x := range ints {
			out[i] = float64(uint64(x))
		}
		return out
	}
	for i, x := range ints {
		out[i] = float64(x)
	}
	return out
}

// floatKey maps a float to int64 bits that are equal exactly when the
// floats are the same group: -0 is 0 and every NaN is one NaN.
func floatKey(f float64) int64 {
	if f == 0 {
		return 0
	}
	if f != f {
		return int64(0x7ff8000000000001)
	}
	return int64(math.Float64bits(f))
}

func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// strView returns a string column's offsets (one per row plus one) and the
// data they index: value i is data[offs[i]:offs[i+1]]. It is the one
// place the aggregate stages read text, so utf8 and large_utf8 (Polars'
// text) are read alike: a utf8 column's offsets and data are its own
// (zero-copy); a large_utf8 column's 64-bit offsets are narrowed into
// scratch, relative to its first value, and data starts there (the data
// is shared, never copied). A large_utf8 batch whose values span 2 GiB or
// more is an error (textSpan). Callers keep the returned offs as the next
// call's scratch.
func strView(arr arrow.Array, scratch []int32) (offs []int32, data []byte, err error) {
	a, ok := arr.(*array.LargeString)
	if !ok {
		if b := arr.Data().Buffers()[2]; b != nil {
			data = b.Bytes()
		}
		return arr.(*array.String).ValueOffsets(), data, nil
	}
	if a.Len() == 0 {
		return append(scratch[:0], 0), nil, nil // the offsets buffer may be absent
	}
	wide := a.ValueOffsets()
	if err := textSpan(wide); err != nil {
		return nil, nil, err
	}
	base, end := wide[0], wide[len(wide)-1]
	offs = grow(scratch, len(wide))
	for i, o := range wide {
		offs[i] = int32(o - base)
	}
	if b := a.Data().Buffers()[2]; b != nil {
		data = b.Bytes()[base:end]
	}
	return offs, data, nil
}

// textSpan fails when the values that large_utf8 offsets wide delimit
// span more than the 2 GiB that 32-bit offsets (strView's) address.
func textSpan(wide []int64) error {
	if n := wide[len(wide)-1] - wide[0]; n > math.MaxInt32 {
		return &verb.TypeError{
			Type: arrow.BinaryTypes.LargeString,
			Err:  fmt.Errorf("%d bytes of large_utf8 text in one batch, more than the 2 GiB this verb reads at once", n),
			Hint: "read smaller batches: --batch-rows N, or write the Parquet file with smaller row groups",
		}
	}
	return nil
}

// namedTextErr names column col in err, a textSpan error.
func namedTextErr(col string, err error) error {
	var te *verb.TypeError
	if errors.As(err, &te) && te.Column == "" {
		return &verb.TypeError{Column: col, Type: te.Type, Hint: te.Hint, Err: fmt.Errorf("column %q: %w", col, te.Err)}
	}
	return err
}

// textErr names in err, a textSpan error reading columns cols of rec
// (nil: all), the first of them textSpan refuses.
func textErr(err error, rec arrow.RecordBatch, cols []int) error {
	if cols == nil {
		for c := range int(rec.NumCols()) {
			cols = append(cols, c)
		}
	}
	for _, c := range cols {
		if a, ok := rec.Column(c).(*array.LargeString); ok && a.Len() > 0 && textSpan(a.ValueOffsets()) != nil {
			return namedTextErr(rec.Schema().Field(c).Name, err)
		}
	}
	return err
}

// ownsOffsets reports whether strView narrowed arr's offsets into its
// scratch, which the caller keeps for the next batch.
func ownsOffsets(arr arrow.Array) bool { return arr.DataType().ID() == arrow.LARGE_STRING }
