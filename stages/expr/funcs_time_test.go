package expr

import (
	"context"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTimeFunctions checks hand-computed results; the strptime, strftime,
// date_diff, date_add, week, dayofweek, quarter, epoch_ms and timezone
// cases were checked against DuckDB 1.4 (strptime, strftime, date_diff,
// timezone(zone, timestamptz), date + INTERVAL). specBatch's t is
// 2026-03-04T05:06:07.5Z, 1969-12-31T23:59:59Z, null.
func TestTimeFunctions(t *testing.T) {
	ts := func(s string) string { return s } // the expected to_string
	tests := []struct {
		src  string
		want any // the same for every row
	}{
		{"strptime('03/04/2026 10:00', '%m/%d/%Y %H:%M')", ts("2026-03-04T10:00:00Z")},
		{"strptime('3/4/2026 1:02:03.5 PM', '%m/%d/%Y %I:%M:%S.%f %p')", ts("2026-03-04T13:02:03.5Z")},
		{"strptime('2026-01-02 03:04:05 +0100', '%Y-%m-%d %H:%M:%S %z')", ts("2026-01-02T02:04:05Z")},
		{"strptime('Mon, 02 Jan 2006', '%a, %d %b %Y')", ts("2006-01-02T00:00:00Z")},
		{"strptime('  2026-1-2  ', '%Y-%m-%d')", ts("2026-01-02T00:00:00Z")},
		{"strptime('12:30 AM', '%I:%M %p')", ts("1900-01-01T00:30:00Z")},
		{"strptime('2026-01-02 03:04:05.123456789', '%F %T.%n')", ts("2026-01-02T03:04:05.123456789Z")},
		{"strptime('26', '%y')", ts("2026-01-01T00:00:00Z")},
		{"strptime('69', '%y')", ts("1969-01-01T00:00:00Z")},
		{"strptime('2024 366', '%Y %j')", ts("2024-12-31T00:00:00Z")},
		{"strptime('Ünïcödé 2026', 'Ünïcödé %Y')", ts("2026-01-01T00:00:00Z")},
		{"try_strptime('2026-02-30', '%Y-%m-%d')", nil},
		{"try_strptime('2026-01-02 x', '%Y-%m-%d')", nil},
		{"try_strptime('', '%Y')", nil},
		{"try_strptime('1.1234567', '%S.%f')", nil},
		{"strftime(ts'2026-03-04T05:06:07.123456Z', '%Y/%m/%d %H:%M:%S.%f %a %A %b %B %j %y %I %p %%')",
			"2026/03/04 05:06:07.123456 Wed Wednesday Mar March 063 26 05 AM %"},
		{"strftime(date'0099-01-02', '%Y %u %w %V')", "0099 5 5 01"},
		{"strftime(ts'2026-01-02T03:04:05.123456789Z', '%T.%n %Z%z')", "03:04:05.123456789 UTC+0000"},
		// Europe/Paris goes to summer time at 2026-03-29T01:00:00Z (02:00 → 03:00
		// local) and back at 2026-10-25T01:00:00Z (03:00 → 02:00 local).
		{"to_string(to_timezone(ts'2026-03-29T00:30:00Z', 'Europe/Paris'))", "2026-03-29T01:30:00Z"},
		{"to_string(to_timezone(ts'2026-03-29T01:30:00Z', 'Europe/Paris'))", "2026-03-29T03:30:00Z"},
		{"to_string(to_timezone(ts'2026-10-25T00:30:00Z', 'Europe/Paris'))", "2026-10-25T02:30:00Z"},
		{"to_string(to_timezone(ts'2026-10-25T01:30:00Z', 'Europe/Paris'))", "2026-10-25T02:30:00Z"},
		{"to_string(from_timezone(ts'2026-03-29T03:30:00Z', 'Europe/Paris'))", "2026-03-29T01:30:00Z"},
		{"to_string(from_timezone(ts'2026-07-01T12:00:00Z', 'America/New_York'))", "2026-07-01T16:00:00Z"},
		{"to_string(to_timezone(date'2026-07-01', 'Asia/Kolkata'))", "2026-07-01T05:30:00Z"},
		{"to_string(to_timezone(ts'2026-03-29T01:30:00.123456789Z', 'Europe/Paris'))", "2026-03-29T03:30:00.123456789Z"},
		// the local day of 2026-03-29 in Paris is 23 hours long
		{"to_string(date_trunc('day', ts'2026-03-29T22:30:00Z', 'Europe/Paris'))", "2026-03-29T22:00:00Z"},
		{"to_string(date_trunc('day', ts'2026-03-29T12:00:00Z', 'Europe/Paris'))", "2026-03-28T23:00:00Z"},
		{"to_string(date_trunc('month', ts'2026-03-31T22:30:00Z', 'Europe/Paris'))", "2026-03-31T22:00:00Z"},
		{"to_string(date_trunc('hour', ts'2026-01-01T00:40:00Z', 'Asia/Kathmandu'))", "2026-01-01T00:15:00Z"},
		{"date_diff('month', date'2024-01-31', date'2024-02-01')", int64(1)},
		{"date_diff('week', date'2024-01-06', date'2024-01-08')", int64(0)},
		{"date_diff('week', date'2024-01-01', date'2024-01-14')", int64(1)},
		{"date_diff('hour', ts'2024-01-01T10:59:00Z', ts'2024-01-01T11:00:00Z')", int64(1)},
		{"date_diff('day', ts'2024-01-01T23:59:00Z', ts'2024-01-02T00:00:00Z')", int64(1)},
		{"date_diff('year', date'2024-12-31', date'2023-01-01')", int64(-1)},
		{"date_diff('seconds', ts'2024-01-01T00:00:00.9Z', ts'2024-01-01T00:00:01.1Z')", int64(1)},
		{"date_diff('quarter', date'2024-03-31', date'2024-04-01')", int64(1)},
		{"date_diff('millisecond', ts'2024-01-01T00:00:00.0009Z', ts'2024-01-01T00:00:00.0011Z')", int64(1)},
		{"date_diff('nanosecond', ts'2024-01-01T00:00:00Z', ts'2024-01-01T00:00:00.000000001Z')", int64(1)},
		{"date_diff('day', ts'2477-01-01T00:00:00Z', ts'2024-01-01T00:00:00.000000001Z')", int64(-165456)},
		{"to_string(date_add(date'2024-01-31', '1 month'))", "2024-02-29T00:00:00Z"},
		{"to_string(date_add(ts'2024-03-31T10:00:00Z', '-1 month 2 hours'))", "2024-02-29T12:00:00Z"},
		{"to_string(date_add(ts'2024-12-31T23:00:00Z', 90, 'minutes'))", "2025-01-01T00:30:00Z"},
		{"to_string(date_add(ts'2024-01-01T00:00:00.000000001Z', -1, 'nanosecond'))", "2024-01-01T00:00:00Z"},
		{"week(date'2024-12-30')", int64(1)},
		{"week(date'2021-01-01')", int64(53)},
		{"dayofweek(date'2024-01-07')", int64(0)},
		{"dayofweek(ts'1969-12-31T23:59:59Z')", int64(3)},
		{"quarter(date'2024-05-01')", int64(2)},
		{"epoch_ms(ts'1969-12-31T23:59:59.9995Z')", int64(0)},
		{"epoch_ms(date'1970-01-02')", int64(86400000)},
	}
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rec := specBatch(t, mem)
	defer rec.Release()
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			src := tt.src
			if _, ok := tt.want.(string); ok && (src[:8] == "strptime" || src[:12] == "try_strptime") {
				src = "to_string(" + src + ")"
			}
			e, err := Compile(src, rec.Schema())
			require.NoError(t, err)
			got, err := e.Eval(context.Background(), rec, mem)
			require.NoError(t, err)
			defer got.Release()
			for r := 0; r < 3; r++ {
				w := tt.want
				if w == nil {
					assert.Nil(t, refValue(got, r))
					continue
				}
				assert.Equal(t, w, refValue(got, r), "row %d", r)
			}
			checkAgainstReference(t, src, rec, mem)
		})
	}
	for _, tt := range []struct{ src, want string }{
		{"strftime(t, '%c')", "strftime: unknown specifier %c at 1:13"},
		{"strptime(s, '%Y-%')", "strptime: the layout ends in a lone % at 1:13"},
		{"strptime(s, '%u')", "strptime: %u is only for strftime at 1:13"},
		{"strptime(s, s)", "strptime: the layout must be a string literal at 1:13"},
		{"to_timezone(t, 'Europe/Pariss')", "to_timezone: unknown time zone \"Europe/Pariss\" (IANA names, e.g. 'Europe/Paris') at 1:16"},
		{"to_timezone(t, 'local')", "to_timezone: name the zone"},
		{"date_diff('mont', t, d)", "date_diff: unknown unit \"mont\" at 1:11, did you mean \"month\"?"},
		{"date_add(t, '1 fortnight')", "date_add: \"1 fortnight\": unknown unit \"fortnight\""},
		{"date_add(t, 'month')", "date_add: \"month\" is not an interval of the form 'N unit [N unit ...]'"},
		{"date_add(t, 1.5, 'day')", "argument 2 of date_add must be int64, got float64"},
		{"date_trunc('day', t, 'Mars/Olympus')", "unknown time zone \"Mars/Olympus\""},
		{"week(s)", "argument 1 of week must be timestamp or date, got string"},
	} {
		_, err := Compile(tt.src, rec.Schema())
		require.Error(t, err, tt.src)
		assert.Contains(t, err.Error(), tt.want, tt.src)
	}
	// A string that does not match is an error naming the row and the value.
	e, err := Compile("strptime(s, '%Y')", rec.Schema())
	require.NoError(t, err)
	_, err = e.Eval(context.Background(), rec, mem)
	require.ErrorIs(t, err, ErrValue)
	assert.Contains(t, err.Error(), `at row 1 of the batch: strptime: "EU" does not match the layout "%Y"`)
	// ... but not in a row that does not use it.
	e, err = Compile("if(a > 100, strptime(s, '%Y'), null)", rec.Schema())
	require.NoError(t, err)
	got, err := e.Eval(context.Background(), rec, mem)
	require.NoError(t, err)
	got.Release()
}
