package expr

import (
	"context"
	"encoding/json"
	"os"
	"strconv"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// zoneCases is testdata/zone_cases.json, written by
// testdata/make-zone-cases.cjs with DuckDB.
type zoneCases struct {
	Rows  [][]*string `json:"rows"`
	Cases []struct {
		Expr   string    `json:"expr"`
		DuckDB string    `json:"duckdb"`
		Type   string    `json:"type"`
		Values []*string `json:"values"`
	} `json:"cases"`
}

// TestZoneCasesAgainstDuckDB runs each case on DuckDB's rows and checks
// the result's type (TIMESTAMP is zone-less, TIMESTAMPTZ zoned) and
// values against DuckDB's.
func TestZoneCasesAgainstDuckDB(t *testing.T) {
	raw, err := os.ReadFile("testdata/zone_cases.json")
	require.NoError(t, err)
	var zc zoneCases
	require.NoError(t, json.Unmarshal(raw, &zc))
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "ts", Type: &arrow.TimestampType{Unit: arrow.Microsecond}, Nullable: true},
		{Name: "tz", Type: &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}, Nullable: true},
		{Name: "d", Type: arrow.FixedWidthTypes.Date32, Nullable: true},
	}, nil)
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	for _, row := range zc.Rows {
		for k, v := range row {
			if v == nil {
				b.Field(k).AppendNull()
				continue
			}
			x, err := strconv.ParseInt(*v, 10, 64)
			require.NoError(t, err)
			switch fb := b.Field(k).(type) {
			case *array.TimestampBuilder:
				fb.Append(arrow.Timestamp(x))
			case *array.Date32Builder:
				fb.Append(arrow.Date32(x))
			}
		}
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	for _, tc := range zc.Cases {
		t.Run(tc.Expr, func(t *testing.T) {
			e, err := Compile(tc.Expr, schema)
			require.NoError(t, err)
			got, err := e.Eval(context.Background(), rec, mem)
			require.NoError(t, err)
			defer got.Release()
			switch tc.Type {
			case "TIMESTAMP":
				assert.True(t, arrow.TypeEqual(&arrow.TimestampType{Unit: arrow.Microsecond}, got.DataType()), "type %s, DuckDB's %s", got.DataType(), tc.Type)
			case "TIMESTAMP WITH TIME ZONE":
				assert.True(t, arrow.TypeEqual(timestampType, got.DataType()), "type %s, DuckDB's %s", got.DataType(), tc.Type)
			}
			for r, want := range tc.Values {
				if want == nil {
					assert.True(t, got.IsNull(r), "row %d: %s, DuckDB's null", r, got.ValueStr(r))
					continue
				}
				if !assert.False(t, got.IsNull(r), "row %d: null, DuckDB's %s", r, *want) {
					continue
				}
				var have string
				switch a := got.(type) {
				case *array.Timestamp:
					have = strconv.FormatInt(int64(a.Value(r)), 10)
				case *array.Int64:
					have = strconv.FormatInt(a.Value(r), 10)
				default:
					have = got.ValueStr(r)
				}
				assert.Equal(t, *want, have, "row %d of %s (DuckDB: %s)", r, tc.Expr, tc.DuckDB)
			}
		})
	}
}

// TestToTimestampTypes checks to_timestamp(x, 'type'): the zone and unit
// it names, the value's instant unchanged (ns to µs toward zero, as DuckDB).
func TestToTimestampTypes(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "ts", Type: &arrow.TimestampType{Unit: arrow.Microsecond}, Nullable: true},
		{Name: "tn", Type: &arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: "UTC"}, Nullable: true},
	}, nil)
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	b.Field(0).(*array.TimestampBuilder).AppendValues([]arrow.Timestamp{1_500_000, -1}, nil)
	b.Field(1).(*array.TimestampBuilder).AppendValues([]arrow.Timestamp{1_500_000_999, -1}, nil)
	rec := b.NewRecordBatch()
	defer rec.Release()
	local, zoned := &arrow.TimestampType{Unit: arrow.Microsecond}, timestampType
	tests := []struct {
		src  string
		typ  arrow.DataType
		want []int64
	}{
		{"to_timestamp(ts)", local, []int64{1_500_000, -1}},
		{"to_timestamp(ts, 'timestamptz')", zoned, []int64{1_500_000, -1}},
		{"to_timestamp(ts, 'TIMESTAMP WITH TIME ZONE')", zoned, []int64{1_500_000, -1}},
		{"to_timestamp(ts, 'timestamp[ns, UTC]')", timestampNsType, []int64{1_500_000_000, -1000}},
		{"to_timestamp(tn, 'timestamp')", local, []int64{1_500_000, 0}},
		{"to_timestamp(tn, 'timestamp[us, UTC]')", zoned, []int64{1_500_000, 0}},
		{"to_timestamp(tn, 'timestamp_ns')", localNsType, []int64{1_500_000_999, -1}},
		{"to_timestamp(tn)", timestampNsType, []int64{1_500_000_999, -1}},
		{"to_timestamp('2026-01-02 03:04:05', 'timestamp')", local, []int64{1767323045000000, 1767323045000000}},
		{"date_add(to_timestamp(tn, 'timestamp'), '1 second')", local, []int64{2_500_000, 1_000_000}},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			e, err := Compile(tt.src, schema)
			require.NoError(t, err)
			got, err := e.Eval(context.Background(), rec, mem)
			require.NoError(t, err)
			defer got.Release()
			assert.True(t, arrow.TypeEqual(tt.typ, got.DataType()), "type %s", got.DataType())
			assert.True(t, arrow.TypeEqual(e.Type(), got.DataType()), "Type() %s", e.Type())
			for r, w := range tt.want {
				assert.Equal(t, w, int64(got.(*array.Timestamp).Value(r)), "row %d", r)
			}
		})
	}
	_, err := Compile("to_timestamp(ts, 'timestamp[s]')", schema)
	assert.ErrorContains(t, err, "to_timestamp(x, type): type must be")
}

// TestUnreadableColumnsNamed checks that naming a column of a type
// expressions do not read is a Compile error naming the column and type,
// except in x is null (TestIsNullAnyType).
func TestUnreadableColumnsNamed(t *testing.T) {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "user", Type: arrow.StructOf(arrow.Field{Name: "id", Type: arrow.PrimitiveTypes.Int64})},
		{Name: "attrs", Type: arrow.MapOf(arrow.BinaryTypes.String, arrow.BinaryTypes.String)},
		{Name: "span", Type: arrow.FixedWidthTypes.MonthDayNanoInterval},
		{Name: "n", Type: arrow.PrimitiveTypes.Int64},
	}, nil)
	for _, tc := range []struct{ src, col, typ string }{
		{"user == 1", "user", "struct<id: int64>"},
		{"n + 1 > 0 and attrs is not null and coalesce(attrs, n) > 0", "attrs", "map<utf8, utf8"},
		{"to_string(span)", "span", "month_day_nano_interval"},
	} {
		_, err := Compile(tc.src, schema)
		require.Error(t, err, tc.src)
		assert.ErrorContains(t, err, `column "`+tc.col+`"`, tc.src)
		assert.ErrorContains(t, err, tc.typ, tc.src)
	}
}
