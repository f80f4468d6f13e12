package textfmt

import (
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
)

// Kind is how a writer treats a column's values.
type Kind uint8

const (
	// KindNull: every value is null (the Arrow null type).
	KindNull Kind = iota
	// KindBool: AppendText writes true or false.
	KindBool
	// KindInt: any signed or unsigned integer; AppendText writes decimal
	// digits with an optional leading '-'.
	KindInt
	// KindFloat: float32 or float64; AppendText writes AppendFloat's text,
	// Float returns the value (NaN and infinities need a writer's choice).
	KindFloat
	// KindString: utf8, large_utf8 or utf8_view; Text returns the raw
	// value, to be quoted or escaped by the writer.
	KindString
	// KindTimestamp: AppendText writes AppendTimestamp's text, without
	// its 'Z' for a zone-less timestamp type (a wall-clock time).
	KindTimestamp
	// KindDate: date32 or date64; AppendText writes AppendDate's text.
	KindDate
	// KindOther: any other type (binary, list, struct, dictionary,
	// duration...); the writer formats Array()'s values itself,
	// for example with ValueStr, which allocates.
	KindOther
	// KindDecimal: decimal32/64/128/256; AppendText writes every digit of
	// the scale, as DuckDB does: 1.50 for 1.5 in decimal(10,2).
	KindDecimal
	// KindTime: time32 or time64; AppendText writes AppendTime's text,
	// DuckDB's TIME form (03:04:05, 03:04:05.5).
	KindTime
)

type width uint8

const (
	i8 width = iota
	i16
	i32
	i64
	u8
	u16
	u32
	u64
	f32
	f64
	date32
	date64
	time32
	time64
)

// Column is a typed view of one array for row-at-a-time text output. The
// zero value is unusable; call Reset. A Column borrows its array and is
// reused across batches without allocating.
type Column struct {
	arr      arrow.Array
	kind     Kind
	width    width
	unit     arrow.TimeUnit
	local    bool   // a timestamp without a zone: written without 'Z'
	valid    []byte // validity bitmap, nil when the array has no nulls
	validOff int

	i8s   []int8
	i16s  []int16
	i32s  []int32
	i64s  []int64
	u8s   []uint8
	u16s  []uint16
	u32s  []uint32
	u64s  []uint64
	f32s  []float32
	f64s  []float64
	tss   []arrow.Timestamp
	d32s  []arrow.Date32
	d64s  []arrow.Date64
	t32s  []arrow.Time32
	t64s  []arrow.Time64
	bools *array.Boolean

	str      *array.String
	largeStr *array.LargeString
	strView  *array.StringView
}

// Reset points c at arr, which must stay alive while c is used.
func (c *Column) Reset(arr arrow.Array) {
	*c = Column{arr: arr, kind: KindOther}
	if arr.NullN() > 0 {
		c.valid = arr.NullBitmapBytes()
		c.validOff = arr.Data().Offset()
	}
	switch a := arr.(type) {
	case *array.Null:
		c.kind = KindNull
	case *array.Boolean:
		c.kind, c.bools = KindBool, a
	case *array.Int8:
		c.kind, c.width, c.i8s = KindInt, i8, a.Int8Values()
	case *array.Int16:
		c.kind, c.width, c.i16s = KindInt, i16, a.Int16Values()
	case *array.Int32:
		c.kind, c.width, c.i32s = KindInt, i32, a.Int32Values()
	case *array.Int64:
		c.kind, c.width, c.i64s = KindInt, i64, a.Int64Values()
	case *array.Uint8:
		c.kind, c.width, c.u8s = KindInt, u8, a.Uint8Values()
	case *array.Uint16:
		c.kind, c.width, c.u16s = KindInt, u16, a.Uint16Values()
	case *array.Uint32:
		c.kind, c.width, c.u32s = KindInt, u32, a.Uint32Values()
	case *array.Uint64:
		c.kind, c.width, c.u64s = KindInt, u64, a.Uint64Values()
	case *array.Float32:
		c.kind, c.width, c.f32s = KindFloat, f32, a.Float32Values()
	case *array.Float64:
		c.kind, c.width, c.f64s = KindFloat, f64, a.Float64Values()
	case *array.Timestamp:
		c.kind = KindTimestamp
		c.unit = a.DataType().(*arrow.TimestampType).Unit
		c.local = a.DataType().(*arrow.TimestampType).TimeZone == ""
		c.tss = a.TimestampValues()
	case *array.Date32:
		c.kind, c.width, c.d32s = KindDate, date32, a.Date32Values()
	case *array.Date64:
		c.kind, c.width, c.d64s = KindDate, date64, a.Date64Values()
	case *array.Time32:
		c.kind, c.width, c.t32s = KindTime, time32, a.Time32Values()
		c.unit = a.DataType().(*arrow.Time32Type).Unit
	case *array.Time64:
		c.kind, c.width, c.t64s = KindTime, time64, a.Time64Values()
		c.unit = a.DataType().(*arrow.Time64Type).Unit
	case *array.String:
		c.kind, c.str = KindString, a
	case *array.LargeString:
		c.kind, c.largeStr = KindString, a
	case *array.StringView:
		c.kind, c.strView = KindString, a
	case *array.Decimal32, *array.Decimal64, *array.Decimal128, *array.Decimal256:
		c.kind = KindDecimal
	}
}

