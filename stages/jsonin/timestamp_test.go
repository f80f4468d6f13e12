package jsonin

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDateTimeForms: a key becomes a timestamp column only when every
// sampled string is an RFC 3339 date-time (seconds and a zone required;
// 'T', 't' or a space between date and time; 'Z', 'z' or ±hh:mm), read at
// the instant time.Parse reads; anything else, a leap second included,
// keeps its text.
func TestDateTimeForms(t *testing.T) {
	us := &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}
	cases := []struct {
		name   string
		values []string
		want   arrow.DataType
	}{
		{"upper-case", []string{"2024-01-02T03:04:05Z", "2024-01-02T03:04:05.5+01:00"}, us},
		{"lower-case", []string{"2024-01-02t03:04:05z", "2024-01-02t03:04:05.25-01:30"}, us},
		{"space", []string{"2024-01-02 03:04:05Z", "2024-01-02 03:04:05+05:30"}, us},
		{"leap-second", []string{"2016-12-31T23:59:60Z", "2017-01-01T00:00:00Z"}, arrow.BinaryTypes.String},
		{"date-alone", []string{"2024-01-02", "2024-01-02T03:04:05Z"}, arrow.BinaryTypes.String},
		{"no-zone", []string{"2024-01-02T03:04:05", "2024-01-02T03:04:05Z"}, arrow.BinaryTypes.String},
		{"no-seconds", []string{"2024-01-02T03:04Z", "2024-01-02T03:04:05Z"}, arrow.BinaryTypes.String},
		{"zone-without-colon", []string{"2024-01-02T03:04:05+0100", "2024-01-02T03:04:05Z"}, arrow.BinaryTypes.String},
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
					want, err := time.Parse(time.RFC3339Nano, strings.ToUpper(strings.Replace(v, " ", "T", 1)))
					require.NoError(t, err)
					assert.Equal(t, want.UTC().Format(time.RFC3339Nano), rows[i]["t"], v)
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
