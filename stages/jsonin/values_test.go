package jsonin

import (
	"context"
	"fmt"
	"io"
	"math"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestNumbersKeepTheirValue: every number reads as a value equal to the
// JSON's, or as its text; none becomes ±Inf or is rounded to another
// integer. The reference is math/big on the JSON text.
func TestNumbersKeepTheirValue(t *testing.T) {
	cases := []struct {
		name, values string
		want         arrow.DataType
	}{
		{"int64", `1,-0,9223372036854775807,-9223372036854775808`, arrow.PrimitiveTypes.Int64},
		{"float", `1.0,-0.0,2.5e3,1e308,-1.7976931348623157e308,5e-324`, arrow.PrimitiveTypes.Float64},
		{"beyond-int64", `1,12345678901234567890`, arrow.BinaryTypes.String},
		{"beyond-int64-negative", `-9223372036854775809,2`, arrow.BinaryTypes.String},
		{"beyond-int64-with-floats", `1.5,18446744073709551616`, arrow.BinaryTypes.String},
		{"beyond-float64", `1e400,1`, arrow.BinaryTypes.String},
		{"beyond-float64-negative", `2.5,-1.8e308`, arrow.BinaryTypes.String},
		{"huge-exponent", `1E+99999,2`, arrow.BinaryTypes.String},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			vals := strings.Split(tc.values, ",")
			var text strings.Builder
			for _, v := range vals {
				fmt.Fprintf(&text, "{\"n\":%s}\n", v)
			}
			rows, schema, err := readAll(t, checked(t), one("n.ndjson", text.String()), Options{})
			require.NoError(t, err)
			require.True(t, arrow.TypeEqual(tc.want, schema.Field(0).Type), "%s", schema.Field(0).Type)
			require.Len(t, rows, len(vals))
			for i, v := range vals {
				exact, _, err := big.ParseFloat(v, 10, 2000, big.ToNearestEven)
				require.NoError(t, err)
				switch got := rows[i]["n"].(type) {
				case int64:
					assert.Zero(t, exact.Cmp(new(big.Float).SetInt64(got)), "%s read as %d", v, got)
				case float64:
					assert.False(t, math.IsInf(got, 0), "%s read as %v", v, got)
					// float64 rounds a decimal to the nearest float64, no further.
					want, _ := exact.Float64()
					assert.Equal(t, want, got, v)
					assert.Equal(t, math.Signbit(want), math.Signbit(got), v)
				case string:
					assert.Equal(t, v, got, "the text is kept as written")
				default:
					t.Fatalf("%s read as %T", v, got)
				}
			}
		})
	}
}

// TestNumberOutOfRangeAfterSample: once the column is typed, a number its
// type cannot hold is an error naming file, line, column and key.
func TestNumberOutOfRangeAfterSample(t *testing.T) {
	cases := []struct {
		name, line string
		schema     []Field
	}{
		{"float64-overflow", `{"k":"x","n":1e400}`, nil},
		{"float64-negative-overflow", `{"k":"x","n":-2e308}`, nil},
		{"float32-overflow", `{"k":"x","n":1e39}`, []Field{{"n", arrow.PrimitiveTypes.Float32}}},
		{"int64-overflow", `{"k":"x","n":12345678901234567890}`, []Field{{"n", arrow.PrimitiveTypes.Int64}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			text := "{\"k\":\"a\",\"n\":1}\n" + tc.line + "\n"
			if tc.schema == nil {
				text = "{\"k\":\"a\",\"n\":1.5}\n" + tc.line + "\n"
			}
			rows, _, err := readAll(t, checked(t), one("big.ndjson", text), Options{SampleRows: 1, Schema: tc.schema})
			de := dataError(t, err)
			assert.ErrorIs(t, err, ErrType)
			assert.Equal(t, "big.ndjson", de.File)
			assert.EqualValues(t, 2, de.Line)
			assert.Equal(t, strings.Index(tc.line, `"n":`)+5, de.Column)
			assert.Equal(t, "n", de.Field)
			assert.Contains(t, err.Error(), "out of range")
			for _, r := range rows {
				f, _ := r["n"].(float64)
				assert.False(t, math.IsInf(f, 0))
			}
		})
	}
}

