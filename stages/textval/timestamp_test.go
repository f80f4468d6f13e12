package textval

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseTimestamp(t *testing.T) {
	tests := []struct {
		in   string
		want string // RFC 3339 in UTC, "" when the input must be rejected
	}{
		{"2026-01-02T03:04:05Z", "2026-01-02T03:04:05Z"},
		{"2026-01-02 03:04:05", "2026-01-02T03:04:05Z"},
		{"2026-01-02T03:04:05", "2026-01-02T03:04:05Z"},
		{"2026-01-02T03:04:05.5Z", "2026-01-02T03:04:05.5Z"},
		{"2026-01-02T03:04:05.123456000Z", "2026-01-02T03:04:05.123456Z"},
		// Digits a microsecond column cannot hold are not cut off.
		{"2026-01-02T03:04:05.123456789Z", ""},
		{"2026-01-02T03:04:05.1234561Z", ""},
		{"2026-01-02T03:04:05+01:00", "2026-01-02T02:04:05Z"},
		{"2026-01-02T03:04:05-0130", "2026-01-02T04:34:05Z"},
		// RFC 3339, section 5.6: 'T' and 'Z' may be lower case.
		{"2026-01-02t03:04:05z", "2026-01-02T03:04:05Z"},
		{"2026-01-02t03:04:05.25+01:00", "2026-01-02T02:04:05.25Z"},
		{"2026-01-02T00:30:00+01:00", "2026-01-01T23:30:00Z"},
		{"2026-01-02T03:04", "2026-01-02T03:04:00Z"},
		{"2026-01-02T03:04Z", "2026-01-02T03:04:00Z"},
		{"2026-01-02", "2026-01-02T00:00:00Z"},
		{"2024-02-29T23:59:59Z", "2024-02-29T23:59:59Z"},
		{"1969-12-31T23:59:59.999999Z", "1969-12-31T23:59:59.999999Z"},
		{"0000-01-01T00:00:00Z", "0000-01-01T00:00:00Z"},
		{"9999-12-31T23:59:59Z", "9999-12-31T23:59:59Z"},
		{"2023-02-29T00:00:00Z", ""},
		{"2026-13-01T00:00:00Z", ""},
		{"2026-00-01T00:00:00Z", ""},
		{"2026-01-00T00:00:00Z", ""},
		{"2026-01-02T24:00:00Z", ""},
		{"2026-01-02T03:60:00Z", ""},
		{"2026-01-02T03:04:60Z", ""},
		{"2026-01-02T03:04:05.Z", ""},
		{"2026-01-02T03:04:05.1234567890Z", ""},
		{"2026-01-02T03:04:05+1:00", ""},
		{"2026-01-02T03:04:05+24:00", ""},
		{"2026-01-02T03:04:05ZZ", ""},
		{"2026-01-02T03:04:05 ", ""},
		{"2026-01-02X03:04:05", ""},
		{"2026-01-02x03:04:05", ""},
		{"2026-01-02T03:04:05y", ""},
		{"2026-1-02", ""},
		{"26-01-02", ""},
		{"2026/01/02", ""},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("in=%q", tt.in), func(t *testing.T) {
			want, accept := expect(t, tt.want)
			got, ok := ParseTimestamp([]byte(tt.in))
			require.Equal(t, accept, ok)
			if ok {
				assert.Equal(t, arrow.Timestamp(want.UnixMicro()), got)
			}
		})
	}
}

// expect reads the want column of a table: an instant in RFC 3339, or ""
// for an input that must be rejected.
func expect(t *testing.T, want string) (time.Time, bool) {
	t.Helper()
	if want == "" {
		return time.Time{}, false
	}
	tm, err := time.Parse(time.RFC3339Nano, want)
	require.NoError(t, err)
	return tm, true
}

// xorshift returns a deterministic source of numbers in [0, n).
func xorshift(seed uint64) func(n int) int {
	r := seed
	return func(n int) int { r ^= r << 13; r ^= r >> 7; r ^= r << 17; return int(r % uint64(n)) }
}

// randomDateTime writes a date-time of any shape ParseTimestamp documents
// (and many it rejects: impossible fields, a zone of 24 hours is never
// made), with years near the edges of the nanosecond range often.
func randomDateTime(next func(int) int) string {
	year := next(10000)
	if next(4) == 0 {
		year = []int{1677, 2262}[next(2)]
	}
	s := fmt.Sprintf("%04d-%02d-%02d%c%02d:%02d", year, next(14), next(33), " Tt"[next(3)], next(26), next(62))
	if next(6) != 0 {
		s += fmt.Sprintf(":%02d", next(62))
		if next(2) == 0 {
			s += "." + fmt.Sprintf("%09d", next(1000000000))[:1+next(9)]
		}
	}
	switch next(5) {
	case 0:
		s += "Zz"[next(2):][:1]
	case 1, 2:
		s += fmt.Sprintf("%c%02d:%02d", "+-"[next(2)], next(24), next(60))
	case 3:
		s += fmt.Sprintf("%c%02d%02d", "+-"[next(2)], next(24), next(60))
	}
	return s
}

