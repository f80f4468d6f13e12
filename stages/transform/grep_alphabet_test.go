package transform

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/stages/expr"
)

// TestTextAlphabet prints extreme and ordinary values of every type grep
// has an alphabet for with to_string and checks each byte is in it, so a
// change to to_string cannot make grep skip a column that could match.
func TestTextAlphabet(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	ints := []int64{math.MinInt64, math.MaxInt64, 0, -1, 42}
	floats := []float64{math.NaN(), math.Inf(1), math.Inf(-1), math.Copysign(0, -1), 1e-300, 1.7976931348623157e308, -2.5, 1e21, 123456789}
	cases := []struct {
		dt     arrow.DataType
		values func(b array.Builder)
	}{
		{arrow.PrimitiveTypes.Int8, func(b array.Builder) { b.(*array.Int8Builder).AppendValues([]int8{-128, 127, 0}, nil) }},
		{arrow.PrimitiveTypes.Int64, func(b array.Builder) { b.(*array.Int64Builder).AppendValues(ints, nil) }},
		{arrow.PrimitiveTypes.Uint64, func(b array.Builder) { b.(*array.Uint64Builder).AppendValues([]uint64{math.MaxUint64, 0, 7}, nil) }},
		{arrow.PrimitiveTypes.Float64, func(b array.Builder) { b.(*array.Float64Builder).AppendValues(floats, nil) }},
		{arrow.PrimitiveTypes.Float32, func(b array.Builder) {
			b.(*array.Float32Builder).AppendValues([]float32{float32(math.Inf(-1)), math.MaxFloat32, 1e-40, -1.5}, nil)
		}},
		{arrow.FixedWidthTypes.Boolean, func(b array.Builder) { b.(*array.BooleanBuilder).AppendValues([]bool{true, false}, nil) }},
		{arrow.FixedWidthTypes.Date32, func(b array.Builder) {
			b.(*array.Date32Builder).AppendValues([]arrow.Date32{math.MinInt32, math.MaxInt32, 0, -1}, nil)
		}},
	}
	for unit, div := range map[arrow.TimeUnit]int64{arrow.Second: 1e6, arrow.Millisecond: 1e3, arrow.Microsecond: 1, arrow.Nanosecond: 1} {
		for _, tz := range []string{"", "UTC"} {
			cases = append(cases, struct {
				dt     arrow.DataType
				values func(b array.Builder)
			}{&arrow.TimestampType{Unit: unit, TimeZone: tz}, func(b array.Builder) {
				for _, v := range ints {
					b.(*array.TimestampBuilder).Append(arrow.Timestamp(v / div)) // within µs range
				}
			}})
		}
	}
	for _, c := range cases {
		alphabet, ok := textAlphabet(c.dt)
		require.True(t, ok, c.dt.String())
		schema := arrow.NewSchema([]arrow.Field{{Name: "x", Type: c.dt}}, nil)
		b := array.NewBuilder(mem, c.dt)
		c.values(b)
		col := b.NewArray()
		b.Release()
		rec := array.NewRecordBatch(schema, []arrow.Array{col}, int64(col.Len()))
		col.Release()
		e, err := expr.Compile("to_string(x)", schema)
		if err == nil {
			out, err := e.NewEvaluator().Eval(context.Background(), rec, mem)
			if assert.NoError(t, err, c.dt.String()) {
				texts := out.(*array.String)
				for r := 0; r < texts.Len(); r++ {
					if texts.IsValid(r) {
						s := texts.Value(r)
						assert.Equal(t, "", strings.Trim(s, alphabet), "%s prints %q", c.dt, s)
					}
				}
				out.Release()
			}
		}
		assert.NoError(t, err, c.dt.String())
		rec.Release()
	}
	_, ok := textAlphabet(&arrow.TimestampType{Unit: arrow.Second, TimeZone: "Europe/Paris"})
	assert.False(t, ok, "a zone's name may be printed")
	_, ok = textAlphabet(arrow.BinaryTypes.Binary)
	assert.False(t, ok)
}

// TestGrepSkipsColumnsThatCannotMatch: a pattern of letters searches no
// number; one that a number's text can hold searches it.
func TestGrepSkipsColumnsThatCannotMatch(t *testing.T) {
	cond, err := grepCondition("urgent", GrepOptions{IgnoreCase: true}, grepSchema)
	require.NoError(t, err)
	assert.NotContains(t, cond, "to_string")
	cond, err = grepCondition("4[0-9]", GrepOptions{}, grepSchema)
	require.NoError(t, err)
	assert.Contains(t, cond, "to_string(`id`)")
	assert.Contains(t, cond, "to_string(`qty`)")
	cond, err = grepCondition("urgent", GrepOptions{Invert: true, Columns: []string{"qty"}}, grepSchema)
	require.NoError(t, err)
	assert.Equal(t, "not (false)", cond)
}
