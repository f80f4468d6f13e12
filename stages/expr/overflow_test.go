package expr

import (
	"context"
	"math"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// intBatch has columns x int64, y int64 and u uint64 with the given
// values; valid false makes the row null but keeps the value underneath,
// as arrow data may.
func intBatch(t *testing.T, mem memory.Allocator, x, y []int64, u []uint64, valid []bool) arrow.RecordBatch {
	t.Helper()
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "x", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "y", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "u", Type: arrow.PrimitiveTypes.Uint64, Nullable: true},
	}, nil)
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	b.Field(0).(*array.Int64Builder).AppendValues(x, valid)
	b.Field(1).(*array.Int64Builder).AppendValues(y, nil)
	b.Field(2).(*array.Uint64Builder).AppendValues(u, nil)
	return b.NewRecordBatch()
}

func evalOn(t *testing.T, src string, rec arrow.RecordBatch, mem memory.Allocator) (arrow.Array, error) {
	t.Helper()
	e, err := Compile(src, rec.Schema())
	require.NoError(t, err, src)
	return e.Eval(context.Background(), rec, mem)
}

// TestIntegerOverflowIsAnError: DuckDB fails "SELECT 9223372036854775807::
// BIGINT + 1" with "Overflow in addition of INT64 (9223372036854775807 +
// 1)", "SELECT 0::UBIGINT - 1" with "Overflow in subtraction of UINT64
// (0 - 1)", and -(-9223372036854775808), abs() of it and 2^62 * 2 the same
// way. Here each is an error naming the row and the operands.
func TestIntegerOverflowIsAnError(t *testing.T) {
	const maxU = math.MaxUint64
	for _, c := range []struct {
		src  string
		x    int64
		u    uint64
		want string
	}{
		{"x + 1", math.MaxInt64, 0, "9223372036854775807 + 1 is outside the range of int64"},
		{"1 + x", math.MaxInt64, 0, "1 + 9223372036854775807 is outside the range of int64"},
		{"x + y", math.MaxInt64, 0, "9223372036854775807 + 1 is outside the range of int64"},
		{"x - 1", math.MinInt64, 0, "-9223372036854775808 - 1 is outside the range of int64"},
		{"0 - x", math.MinInt64, 0, "0 - -9223372036854775808 is outside the range of int64"},
		{"x - y", math.MinInt64, 0, "-9223372036854775808 - 1 is outside the range of int64"},
		{"x * 2", 1 << 62, 0, "4611686018427387904 * 2 is outside the range of int64"},
		{"x * x", 3037000500, 0, "3037000500 * 3037000500 is outside the range of int64"},
		{"x * -1", math.MinInt64, 0, "-9223372036854775808 * -1 is outside the range of int64"},
		{"-x", math.MinInt64, 0, "-(-9223372036854775808) is outside the range of int64"},
		{"abs(x)", math.MinInt64, 0, "abs(-9223372036854775808) is outside the range of int64"},
		{"round(x, -1)", math.MaxInt64, 0, "round(9223372036854775807, -1) is outside the range of int64"},
		{"round(x, -19)", 5e18, 0, "round(5000000000000000000, -19) is outside the range of int64"},
		{"u + 1", 0, maxU, "18446744073709551615 + 1 is outside the range of uint64"},
		{"u - 1", 0, 0, "0 - 1 is outside the range of uint64"},
		{"u * 2", 0, 1 << 63, "9223372036854775808 * 2 is outside the range of uint64"},
		{"u + u", 0, 1 << 63, "9223372036854775808 + 9223372036854775808 is outside the range of uint64"},
		{"round(u, -1)", 0, maxU, "round(18446744073709551615, -1) is outside the range of uint64"},
		{"u + x", 0, 1 << 63, "uint64 value 9223372036854775808 does not fit in int64"},
		{"-u", 0, maxU, "uint64 value 18446744073709551615 does not fit in int64"},
		{"coalesce(u, x)", 0, maxU, "uint64 value 18446744073709551615 does not fit in int64"},
		{"9223372036854775807 + 1", 0, 0, "9223372036854775807 + 1 is outside the range of int64"},
	} {
		t.Run(c.src, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			// The bad value sits in row 3, after two harmless rows.
			rec := intBatch(t, mem, []int64{1, 2, c.x}, []int64{1, 1, 1}, []uint64{1, 2, c.u}, nil)
			defer rec.Release()
			got, err := evalOn(t, c.src, rec, mem)
			if got != nil {
				got.Release()
			}
			require.ErrorIs(t, err, ErrOverflow)
			row := "3"
			if c.src == "9223372036854775807 + 1" {
				row = "1" // a constant: every row overflows
			}
			assert.EqualError(t, err, "expr: integer overflow at row "+row+" of the batch: "+c.want)
		})
	}
}

