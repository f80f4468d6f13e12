package textval

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseRFC3339(t *testing.T) {
	tests := []struct {
		in   string
		want string // RFC 3339 in UTC, "" when the input must be rejected
	}{
		{"2026-01-02T03:04:05Z", "2026-01-02T03:04:05Z"},
		{"2026-01-02t03:04:05z", "2026-01-02T03:04:05Z"},
		{"2026-01-02 03:04:05Z", "2026-01-02T03:04:05Z"},
		{"2026-01-02T03:04:05.123456789+05:30", "2026-01-01T21:34:05.123456789Z"},
		{"2026-01-02T00:30:00-01:00", "2026-01-02T01:30:00Z"},
		{"0000-01-01T00:00:00Z", "0000-01-01T00:00:00Z"},
		{"9999-12-31T23:59:59.999999999Z", "9999-12-31T23:59:59.999999999Z"},
		// What ParseTimestamp reads but RFC 3339 date-times are not: no
		// zone, no seconds, a date alone, a zone without its colon.
		{"2026-01-02T03:04:05", ""},
		{"2026-01-02T03:04:05.123456", ""},
		{"2026-01-02T03:04Z", ""},
		{"2026-01-02T03:04+01:00", ""},
		{"2026-01-02", ""},
		{"2026-01-02T03:04:05+0100", ""},
		{"2026-01-02T03:04:05.12+0100", ""},
		// No leap second: 23:59:60 is no instant of a Unix timestamp.
		{"2016-12-31T23:59:60Z", ""},
		{"2026-01-02T03:04:05.Z", ""},
		{"2026-01-02T03:04:05.1234567890Z", ""},
		{"2026-01-02T03:04:05+24:00", ""},
		{"2026-02-29T03:04:05Z", ""},
		{"2026-01-02T03:04:05ZZ", ""},
		{"2026-01-02X03:04:05Z", ""},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("in=%q", tt.in), func(t *testing.T) {
			sec, nsec, ok := ParseRFC3339([]byte(tt.in))
			if tt.want == "" {
				assert.False(t, ok)
				return
			}
			want, err := time.Parse(time.RFC3339Nano, tt.want)
			require.NoError(t, err)
			require.True(t, ok)
			assert.Equal(t, want.Unix(), sec)
			assert.Equal(t, int64(want.Nanosecond()), nsec)
		})
	}
}

// rfc3339Reference reads s with time.Parse's RFC 3339 layout, which wants
// an upper-case 'T' and 'Z' where RFC 3339 also allows the lower case and
// the space.
func rfc3339Reference(s string) (time.Time, bool) {
	if len(s) > 10 && s[10] == ' ' {
		s = s[:10] + "T" + s[11:]
	}
	tm, err := time.Parse(time.RFC3339Nano, strings.ToUpper(s))
	return tm, err == nil
}

// TestParseRFC3339Differential: on date-times of every shape ParseTimestamp
// reads and some it does not, ParseRFC3339 accepts exactly what time.Parse
// reads as RFC 3339, at the same instant, and ParseTimestamp reads the
// same instant wherever microseconds hold it.
func TestParseRFC3339Differential(t *testing.T) {
	r := uint64(4242)
	next := func(n int) int { r ^= r << 13; r ^= r >> 7; r ^= r << 17; return int(r % uint64(n)) }
	for i := 0; i < 50000; i++ {
		s := fmt.Sprintf("%04d-%02d-%02d%c%02d:%02d", next(10000), next(14), next(33), " Tt"[next(3)], next(26), next(62))
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
		ref, wok := rfc3339Reference(s)
		sec, nsec, ok := ParseRFC3339([]byte(s))
		if !assert.Equal(t, wok, ok, s) {
			return
		}
		if ok {
			if !assert.Equal(t, ref.Unix(), sec, s) || !assert.Equal(t, int64(ref.Nanosecond()), nsec, s) {
				return
			}
			if nsec%1000 == 0 {
				us, lenient := ParseTimestamp([]byte(s))
				if !assert.True(t, lenient, s) || !assert.Equal(t, sec*1e6+nsec/1000, int64(us), s) {
					return
				}
			}
		}
	}
}

func FuzzParseRFC3339(f *testing.F) {
	for _, s := range []string{"2026-01-02T03:04:05Z", "2026-01-02 03:04:05.123+01:00", "2016-12-31T23:59:60Z", "2026-01-02t03:04:05.123456789z", "2026-01-02T03:04:05+0100"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sec, nsec, ok := ParseRFC3339([]byte(s))
		if !ok {
			return
		}
		// Whatever ParseRFC3339 accepts, time.Parse reads as the same
		// instant. (time.Parse is more lenient, e.g. about one-digit hours
		// or a comma before the fraction, so the converse does not hold.)
		ref, wok := rfc3339Reference(s)
		if !wok || sec != ref.Unix() || nsec != int64(ref.Nanosecond()) {
			t.Fatalf("ParseRFC3339(%q) = %d, %d, %v; time.Parse: %v, %v", s, sec, nsec, ok, ref, wok)
		}
	})
}