func TestParseDate(t *testing.T) {
	tests := []struct {
		in   string
		want int32
		ok   bool
	}{
		{"1970-01-01", 0, true},
		{"1970-01-02", 1, true},
		{"1969-12-31", -1, true},
		{"2000-03-01", 11017, true},
		{"2026-01-02", 20455, true},
		{"2026-02-29", 0, false},
		{"2026-01-02T00:00:00", 0, false},
		{"2026-01-2", 0, false},
		{"abcd-ef-gh", 0, false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("in=%q", tt.in), func(t *testing.T) {
			got, ok := ParseDate([]byte(tt.in))
			assert.Equal(t, tt.ok, ok)
			if tt.ok {
				assert.Equal(t, arrow.Date32(tt.want), got)
				tm := time.Unix(int64(got)*86400, 0).UTC()
				assert.Equal(t, tt.in, tm.Format(time.DateOnly), "agrees with time")
			}
		})
	}
}

// timeReference parses s with the time package under the layouts that
// ParseTimestamp documents, to microseconds (truncated).
func timeReference(s string) (int64, bool) {
	tm, ok := timeReferenceTime(s)
	return tm.UnixMicro(), ok
}

func timeReferenceTime(s string) (time.Time, bool) {
	layouts := []string{
		"2006-01-02T15:04:05Z07:00", "2006-01-02T15:04:05Z0700", "2006-01-02T15:04:05",
		"2006-01-02 15:04:05Z07:00", "2006-01-02 15:04:05Z0700", "2006-01-02 15:04:05",
		"2006-01-02T15:04Z07:00", "2006-01-02T15:04Z0700", "2006-01-02T15:04",
		"2006-01-02 15:04Z07:00", "2006-01-02 15:04Z0700", "2006-01-02 15:04",
		"2006-01-02",
	}
	for _, l := range layouts {
		if tm, err := time.Parse(l, s); err == nil {
			return tm, true
		}
	}
	return time.Time{}, false
}

func FuzzParseTimestamp(f *testing.F) {
	for _, s := range []string{"2026-01-02T03:04:05Z", "2026-01-02 03:04:05.123+01:00", "2024-02-29", "2026-01-02T03:04-0930", "0001-01-01T00:00:00Z", "2026-01-02t03:04:05z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := ParseTimestamp([]byte(s))
		if !ok {
			return
		}
		// Whatever ParseTimestamp accepts, time.Parse reads the same way.
		// (time.Parse is more lenient, e.g. about fraction digits after
		// minutes, so the converse does not hold.)
		want, wok := timeReference(strings.ToUpper(s))
		if !wok || int64(got) != want {
			t.Fatalf("ParseTimestamp(%q) = %d; time.Parse: %d, %v", s, got, want, wok)
		}
	})
}

func TestParseTimestampDifferential(t *testing.T) {
	next := xorshift(12345)
	for range 50000 {
		s := randomDateTime(next)
		// Microseconds: exactly the values time reads without a digit
		// beyond the sixth.
		ref, wok := timeReferenceTime(strings.ToUpper(s))
		got, ok := ParseTimestamp([]byte(s))
		wantOK := wok && ref.Nanosecond()%1000 == 0
		if !assert.Equal(t, wantOK, ok, s) || (ok && !assert.Equal(t, ref.UnixMicro(), int64(got), s)) {
			return
		}
		// Nanoseconds: every value time reads within the int64 range,
		// every digit kept.
		lo, hi := time.Unix(0, math.MinInt64), time.Unix(0, math.MaxInt64)
		gotNs, okNs := ParseTimestampNano([]byte(s))
		wantNsOK := wok && !ref.Before(lo) && !ref.After(hi)
		if !assert.Equal(t, wantNsOK, okNs, s) || (okNs && !assert.Equal(t, ref.UnixNano(), int64(gotNs), s)) {
			return
		}
	}
}

