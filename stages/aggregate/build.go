package aggregate

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Output columns are built group by group, in the order of the group ids in
// order.

// A validFunc reports whether group g has a non-null result; nil means all do.
type validFunc func(g uint32) bool

func isValid(valid validFunc, g uint32) bool { return valid == nil || valid(g) }

// buildInts builds a column of type dt (a kindInt type) from int64 state.
func buildInts(mem memory.Allocator, dt arrow.DataType, order []uint32, vals []int64, valid validFunc) arrow.Array {
	b := array.NewBuilder(mem, dt)
	defer b.Release()
	b.Reserve(len(order))
	appendInts(b, order, vals, valid)
	return b.NewArray()
}

func appendInts(b array.Builder, order []uint32, vals []int64, valid validFunc) {
	for _, g := range order {
		if !isValid(valid, g) {
			b.AppendNull()
			continue
		}
		v := vals[g]
		switch b := b.(type) {
		case *array.Int64Builder:
			b.UnsafeAppend(v)
		case *array.TimestampBuilder:
			b.UnsafeAppend(arrow.Timestamp(v))
		case *array.Date32Builder:
			b.UnsafeAppend(arrow.Date32(v))
		case *array.Date64Builder:
			b.UnsafeAppend(arrow.Date64(v))
		case *array.BooleanBuilder:
			b.UnsafeAppend(v != 0)
		case *array.Int32Builder:
			b.UnsafeAppend(int32(v))
		case *array.Int16Builder:
			b.UnsafeAppend(int16(v))
		case *array.Int8Builder:
			b.UnsafeAppend(int8(v))
		case *array.Uint64Builder:
			b.UnsafeAppend(uint64(v))
		case *array.Uint32Builder:
			b.UnsafeAppend(uint32(v))
		case *array.Uint16Builder:
			b.UnsafeAppend(uint16(v))
		case *array.Uint8Builder:
			b.UnsafeAppend(uint8(v))
		case *array.DurationBuilder:
			b.UnsafeAppend(arrow.Duration(v))
		case *array.Time32Builder:
			b.UnsafeAppend(arrow.Time32(v))
		case *array.Time64Builder:
			b.UnsafeAppend(arrow.Time64(v))
		default:
			if !appendDecimal(b, v) {
				panic(fmt.Sprintf("aggregate: appendInts to %T", b))
			}
		}
	}
}

// buildFloats builds a float64 column, or a float32 one when dt says so.
func buildFloats(mem memory.Allocator, dt arrow.DataType, order []uint32, vals []float64, valid validFunc) arrow.Array {
	if dt.ID() == arrow.FLOAT32 {
		b := array.NewFloat32Builder(mem)
		defer b.Release()
		b.Reserve(len(order))
		for _, g := range order {
			if isValid(valid, g) {
				b.UnsafeAppend(float32(vals[g]))
			} else {
				b.UnsafeAppendBoolToBitmap(false)
			}
		}
		return b.NewArray()
	}
	b := array.NewFloat64Builder(mem)
	defer b.Release()
	b.Reserve(len(order))
	for _, g := range order {
		if isValid(valid, g) {
			b.UnsafeAppend(vals[g])
		} else {
			b.UnsafeAppendBoolToBitmap(false)
		}
	}
	return b.NewArray()
}

// buildStrings builds a column of dt, utf8 or large_utf8 (the input's
// type, kept), from byte slices.
func buildStrings(mem memory.Allocator, dt arrow.DataType, order []uint32, value func(g uint32) []byte, valid validFunc) arrow.Array {
	b := array.NewBuilder(mem, dt)
	defer b.Release()
	tb := textBuilder(b)
	tb.Reserve(len(order))
	for _, g := range order {
		if isValid(valid, g) {
			tb.Append(value(g))
		} else {
			tb.AppendNull()
		}
	}
	return b.NewArray()
}

// textBuilder is the byte appender of a utf8 or large_utf8 builder.
func textBuilder(b array.Builder) *array.BinaryBuilder {
	switch b := b.(type) {
	case *array.StringBuilder:
		return b.BinaryBuilder
	case *array.LargeStringBuilder:
		return b.BinaryBuilder
	}
	panic(fmt.Sprintf("aggregate: text values of %s", b.Type()))
}

// computedBuilder is what computed needs of an Arrow builder of T values
// (array.Float64Builder, array.Int64Builder).
type computedBuilder[T any] interface {
	Reserve(n int)
	UnsafeAppend(v T)
	UnsafeAppendBoolToBitmap(isValid bool)
	NewArray() arrow.Array
	Release()
}

// computed builds the column of f(g) for the groups in order with b, which
// it releases; f's false result is a null.
func computed[T any](b computedBuilder[T], order []uint32, f func(g uint32) (T, bool)) arrow.Array {
	defer b.Release()
	b.Reserve(len(order))
	for _, g := range order {
		if v, ok := f(g); ok {
			b.UnsafeAppend(v)
		} else {
			b.UnsafeAppendBoolToBitmap(false)
		}
	}
	return b.NewArray()
}

// computedFloats builds a float64 column of f(g) for the groups in order.
func computedFloats(mem memory.Allocator, order []uint32, f func(g uint32) (float64, bool)) arrow.Array {
	return computed[float64](array.NewFloat64Builder(mem), order, f)
}

// computedInts builds an int64 column of f(g) for the groups in order.
func computedInts(mem memory.Allocator, order []uint32, f func(g uint32) (int64, bool)) arrow.Array {
	return computed[int64](array.NewInt64Builder(mem), order, f)
}
