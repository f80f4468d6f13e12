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
			want, accept := expect(t, tt.want)
			sec, nsec, ok := ParseRFC3339([]byte(tt.in))
			require.Equal(t, accept, ok)
			if ok {
				assert.Equal(t, want.Unix(), sec)
				assert.Equal(t, int64(want.Nanosecond()), nsec)
			}
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
	next := xorshift(4242)
	for range 50000 {
		s := randomDateTime(next)
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