// TestIntegerBoundsAreNotOverflow checks results at the edges of the
// ranges, which must come out exact.
func TestIntegerBoundsAreNotOverflow(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rec := intBatch(t, mem, []int64{math.MaxInt64 - 1, math.MinInt64, -math.MaxInt64}, []int64{1, 0, -1},
		[]uint64{math.MaxUint64 - 1, 1 << 63, 0}, nil)
	defer rec.Release()
	for _, c := range []struct {
		src  string
		want []any
	}{
		{"x + y", []any{int64(math.MaxInt64), int64(math.MinInt64), int64(math.MinInt64)}},
		{"x - y", []any{int64(math.MaxInt64 - 2), int64(math.MinInt64), int64(-math.MaxInt64 + 1)}},
		{"x % -1", []any{int64(0), int64(0), int64(0)}}, // MinInt64 % -1 is 0
		{"x % y", []any{int64(0), nil, int64(0)}},       // % 0 is null
		{"x * 1", []any{int64(math.MaxInt64 - 1), int64(math.MinInt64), int64(-math.MaxInt64)}},
		{"-(x + 1)", []any{int64(-math.MaxInt64), int64(math.MaxInt64), int64(math.MaxInt64 - 1)}},
		{"u + 1", []any{uint64(math.MaxUint64), uint64(1<<63 + 1), uint64(1)}},
		{"u * 1", []any{uint64(math.MaxUint64 - 1), uint64(1 << 63), uint64(0)}},
		{"u - u", []any{uint64(0), uint64(0), uint64(0)}},
		{"round(u, -1)", []any{uint64(18446744073709551610), uint64(9223372036854775810), uint64(0)}},
		{"round(x, -18)", []any{int64(9e18), int64(-9e18), int64(-9e18)}},
		{"x / 0", []any{nil, nil, nil}}, // documented: null, where DuckDB gives ±inf
	} {
		t.Run(c.src, func(t *testing.T) {
			got, err := evalOn(t, c.src, rec, mem)
			require.NoError(t, err)
			defer got.Release()
			for r, w := range c.want {
				assert.Equal(t, w, refValue(got, r), "row %d", r)
			}
			checkAgainstReference(t, c.src, rec, mem)
		})
	}
}

