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
