package textval

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLayoutMatchesTimeParse formats random instants with Go's layouts and
// reads them back with the strftime equivalents: the same instant.
func TestLayoutMatchesTimeParse(t *testing.T) {
	layouts := []struct{ strf, goLayout string }{
		{"%d/%m/%Y %H:%M", "02/01/2006 15:04"},
		{"%Y-%m-%dT%H:%M:%S.%f%z", "2006-01-02T15:04:05.000000-0700"},
		{"%F %T", "2006-01-02 15:04:05"},
		{"%b %e %Y %I:%M:%S %p", "Jan _2 2006 03:04:05 PM"},
		{"%d %B %y, %H.%M.%S %Z", "02 January 06, 15.04.05 MST"},
		{"%Y%m%d%H%M%S", "20060102150405"},
		{"%m/%d/%Y %H:%M:%S%z", "01/02/2006 15:04:05-07:00"},
	}
	r := rand.New(rand.NewPCG(1, 2))
	for _, lt := range layouts {
		l, err := ParseLayout(lt.strf)
		require.NoError(t, err, lt.strf)
		for range 300 {
			sec := r.Int64N(4_000_000_000) - 500_000_000
			zone := time.UTC
			if strings.Contains(lt.strf, "%z") {
				zone = time.FixedZone("", (r.IntN(49)-24)*1800)
			}
			tm := time.Unix(sec, int64(r.IntN(1_000_000))*1000).In(zone)
			text := tm.Format(lt.goLayout)
			want, err := time.Parse(lt.goLayout, text)
			require.NoError(t, err, text)
			s, ns, ok := l.Parse([]byte(text))
			require.True(t, ok, "%s: %q", lt.strf, text)
			assert.Equal(t, want.Unix(), s, "%s: %q", lt.strf, text)
			assert.Equal(t, int64(want.Nanosecond()), ns, "%s: %q", lt.strf, text)
		}
	}
}

func TestLayoutRefuses(t *testing.T) {
	l, err := ParseLayout("%d/%m/%Y %H:%M")
	require.NoError(t, err)
	assert.False(t, l.Zoned())
	for _, bad := range []string{"", "31/02/2026 10:00", "01/13/2026 10:00", "01/01/2026 24:00", "01/01/2026 10:00 ", "1/1/26 10:00", "01/01/2026T10:00"} {
		_, _, ok := l.Parse([]byte(bad))
		assert.False(t, ok, bad)
	}
	s, _, ok := l.Parse([]byte("2/1/2026 3:04"))
	assert.True(t, ok, "one-digit fields")
	assert.Equal(t, time.Date(2026, 1, 2, 3, 4, 0, 0, time.UTC).Unix(), s)
	for _, bad := range []string{"%H:%M", "%Y-%m", "%Y %q", "%Y-%m-%d %I", "%Y-%m-%d %"} {
		_, err := ParseLayout(bad)
		assert.ErrorIs(t, err, ErrLayout, bad)
	}
	j, err := ParseLayout("%Y.%j")
	require.NoError(t, err)
	s, _, ok = j.Parse([]byte("2024.366"))
	require.True(t, ok)
	assert.Equal(t, time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC).Unix(), s)
	_, _, ok = j.Parse([]byte("2025.366"))
	assert.False(t, ok)
}

func FuzzLayout(f *testing.F) {
	f.Add("%d/%m/%Y %H:%M", "02/01/2026 03:04")
	f.Add("%b %e %Y %I:%M %p%z", "Jan  2 2026 03:04 PM+05:30")
	f.Fuzz(func(t *testing.T, layout, text string) {
		l, err := ParseLayout(layout)
		if err != nil {
			return
		}
		if s, ns, ok := l.Parse([]byte(text)); ok && (ns < 0 || ns > 999_999_999 || s < -62_200_000_000 || s > 253_500_000_000) {
			t.Fatalf("%q with %q: %d %d", text, layout, s, ns)
		}
	})
}
