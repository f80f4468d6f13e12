package jsonin

import (
	"fmt"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/stages/textval"
)

// TestDateTimeForms: a key becomes a timestamp column when every sampled
// string is a date-time or a date, and one is a date-time (a date column
// when all are dates), read as csvin reads a field: 'T', 't' or a space
// between date and time, seconds optional, a zone ('Z', ±hh:mm, ±hhmm or
// DuckDB's ±hh) or none. The column is timestamp[us, UTC] when a sampled
// value names its zone and a zone-less timestamp[us] when none does.
// Anything else, a leap second included, keeps its text.
func TestDateTimeForms(t *testing.T) {
	us := &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}
	local := &arrow.TimestampType{Unit: arrow.Microsecond}
	cases := []struct {
		name   string
		values []string
		want   arrow.DataType
		text   []string // the values read, as GetOneForMarshal writes them
	}{
		{"upper-case", []string{"2024-01-02T03:04:05Z", "2024-01-02T03:04:05.5+01:00"}, us, []string{"2024-01-02T03:04:05Z", "2024-01-02T02:04:05.5Z"}},
		{"lower-case", []string{"2024-01-02t03:04:05z", "2024-01-02t03:04:05.25-01:30"}, us, []string{"2024-01-02T03:04:05Z", "2024-01-02T04:34:05.25Z"}},
		{"space", []string{"2024-01-02 03:04:05Z", "2024-01-02 03:04:05+05:30"}, us, []string{"2024-01-02T03:04:05Z", "2024-01-01T21:34:05Z"}},
		{"duckdb", []string{"2024-01-02 03:04:05+00", "2024-01-02 03:04:05-02"}, us, []string{"2024-01-02T03:04:05Z", "2024-01-02T05:04:05Z"}},
		{"leap-second", []string{"2016-12-31T23:59:60Z", "2017-01-01T00:00:00Z"}, arrow.BinaryTypes.String, nil},
		{"then-date-alone", []string{"2024-01-02T03:04:05Z", "2024-01-02"}, us, []string{"2024-01-02T03:04:05Z", "2024-01-02T00:00:00Z"}},
		{"dates", []string{"2024-01-02", "1999-12-31"}, arrow.FixedWidthTypes.Date32, []string{"2024-01-02", "1999-12-31"}},
		{"no-zone", []string{"2024-01-02T03:04:05", "2024-01-02 03:04:05.5"}, local, []string{"2024-01-02T03:04:05", "2024-01-02T03:04:05.5"}},
		{"zone-then-none", []string{"2024-01-02T03:04:05Z", "2024-01-02T03:04:05"}, us, []string{"2024-01-02T03:04:05Z", "2024-01-02T03:04:05Z"}},
		{"no-seconds", []string{"2024-01-02T03:04Z", "2024-01-02T03:04:05Z"}, us, []string{"2024-01-02T03:04:00Z", "2024-01-02T03:04:05Z"}},
		{"zone-without-colon", []string{"2024-01-02T03:04:05+0100", "2024-01-02T03:04:05Z"}, us, []string{"2024-01-02T02:04:05Z", "2024-01-02T03:04:05Z"}},
		{"not-a-date", []string{"2024-01-02x", "2024-01-02"}, arrow.BinaryTypes.String, nil},
	}
	for _, tc := range cases {
		// The whole input sampled, or the first line only (each case
		// starts with the value that decides the type).
		for _, sample := range []int{0, 1} {
			t.Run(fmt.Sprintf("%s/sample=%d", tc.name, sample), func(t *testing.T) {
				var text strings.Builder
				for _, v := range tc.values {
					fmt.Fprintf(&text, "{\"t\":%q}\n", v)
				}
				rows, schema, err := readAll(t, checked(t), one("t.ndjson", text.String()), Options{SampleRows: sample, BatchRows: 1})
				require.NoError(t, err)
				require.True(t, arrow.TypeEqual(tc.want, schema.Field(0).Type), "%s", schema.Field(0).Type)
				require.Len(t, rows, len(tc.values))
				for i, v := range tc.values {
					if tc.want.ID() == arrow.STRING {
						assert.Equal(t, v, rows[i]["t"], "the text is kept as written")
						continue
					}
					assert.Equal(t, tc.text[i], rows[i]["t"], v)
				}
			})
		}
	}
}

// TestLeapSecondIsAnError: in a timestamp column, 23:59:60 is a data error
// with its position, not moved to the next minute.
func TestLeapSecondIsAnError(t *testing.T) {
	for _, schema := range [][]Field{nil, {{"t", &arrow.TimestampType{Unit: arrow.Second}}}} {
		t.Run(fmt.Sprintf("declared=%v", schema != nil), func(t *testing.T) {
			text := "{\"t\":\"2016-12-31T23:59:59Z\"}\n{\"t\":\"2016-12-31T23:59:60Z\"}\n"
			_, _, err := readAll(t, checked(t), one("t.ndjson", text), Options{SampleRows: 1, Schema: schema})
			de := dataError(t, err)
			assert.ErrorIs(t, err, ErrType)
			assert.EqualValues(t, 2, de.Line)
			assert.Equal(t, 6, de.Column)
			assert.Equal(t, "t", de.Field)
		})
	}
}

// TestTimestampLayout reads date-time strings in a user's layout, beside
// the ISO forms, zone-less unless the layout reads a zone.
func TestTimestampLayout(t *testing.T) {
	local, err := textval.ParseLayout("%d/%m/%Y %H:%M")
	require.NoError(t, err)
	text := "{\"t\":\"02/01/2026 03:04\"}\n{\"t\":\"2026-01-02T05:06:07\"}\n{\"t\":\"31/12/1999 23:59\"}\n"
	for _, sample := range []int{0, 1} {
		rows, schema, err := readAll(t, checked(t), one("t.ndjson", text), Options{SampleRows: sample, BatchRows: 1, TimestampLayout: local})
		require.NoError(t, err)
		assert.Equal(t, "timestamp[us]", schema.Field(0).Type.String())
		assert.Equal(t, []map[string]any{{"t": "2026-01-02T03:04:00"}, {"t": "2026-01-02T05:06:07"}, {"t": "1999-12-31T23:59:00"}}, rows)
	}
	zoned, err := textval.ParseLayout("%Y%m%d %H%M%S %z")
	require.NoError(t, err)
	rows, schema, err := readAll(t, checked(t), one("t.ndjson", "{\"t\":\"20260102 030405 +0100\"}\n"), Options{TimestampLayout: zoned})
	require.NoError(t, err)
	assert.Equal(t, "timestamp[us, tz=UTC]", schema.Field(0).Type.String())
	assert.Equal(t, []map[string]any{{"t": "2026-01-02T02:04:05Z"}}, rows)
}
