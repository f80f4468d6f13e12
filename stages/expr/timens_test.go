package expr

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// nsBatch has two rows of timestamps written as instants, so that the
// expected results below are read off the instants, not off arrowpipe:
//
//	a (ns, no zone)  2026-01-02T03:04:05.123456789  1677-09-21T00:12:43.145224192 (first ns)
//	b (ns, UTC)      2026-01-02T03:04:05.123456788  1677-09-21T00:12:43.145224192
//	u (µs)           2026-01-02T03:04:05.123456     1500-01-01 (beyond the ns range)
//	s (s, UTC)       2026-01-02T03:04:05            1500-01-01
func nsBatch(t *testing.T, mem memory.Allocator) arrow.RecordBatch {
	t.Helper()
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "a", Type: &arrow.TimestampType{Unit: arrow.Nanosecond}, Nullable: true},
		{Name: "b", Type: arrow.FixedWidthTypes.Timestamp_ns, Nullable: true},
		{Name: "u", Type: &arrow.TimestampType{Unit: arrow.Microsecond}, Nullable: true},
		{Name: "s", Type: arrow.FixedWidthTypes.Timestamp_s, Nullable: true},
	}, nil)
	base := time.Date(2026, 1, 2, 3, 4, 5, 123456789, time.UTC)
	old := time.Date(1500, 1, 1, 0, 0, 0, 0, time.UTC)
	rb := array.NewRecordBuilder(mem, schema)
	defer rb.Release()
	rb.Field(0).(*array.TimestampBuilder).AppendValues([]arrow.Timestamp{arrow.Timestamp(base.UnixNano()), math.MinInt64}, nil)
	rb.Field(1).(*array.TimestampBuilder).AppendValues([]arrow.Timestamp{arrow.Timestamp(base.UnixNano() - 1), math.MinInt64}, nil)
	rb.Field(2).(*array.TimestampBuilder).AppendValues([]arrow.Timestamp{arrow.Timestamp(base.UnixMicro()), arrow.Timestamp(old.UnixMicro())}, nil)
	rb.Field(3).(*array.TimestampBuilder).AppendValues([]arrow.Timestamp{arrow.Timestamp(base.Unix()), arrow.Timestamp(old.Unix())}, nil)
	return rb.NewRecordBatch()
}

// TestNanosecondsKeepTheirPrecision: timestamps of every unit compare as
// exact instants, pass through if/coalesce and are computed on at their
// own precision.
func TestNanosecondsKeepTheirPrecision(t *testing.T) {
	first := time.Unix(0, math.MinInt64).UTC()
	tests := []struct {
		src  string
		typ  arrow.DataType // of the result
		want []any          // bool, int64, string, time.Time (an instant)
	}{
		{"a == b", arrow.FixedWidthTypes.Boolean, []any{false, true}},
		{"a > b", arrow.FixedWidthTypes.Boolean, []any{true, false}},
		{"b < a", arrow.FixedWidthTypes.Boolean, []any{true, false}},
		{"a != b", arrow.FixedWidthTypes.Boolean, []any{true, false}},
		// µs and s against ns: the exact instants, also beyond the ns range
		{"u < a", arrow.FixedWidthTypes.Boolean, []any{true, true}},
		{"u == b", arrow.FixedWidthTypes.Boolean, []any{false, false}},
		{"s < b", arrow.FixedWidthTypes.Boolean, []any{true, true}},
		{"b >= s", arrow.FixedWidthTypes.Boolean, []any{true, true}},
		{"a in (u, b)", arrow.FixedWidthTypes.Boolean, []any{false, true}},
		{"a in (u, ts'2026-01-02T03:04:05.123456789Z')", arrow.FixedWidthTypes.Boolean, []any{true, false}},
		{"a > ts'2026-01-02T03:04:05.123456788Z'", arrow.FixedWidthTypes.Boolean, []any{true, false}},
		{"a == ts'2026-01-02T03:04:05.123456789Z'", arrow.FixedWidthTypes.Boolean, []any{true, false}},
		{"a > ts'2026-01-02T03:04:05.123456Z'", arrow.FixedWidthTypes.Boolean, []any{true, false}},
		{"a > ts'1500-01-01T00:00:00Z'", arrow.FixedWidthTypes.Boolean, []any{true, true}},
		{"a > date'2026-01-02'", arrow.FixedWidthTypes.Boolean, []any{true, false}},
		// passed through at ns
		{"coalesce(a, b)", timestampNsType, []any{time.Date(2026, 1, 2, 3, 4, 5, 123456789, time.UTC), first}},
		{"if(a > b, a, b)", timestampNsType, []any{time.Date(2026, 1, 2, 3, 4, 5, 123456789, time.UTC), first}},
		{"to_timestamp(b)", timestampNsType, []any{time.Date(2026, 1, 2, 3, 4, 5, 123456788, time.UTC), first}},
		// computed at ns
		{"to_string(a)", arrow.BinaryTypes.String, []any{"2026-01-02T03:04:05.123456789Z", "1677-09-21T00:12:43.145224192Z"}},
		{"to_int(a) - to_int(b)", arrow.PrimitiveTypes.Int64, []any{int64(1), int64(0)}},
		{"minute(a) * 100 + hour(a)", arrow.PrimitiveTypes.Int64, []any{int64(403), int64(1200)}},
		{"year(b) * 10000 + month(b) * 100 + day(b)", arrow.PrimitiveTypes.Int64, []any{int64(20260102), int64(16770921)}},
		{"date_trunc('minute', a)", localNsType, // a is zone-less, and so is the result
			[]any{time.Date(2026, 1, 2, 3, 4, 0, 0, time.UTC), nil}},
		{"to_date(a) == date'2026-01-02'", arrow.FixedWidthTypes.Boolean, []any{true, false}},
		{"ts'2026-01-02T03:04:05.000000001Z' > ts'2026-01-02T03:04:05Z'", arrow.FixedWidthTypes.Boolean, []any{true, true}},
		{"to_timestamp('2026-01-02T03:04:05.123456789Z')", timestampType, []any{nil, nil}}, // to µs: not exact, so null
	}
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rec := nsBatch(t, mem)
	defer rec.Release()
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			e, err := Compile(tt.src, rec.Schema())
			require.NoError(t, err)
			assert.True(t, arrow.TypeEqual(tt.typ, e.Type()), "type %s", e.Type())
			if tt.src == "date_trunc('minute', a)" {
				// row 1's minute starts before the first ns timestamp
				_, err := e.Eval(context.Background(), rec, mem)
				require.ErrorIs(t, err, ErrOverflow)
				assert.ErrorContains(t, err, "at row 2 of the batch: date_trunc of 1677-09-21T00:12:43.145224192Z is before the first timestamp in ns")
				one := rec.NewSlice(0, 1)
				defer one.Release()
				got, err := e.Eval(context.Background(), one, mem)
				require.NoError(t, err)
				defer got.Release()
				assert.Equal(t, tt.want[0], got.(*array.Timestamp).Value(0).ToTime(arrow.Nanosecond).UTC())
				return
			}
			got, err := e.Eval(context.Background(), rec, mem)
			require.NoError(t, err)
			defer got.Release()
			require.Equal(t, len(tt.want), got.Len())
			for r, w := range tt.want {
				if w == nil {
					assert.True(t, got.IsNull(r), "row %d", r)
					continue
				}
				var have any
				switch g := got.(type) {
				case *array.Timestamp:
					have = g.Value(r).ToTime(g.DataType().(*arrow.TimestampType).Unit).UTC()
				default:
					have = refValue(got, r)
				}
				assert.Equal(t, w, have, "row %d", r)
			}
			checkAgainstReference(t, tt.src, rec, mem)
		})
	}
}