// TestOverflowOnlyWhereTheValueIsUsed: a row that is null, or that takes
// the other branch of if(), or whose coalesce() stops before, does not
// fail on what it does not use.
func TestOverflowOnlyWhereTheValueIsUsed(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	// Row 2 is null in x with MaxInt64 underneath; row 3 holds MaxInt64.
	rec := intBatch(t, mem, []int64{1, math.MaxInt64, math.MaxInt64}, []int64{5, 6, 7},
		[]uint64{0, 1, math.MaxUint64}, []bool{true, false, true})
	defer rec.Release()
	for _, c := range []struct {
		src  string
		want []any
	}{
		{"if(x < 9223372036854775807, x + 1, x)", []any{int64(2), nil, int64(math.MaxInt64)}},
		{"if(x == 9223372036854775807, -1, x * 2)", []any{int64(2), nil, int64(-1)}},
		{"if(x is null or x > 100, 0, x + 9223372036854775806)", []any{int64(math.MaxInt64), int64(0), int64(0)}},
		{"coalesce(if(x > 100, y, null), x + 1)", []any{int64(2), nil, int64(7)}},
		{"coalesce(y, x + 1)", []any{int64(5), int64(6), int64(7)}},
		{"coalesce(to_string(y), to_string(x + 1))", []any{"5", "6", "7"}},
		{"if(u > 9223372036854775807, 0, u - y + 10)", []any{int64(5), int64(5), int64(0)}},
		{"if(false, 9223372036854775807 + 1, 0)", []any{int64(0), int64(0), int64(0)}},
	} {
		t.Run(c.src, func(t *testing.T) {
			got, err := evalOn(t, c.src, rec, mem)
			require.NoError(t, err)
			defer got.Release()
			for r, w := range c.want {
				assert.Equal(t, w, refValue(got, r), "row %d", r)
			}
		})
	}
	// The same expressions fail once a row uses the overflowing value.
	for _, src := range []string{"x + 1", "if(x > 0, x + 1, 0)", "coalesce(null, x + 1)"} {
		got, err := evalOn(t, src, rec, mem)
		require.Nil(t, got, src)
		require.ErrorIs(t, err, ErrOverflow, src)
		assert.Contains(t, err.Error(), "at row 3 of the batch", src)
	}
}

// TestUint64Semantics: a uint64 column keeps its values: compared, printed
// and computed as unsigned, and exactly against int64 (DuckDB's UBIGINT
// and BIGINT compare by value).
func TestUint64Semantics(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	u := []uint64{0, 5, 1 << 63, math.MaxUint64}
	rec := intBatch(t, mem, []int64{-1, 5, math.MaxInt64, math.MinInt64}, []int64{0, 0, 0, 0}, u, nil)
	defer rec.Release()
	for _, c := range []struct {
		src  string
		typ  arrow.DataType
		want []any
	}{
		{"u > 5", arrow.FixedWidthTypes.Boolean, []any{false, false, true, true}},
		{"u > -1", arrow.FixedWidthTypes.Boolean, []any{true, true, true, true}},
		{"u > x", arrow.FixedWidthTypes.Boolean, []any{true, false, true, true}},
		{"x < u", arrow.FixedWidthTypes.Boolean, []any{true, false, true, true}},
		{"u == x", arrow.FixedWidthTypes.Boolean, []any{false, true, false, false}},
		{"u >= 9223372036854775807", arrow.FixedWidthTypes.Boolean, []any{false, false, true, true}},
		{"u == 18446744073709551615", arrow.FixedWidthTypes.Boolean, []any{false, false, false, true}},
		{"u in (18446744073709551615, -1, x)", arrow.FixedWidthTypes.Boolean, []any{false, true, false, true}},
		{"u not in (0, 5)", arrow.FixedWidthTypes.Boolean, []any{false, false, true, true}},
		{"to_string(u)", arrow.BinaryTypes.String, []any{"0", "5", "9223372036854775808", "18446744073709551615"}},
		{"u", arrow.PrimitiveTypes.Uint64, []any{u[0], u[1], u[2], u[3]}},
		{"abs(u)", arrow.PrimitiveTypes.Uint64, []any{u[0], u[1], u[2], u[3]}},
		{"coalesce(u, 0)", arrow.PrimitiveTypes.Uint64, []any{u[0], u[1], u[2], u[3]}},
		{"if(u > 1, u, 1)", arrow.PrimitiveTypes.Uint64, []any{uint64(1), u[1], u[2], u[3]}},
		{"u - 0", arrow.PrimitiveTypes.Uint64, []any{u[0], u[1], u[2], u[3]}},
		{"u % 10", arrow.PrimitiveTypes.Uint64, []any{uint64(0), uint64(5), uint64(8), uint64(5)}},
		{"u / 2", arrow.PrimitiveTypes.Float64, []any{0.0, 2.5, 0x1p62, 0x1p63}},
		{"to_int(u)", arrow.PrimitiveTypes.Int64, []any{int64(0), int64(5), nil, nil}},
		{"to_float(u)", arrow.PrimitiveTypes.Float64, []any{0.0, 5.0, 0x1p63, 0x1p64}},
		{"to_bool(u)", arrow.FixedWidthTypes.Boolean, []any{false, true, true, true}},
	} {
		t.Run(c.src, func(t *testing.T) {
			e, err := Compile(c.src, rec.Schema())
			require.NoError(t, err)
			assert.True(t, arrow.TypeEqual(c.typ, e.Type()), "type %s", e.Type())
			got, err := e.Eval(context.Background(), rec, mem)
			require.NoError(t, err)
			defer got.Release()
			for r, w := range c.want {
				assert.Equal(t, w, refValue(got, r), "row %d", r)
			}
			checkAgainstReference(t, c.src, rec, mem)
		})
	}
	// Filtering keeps the rows above MaxInt64 (they were dropped as negative).
	e, err := Compile("u > 5", rec.Schema())
	require.NoError(t, err)
	out, err := e.NewEvaluator().Filter(context.Background(), rec, mem)
	require.NoError(t, err)
	defer out.Release()
	assert.Equal(t, []uint64{1 << 63, math.MaxUint64}, out.Column(2).(*array.Uint64).Uint64Values())
}

