package transform

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// castTimestampCases are DuckDB's results, in its text form, for cast's
// timestamp targets (testdata/make-cast-timestamp-cases.cjs).
type castTimestampCases struct {
	Inputs map[string][]*string
	Cases  []struct {
		Column, Target, DuckDB string
		Values                 []*string
	}
}

// castTimestampSchema holds a column of each kind the cases cast: zoned
// and zone-less µs, zone-less ns, text and dates.
var castTimestampSchema = arrow.NewSchema([]arrow.Field{
	{Name: "tz", Type: &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}, Nullable: true},
	{Name: "ts", Type: &arrow.TimestampType{Unit: arrow.Microsecond}, Nullable: true},
	{Name: "tn", Type: &arrow.TimestampType{Unit: arrow.Nanosecond}, Nullable: true},
	{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "d", Type: arrow.FixedWidthTypes.Date32, Nullable: true},
}, nil)

// duckText parses DuckDB's text of a value of a column of castTimestampSchema.
func duckText(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse("2006-01-02 15:04:05.999999999-07", s)
	if err != nil {
		v, err = time.Parse("2006-01-02 15:04:05.999999999", s)
	}
	if err != nil {
		v, err = time.Parse("2006-01-02", s)
	}
	require.NoError(t, err, s)
	return v
}

// duckTimestamp writes a timestamp value as DuckDB's VARCHAR does: a
// zoned one with +00 (the session zone UTC), the fraction without its
// trailing zeros.
func duckTimestamp(ts *array.Timestamp, k int) string {
	typ := ts.DataType().(*arrow.TimestampType)
	v, _ := typ.GetToTimeFunc()
	s := v(ts.Value(k)).UTC().Format("2006-01-02 15:04:05.999999999")
	if typ.TimeZone != "" {
		s += "+00"
	}
	return s
}

func castTimestampBatches(t *testing.T, mem memory.Allocator, in map[string][]*string, size int) []arrow.RecordBatch {
	t.Helper()
	n := len(in["tz"])
	var out []arrow.RecordBatch
	for start := 0; start < n; start += size {
		b := array.NewRecordBuilder(mem, castTimestampSchema)
		for r := start; r < min(start+size, n); r++ {
			for k, f := range castTimestampSchema.Fields() {
				v := in[f.Name][r]
				if v == nil {
					b.Field(k).AppendNull()
					continue
				}
				x := duckText(t, *v)
				switch fb := b.Field(k).(type) {
				case *array.TimestampBuilder:
					if f.Type.(*arrow.TimestampType).Unit == arrow.Nanosecond {
						fb.Append(arrow.Timestamp(x.UnixNano()))
					} else {
						fb.Append(arrow.Timestamp(x.UnixMicro()))
					}
				case *array.StringBuilder:
					fb.Append(*v)
				case *array.Date32Builder:
					fb.Append(arrow.Date32FromTime(x))
				}
			}
		}
		out = append(out, b.NewRecordBatch())
		b.Release()
	}
	return out
}

// TestCastTimestampTargets checks cast's timestamp targets against
// DuckDB's casts with the session zone UTC: zoned to zone-less is the
// UTC wall clock, zone-less to zoned reads the wall clock as UTC, ns to
// µs drops the ns digits; across batch sizes and worker counts.
func TestCastTimestampTargets(t *testing.T) {
	raw, err := os.ReadFile("testdata/cast_timestamp_cases.json")
	require.NoError(t, err)
	var cases castTimestampCases
	require.NoError(t, json.Unmarshal(raw, &cases))
	for _, c := range cases.Cases {
		to, err := castType(strings.ToLower(c.Target))
		require.NoError(t, err, c.Target)
		for _, workers := range []int{1, 4} {
			for _, size := range []int{1, 3, 100} {
				t.Run(fmt.Sprintf("%s:%s/workers=%d/batch=%d", c.Column, c.Target, workers, size), func(t *testing.T) {
					mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
					defer mem.AssertSize(t, 0)
					out, err := runCast(t, mem, castTimestampSchema, c.Column+":"+c.Target, workers, castTimestampBatches(t, mem, cases.Inputs, size))
					defer releaseAll(out)
					require.NoError(t, err)
					var got []*string
					for _, b := range out {
						col := b.Column(b.Schema().FieldIndices(c.Column)[0])
						require.True(t, arrow.TypeEqual(to, col.DataType()), "type %s, want %s", col.DataType(), to)
						for k := 0; k < col.Len(); k++ {
							if col.IsNull(k) {
								got = append(got, nil)
								continue
							}
							s := duckTimestamp(col.(*array.Timestamp), k)
							got = append(got, &s)
						}
					}
					assert.Equal(t, deref(c.Values), deref(got), "DuckDB: %s", c.DuckDB)
				})
			}
		}
	}
}

func deref(ss []*string) []string {
	out := make([]string, len(ss))
	for k, s := range ss {
		out[k] = "NULL"
		if s != nil {
			out[k] = *s
		}
	}
	return out
}

// TestCastTimestampNames checks that cast reads --schema's timestamp
// names, the bracketed ones with their comma inside a list.
func TestCastTimestampNames(t *testing.T) {
	for word, want := range map[string]arrow.DataType{
		"timestamp":          &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"},
		"timestamptz":        &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"},
		"timestamp_ns":       &arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: "UTC"},
		"timestamp[us]":      &arrow.TimestampType{Unit: arrow.Microsecond},
		"timestamp[ns]":      &arrow.TimestampType{Unit: arrow.Nanosecond},
		"timestamp[us, utc]": &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"},
		"timestamp[ns,utc]":  &arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: "UTC"},
	} {
		got, err := castType(word)
		if assert.NoError(t, err, word) {
			assert.True(t, arrow.TypeEqual(want, got), "%s: %s", word, got)
		}
	}
	v, err := parseCast([]string{"a:timestamp[us, UTC],b:timestamp[ns],c:int"})
	require.NoError(t, err)
	assert.NotNil(t, v.Build)
	_, err = parseCast([]string{"a:timestamp[s]"})
	assert.ErrorContains(t, err, `unknown type "timestamp[s]"`)
}