func TestParseTimestampNano(t *testing.T) {
	tests := []struct {
		in   string
		want string // RFC 3339 in UTC, "" when the input must be rejected
	}{
		{"2026-01-02T03:04:05.123456789Z", "2026-01-02T03:04:05.123456789Z"},
		{"2026-01-02 03:04:05.000000001+01:00", "2026-01-02T02:04:05.000000001Z"},
		{"1969-12-31T23:59:59.999999999Z", "1969-12-31T23:59:59.999999999Z"},
		{"2026-01-02", "2026-01-02T00:00:00Z"},
		{"1677-09-21T00:12:44Z", "1677-09-21T00:12:44Z"},
		{"2262-04-11T23:47:15.999999999Z", "2262-04-11T23:47:15.999999999Z"},
		// Every instant that int64 nanoseconds hold, to the last one.
		{"2262-04-11T23:47:16Z", "2262-04-11T23:47:16Z"},
		{"2262-04-11T23:47:16.854775807Z", "2262-04-11T23:47:16.854775807Z"},
		{"2262-04-12T00:47:16.854775807+01:00", "2262-04-11T23:47:16.854775807Z"},
		{"1677-09-21T00:12:43.145224192Z", "1677-09-21T00:12:43.145224192Z"},
		{"2262-04-11T23:47:16.854775808Z", ""},
		{"1677-09-21T00:12:43.145224191Z", ""},
		{"1677-09-20T23:12:43.145224192-01:00", "1677-09-21T00:12:43.145224192Z"},
		{"1677-09-20T23:12:43.145224191-01:00", ""},
		{"1677-09-21T00:12:43Z", ""},
		{"0001-01-01T00:00:00Z", ""},
		{"2026-01-02T03:04:05.1234567890Z", ""},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("in=%q", tt.in), func(t *testing.T) {
			want, accept := expect(t, tt.want)
			got, ok := ParseTimestampNano([]byte(tt.in))
			var c DateCache
			gotC, okC := c.ParseTimestampNano([]byte(tt.in))
			assert.Equal(t, ok, okC, "cache")
			assert.Equal(t, got, gotC, "cache")
			require.Equal(t, accept, ok)
			if ok {
				assert.Equal(t, arrow.Timestamp(want.UnixNano()), got)
			}
		})
	}
}

func TestDateCacheMatches(t *testing.T) {
	next := xorshift(777)
	var c DateCache
	dates := []string{"2026-01-02", "2026-01-03", "2024-02-29", "2023-02-29", "2026-13-01", "x026-01-02"}
	for i := 0; i < 20000; i++ {
		d := dates[next(len(dates))]
		var s string
		switch next(4) {
		case 0:
			s = d
		case 1:
			s = d[:next(11)]
		default:
			s = fmt.Sprintf("%s%c%02d:%02d:%02d", d, " T"[next(2)], next(25), next(61), next(61))
		}
		gotT, okT := c.ParseTimestamp([]byte(s))
		wantT, wokT := ParseTimestamp([]byte(s))
		gotD, okD := c.ParseDate([]byte(s))
		wantD, wokD := ParseDate([]byte(s))
		if !assert.Equal(t, wokT, okT, s) || !assert.Equal(t, wantT, gotT, s) ||
			!assert.Equal(t, wokD, okD, s) || !assert.Equal(t, wantD, gotD, s) {
			return
		}
	}
}

func TestDuckDBZoneAndZoned(t *testing.T) {
	for _, tt := range []struct {
		in    string
		want  string
		zoned bool
	}{
		{"2026-01-02 03:04:05+00", "2026-01-02T03:04:05Z", true},
		{"2026-01-02 03:04:05.5-05", "2026-01-02T08:04:05.5Z", true},
		{"2026-01-02T03:04:05+01:00", "2026-01-02T02:04:05Z", true},
		{"2026-01-02T03:04:05Z", "2026-01-02T03:04:05Z", true},
		{"2026-01-02 03:04:05", "2026-01-02T03:04:05Z", false},
		{"2026-01-02T03:04", "2026-01-02T03:04:00Z", false},
	} {
		ts, ok := ParseTimestamp([]byte(tt.in))
		require.True(t, ok, tt.in)
		assert.Equal(t, tt.want, ts.ToTime(arrow.Microsecond).UTC().Format(time.RFC3339Nano), tt.in)
		assert.Equal(t, tt.zoned, Zoned([]byte(tt.in)), tt.in)
		sec, nsec, zoned, ok := ParseDateTime([]byte(tt.in))
		require.True(t, ok, tt.in)
		assert.Equal(t, int64(ts), sec*1e6+nsec/1e3, tt.in)
		assert.Equal(t, tt.zoned, zoned, tt.in)
	}
	for _, bad := range []string{"2026-01-02 03:04:05+0", "2026-01-02 03:04:05+000", "2026-01-02 03:04:05+24"} {
		_, ok := ParseTimestamp([]byte(bad))
		assert.False(t, ok, bad)
	}
	_, _, _, ok := ParseDateTime([]byte("2026-01-02"))
	assert.False(t, ok, "a date alone is not a date-time")
}