// Kind tells how to format c's values.
func (c *Column) Kind() Kind { return c.kind }

// Array returns the array c views.
func (c *Column) Array() arrow.Array { return c.arr }

// IsNull reports whether value i is null.
func (c *Column) IsNull(i int) bool {
	if c.kind == KindNull {
		return true
	}
	return c.valid != nil && !bitutil.BitIsSet(c.valid, c.validOff+i)
}

// Float returns value i of a KindFloat column.
func (c *Column) Float(i int) float64 {
	if c.width == f32 {
		return float64(c.f32s[i])
	}
	return c.f64s[i]
}

// Text returns value i of a KindString column without copying: the string
// shares the array's memory, so the caller must not keep it beyond the
// array's life.
func (c *Column) Text(i int) string {
	switch {
	case c.str != nil:
		return c.str.Value(i)
	case c.largeStr != nil:
		return c.largeStr.Value(i)
	case c.strView != nil:
		return c.strView.Value(i)
	}
	return ""
}

// AppendText appends the text of value i of a KindBool, KindInt,
// KindFloat, KindTimestamp, KindDate, KindDecimal or KindTime column, which must not be null. It
// appends nothing for other kinds.
func (c *Column) AppendText(dst []byte, i int) []byte {
	switch c.kind {
	case KindBool:
		if c.bools.Value(i) {
			return append(dst, "true"...)
		}
		return append(dst, "false"...)
	case KindInt:
		switch c.width {
		case i8:
			return strconv.AppendInt(dst, int64(c.i8s[i]), 10)
		case i16:
			return strconv.AppendInt(dst, int64(c.i16s[i]), 10)
		case i32:
			return strconv.AppendInt(dst, int64(c.i32s[i]), 10)
		case i64:
			return strconv.AppendInt(dst, c.i64s[i], 10)
		case u8:
			return strconv.AppendUint(dst, uint64(c.u8s[i]), 10)
		case u16:
			return strconv.AppendUint(dst, uint64(c.u16s[i]), 10)
		case u32:
			return strconv.AppendUint(dst, uint64(c.u32s[i]), 10)
		default:
			return strconv.AppendUint(dst, c.u64s[i], 10)
		}
	case KindFloat:
		if c.width == f32 {
			return AppendFloat(dst, float64(c.f32s[i]), 32)
		}
		return AppendFloat(dst, c.f64s[i], 64)
	case KindTimestamp:
		out := AppendTimestamp(dst, int64(c.tss[i]), c.unit)
		if c.local && out[len(out)-1] == 'Z' {
			out = out[:len(out)-1] // a wall-clock time, DuckDB's TIMESTAMP
		}
		return out
	case KindDecimal:
		return AppendDecimal(dst, c.arr, i)
	case KindTime:
		if c.width == time32 {
			return AppendTime(dst, int64(c.t32s[i]), c.unit)
		}
		return AppendTime(dst, int64(c.t64s[i]), c.unit)
	case KindDate:
		if c.width == date32 {
			return AppendDate(dst, int64(c.d32s[i]))
		}
		days, _ := floorDivMod(int64(c.d64s[i]), secondsPerDay*1000)
		return AppendDate(dst, days)
	}
	return dst
}