// TestTimestampsKeepTheirPrecision: a sampled fraction finer than
// microseconds makes the column timestamp[ns]; a later value finer than the
// column holds is an error, not cut; values are compared with time.Parse.
func TestTimestampsKeepTheirPrecision(t *testing.T) {
	us := &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}
	ns := &arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: "UTC"}
	cases := []struct {
		name   string
		values []string
		want   arrow.DataType
	}{
		{"micro", []string{"2024-01-01T00:00:00.123456Z", "2024-01-01T00:00:01Z"}, us},
		{"nano", []string{"2024-01-01T00:00:00.123456789Z", "2024-01-01T00:00:01Z"}, ns},
		{"nano-seven-digits", []string{"2024-01-01T00:00:00.1234567+02:00", "1970-01-01T00:00:00Z"}, ns},
		{"nano-negative", []string{"1969-12-31T23:59:59.999999999Z", "1677-09-21T00:12:43.145224192Z"}, ns},
		{"nano-and-beyond-its-range", []string{"2024-01-01T00:00:00.123456789Z", "9999-12-31T23:59:59Z"}, arrow.BinaryTypes.String},
		{"micro-beyond-nano-range", []string{"9999-12-31T23:59:59.999999Z", "0001-01-01T00:00:00Z"}, us},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var text strings.Builder
			for _, v := range tc.values {
				fmt.Fprintf(&text, "{\"t\":%q}\n", v)
			}
			rows, schema, err := readAll(t, checked(t), one("t.ndjson", text.String()), Options{})
			require.NoError(t, err)
			require.True(t, arrow.TypeEqual(tc.want, schema.Field(0).Type), "%s", schema.Field(0).Type)
			src, err := NewSource(context.Background(), one("t.ndjson", text.String()), Options{Mem: checked(t)})
			require.NoError(t, err)
			defer src.Close()
			rec := decodeAll(t, src)
			defer rec.Release()
			for i, v := range tc.values {
				if tc.want.ID() == arrow.STRING {
					assert.Equal(t, v, rows[i]["t"])
					continue
				}
				want, err := time.Parse(time.RFC3339Nano, v)
				require.NoError(t, err)
				got := rec.Column(0).(interface{ Value(int) arrow.Timestamp }).Value(i)
				unit := tc.want.(*arrow.TimestampType).Unit
				assert.True(t, want.Equal(got.ToTime(unit)), "%s read as %s", v, got.ToTime(unit))
			}
		})
	}
}

// decodeAll decodes a whole source into one batch (the inputs here are
// small: one chunk).
func decodeAll(t *testing.T, src *Source) arrow.RecordBatch {
	t.Helper()
	c, err := src.Next(context.Background())
	require.NoError(t, err)
	rec, err := src.NewDecoder().Decode(context.Background(), c)
	require.NoError(t, err)
	_, err = src.Next(context.Background())
	require.ErrorIs(t, err, io.EOF)
	return rec
}

// TestTimestampFinerThanColumnIsAnError: after the sample, a value with
// more precision than the column's unit, or beyond its range, fails with
// its position instead of being cut or wrapping.
func TestTimestampFinerThanColumnIsAnError(t *testing.T) {
	cases := []struct {
		name, value string
		schema      []Field
	}{
		{"inferred-micro", "2024-01-01T00:00:00.1234567Z", nil},
		{"declared-milli", "2024-01-01T00:00:00.1234Z", []Field{{"t", &arrow.TimestampType{Unit: arrow.Millisecond}}}},
		{"declared-second", "2024-01-01T00:00:00.5Z", []Field{{"t", &arrow.TimestampType{Unit: arrow.Second}}}},
		{"declared-nano-range", "2262-04-12T00:00:00Z", []Field{{"t", &arrow.TimestampType{Unit: arrow.Nanosecond}}}},
		{"declared-nano-range-negative", "1677-09-21T00:12:43.145224191Z", []Field{{"t", &arrow.TimestampType{Unit: arrow.Nanosecond}}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			text := "{\"t\":\"2024-01-01T00:00:00Z\"}\n\n{\"t\":\"" + tc.value + "\"}\n"
			_, _, err := readAll(t, checked(t), one("t.ndjson", text), Options{SampleRows: 1, Schema: tc.schema})
			de := dataError(t, err)
			assert.ErrorIs(t, err, ErrType)
			assert.EqualValues(t, 3, de.Line)
			assert.Equal(t, 6, de.Column)
			assert.Equal(t, "t", de.Field)
		})
	}
	// The same values with trailing zeros only fit.
	text := "{\"t\":\"2024-01-01T00:00:00Z\"}\n{\"t\":\"2024-01-01T00:00:00.123456000Z\"}\n"
	rows, _, err := readAll(t, checked(t), one("t.ndjson", text), Options{SampleRows: 1})
	require.NoError(t, err)
	assert.Equal(t, "2024-01-01T00:00:00.123456Z", rows[1]["t"])
}