// TestNanosecondRangeErrors: a value that a ns result cannot hold is an
// error naming the row, for the rows that use it, never a wrapped time.
func TestNanosecondRangeErrors(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rec := nsBatch(t, mem)
	defer rec.Release()
	eval := func(src string) (arrow.Array, error) {
		e, err := Compile(src, rec.Schema())
		require.NoError(t, err)
		return e.Eval(context.Background(), rec, mem)
	}
	_, err := eval("coalesce(u, a)") // 1500-01-01 in ns
	require.ErrorIs(t, err, ErrOverflow)
	assert.ErrorContains(t, err, "at row 2 of the batch: a timestamp: -14831769600000000 µs is outside the range of timestamps in ns (1677-09-21 to 2262-04-11)")

	_, err = eval("if(a > u, s, b)")
	require.ErrorIs(t, err, ErrOverflow)
	assert.ErrorContains(t, err, "at row 2 of the batch")

	got, err := eval("if(u > a, u, a)") // row 2 takes a: u is not used there
	require.NoError(t, err)
	defer got.Release()
	ts := got.(*array.Timestamp)
	assert.Equal(t, arrow.Timestamp(math.MinInt64), ts.Value(1))

	_, err = Compile("a > ts'1500-01-01T00:00:00.000000001Z'", rec.Schema())
	assert.ErrorContains(t, err, "outside the range of timestamps in ns")
	// A tenth digit would be cut: it is refused, not rounded away.
	_, err = Compile("a > ts'2000-01-01T00:00:00.0000000001Z'", rec.Schema())
	assert.ErrorContains(t, err, "more than 9 fraction digits")
}

// TestTimestampLiteralPrecision: a ts'...' literal with more than 6
// fraction digits is ns, prints with all 9 and reads back as ns.
func TestTimestampLiteralPrecision(t *testing.T) {
	for _, c := range []struct {
		src, canonical string
		typ            arrow.DataType
	}{
		{"ts'2026-01-02T03:04:05.123456789Z'", "ts'2026-01-02T03:04:05.123456789Z'", timestampNsType},
		{"ts'2026-01-02T03:04:05.1234567+01:00'", "ts'2026-01-02T02:04:05.123456700Z'", timestampNsType},
		{"ts'2026-01-02 03:04:05.000000000'", "ts'2026-01-02T03:04:05.000000000Z'", timestampNsType},
		{"ts'2026-01-02T03:04:05.123456Z'", "ts'2026-01-02T03:04:05.123456Z'", timestampType},
		{"ts'2026-01-02T03:04:05Z'", "ts'2026-01-02T03:04:05Z'", timestampType},
	} {
		t.Run(c.src, func(t *testing.T) {
			e, err := Compile(c.src, nil)
			require.NoError(t, err)
			assert.Equal(t, c.canonical, e.String())
			assert.True(t, arrow.TypeEqual(c.typ, e.Type()), "type %s", e.Type())
			again, err := Compile(e.String(), nil)
			require.NoError(t, err)
			assert.True(t, arrow.TypeEqual(c.typ, again.Type()))
		})
	}
}