// TestNarrowIntegerColumns: int8..int32 and uint8..uint32 read as their
// values in int64.
func TestNarrowIntegerColumns(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "u32", Type: arrow.PrimitiveTypes.Uint32},
		{Name: "u8", Type: arrow.PrimitiveTypes.Uint8},
		{Name: "i8", Type: arrow.PrimitiveTypes.Int8},
	}, nil)
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	b.Field(0).(*array.Uint32Builder).AppendValues([]uint32{math.MaxUint32, 0}, nil)
	b.Field(1).(*array.Uint8Builder).AppendValues([]uint8{255, 0}, nil)
	b.Field(2).(*array.Int8Builder).AppendValues([]int8{-128, 127}, nil)
	rec := b.NewRecordBatch()
	defer rec.Release()
	got, err := evalOn(t, "u32 + u8 + i8", rec, mem)
	require.NoError(t, err)
	defer got.Release()
	assert.Equal(t, []int64{math.MaxUint32 + 255 - 128, 127}, got.(*array.Int64).Int64Values())
}

// TestTimeScalingOverflow: timestamps are µs since the epoch, about
// ±292,000 years; a seconds column or a date beyond that is an error (in
// to_timestamp, null: a value that does not convert), not a wrapped time.
func TestTimeScalingOverflow(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "ts", Type: arrow.FixedWidthTypes.Timestamp_s, Nullable: true},
		{Name: "d", Type: arrow.FixedWidthTypes.Date32, Nullable: true},
	}, nil)
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	// Row 2 is null with a huge value underneath; row 3 is huge.
	b.Field(0).(*array.TimestampBuilder).AppendValues([]arrow.Timestamp{0, 1e13, 1e13}, []bool{true, false, true})
	b.Field(1).(*array.Date32Builder).AppendValues([]arrow.Date32{0, math.MaxInt32, math.MaxInt32}, []bool{true, false, true})
	rec := b.NewRecordBatch()
	defer rec.Release()

	got, err := evalOn(t, "ts > ts'2026-01-01T00:00:00Z'", rec, mem)
	require.Nil(t, got)
	require.ErrorIs(t, err, ErrOverflow)
	assert.EqualError(t, err, `expr: integer overflow at row 3 of the batch: column "ts": 10000000000000 s is outside the range of timestamps in µs (about ±292,000 years)`)

	got, err = evalOn(t, "d < ts'2026-01-01T00:00:00Z'", rec, mem)
	require.Nil(t, got)
	assert.ErrorContains(t, err, "at row 3 of the batch: a date: 2147483647 days is outside the range of timestamps in µs")

	got, err = evalOn(t, "to_timestamp(d) is null", rec, mem)
	require.NoError(t, err)
	defer got.Release()
	assert.Equal(t, []any{false, true, true}, []any{refValue(got, 0), refValue(got, 1), refValue(got, 2)})
}
