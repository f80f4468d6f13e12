package expr

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/stages/internal/civil"
)

// parseRef is strptime's parser written plainly, one byte at a time, with
// no month cache, word reads or shared steps: the reference the fast
// parser (timeLayout.parse) must agree with on every input.
func parseRef(l *timeLayout, s []byte) (sec, nsec int64, ok bool) {
	y, mon, day, yday := int64(1900), 1, 1, 0
	hour, min, secs, frac := 0, 0, 0, int64(0)
	pm, twelve := -1, false
	offset := int64(0)
	p := skipSpace(s, 0)
	for _, it := range l.items {
		var v int64
		good := true
		switch it.code {
		case 'Y':
			neg := p < len(s) && s[p] == '-'
			if neg {
				p++
			}
			v, p, good = refDigits(s, p, 4)
			if neg {
				v = -v
			}
			y = v
		case 'y':
			v, p, good = refDigits(s, p, 2)
			y = 2000 + v
			if v >= 69 {
				y = 1900 + v
			}
		case 'm':
			v, p, good = refDigits(s, p, 2)
			mon = int(v)
		case 'd':
			v, p, good = refDigits(s, p, 2)
			day = int(v)
		case 'j':
			v, p, good = refDigits(s, p, 3)
			yday = int(v)
			good = good && v >= 1 && v <= 366
		case 'H':
			v, p, good = refDigits(s, p, 2)
			hour = int(v)
			good = good && v < 24
		case 'I':
			v, p, good = refDigits(s, p, 2)
			hour, twelve = int(v), true
			good = good && v >= 1 && v <= 12
		case 'M':
			v, p, good = refDigits(s, p, 2)
			min = int(v)
			good = good && v < 60
		case 'S':
			v, p, good = refDigits(s, p, 2)
			secs = int(v)
			good = good && v < 60
		case 'f', 'n':
			digits := 6
			if it.code == 'n' {
				digits = 9
			}
			start := p
			v, p, good = refDigits(s, p, digits)
			for k := p - start; k < 9; k++ {
				v *= 10
			}
			frac = v
		case 'p':
			good = false
			if p+2 <= len(s) && s[p+1]|0x20 == 'm' {
				switch s[p] | 0x20 {
				case 'a':
					pm, good = 0, true
				case 'p':
					pm, good = 1, true
				}
				p += 2
			}
		case 'b', 'B', 'h':
			var m int
			m, good = matchName(s, &p, monthNames[:])
			mon = m + 1
		case 'a', 'A':
			_, good = matchName(s, &p, dayNames[:])
		case 'z':
			offset, good = parseOffset(s, &p)
		}
		if !good {
			return 0, 0, false
		}
		for i := 0; i < len(it.lit); i++ {
			c := it.lit[i]
			if c == ' ' || c == '\t' || c == '\n' {
				p = skipSpace(s, p)
				continue
			}
			if p >= len(s) || s[p] != c {
				return 0, 0, false
			}
			p++
		}
	}
	if skipSpace(s, p) != len(s) {
		return 0, 0, false
	}
	if twelve {
		hour %= 12
		if pm == 1 {
			hour += 12
		}
	} else if pm == 1 && hour < 12 {
		hour += 12
	}
	var days int64
	if yday > 0 {
		leap := civil.DaysIn(y, 2) == 29
		if yday == 366 && !leap {
			return 0, 0, false
		}
		days = civil.Days(y, 1, 1) + int64(yday) - 1
	} else {
		if mon < 1 || mon > 12 || day < 1 || day > civil.DaysIn(y, mon) {
			return 0, 0, false
		}
		days = civil.Days(y, mon, 1) + int64(day) - 1
	}
	sec = days*86400 + int64(hour)*3600 + int64(min)*60 + int64(secs) - offset
	return sec, frac, true
}

// refDigits reads 1 to maxDigits decimal digits at p, one at a time.
func refDigits(s []byte, p, maxDigits int) (v int64, next int, ok bool) {
	end := min(p+maxDigits, len(s))
	start := p
	for p < end && s[p] >= '0' && s[p] <= '9' {
		v = v*10 + int64(s[p]-'0')
		p++
	}
	return v, p, p > start
}

// strptimeLayouts are the layouts the differential tests parse with.
var strptimeLayouts = []string{
	"%Y-%m-%d %H:%M:%S", "%m/%d/%Y %I:%M %p", "%m/%d/%Y %I:%M:%S.%f %p", "%d.%m.%y",
	"%Y-%m-%dT%H:%M:%S.%nZ", "%F %T %z", "%a, %d %b %Y", "%B %d, %Y %I%p", "%Y %j",
	"%I:%M:%S %p", "%H%M%S", "%Y%m%d", "%S.%f", "%Y-%m-%d  %H", "%p %I",
}

// randomTimeText makes text near what layout parses: a valid instant
// printed by it, then sometimes bytes changed, dropped or added.
func randomTimeText(rng *rand.Rand, l *timeLayout) string {
	days := rng.Int64N(200*365) - 100*365
	ofDay := rng.Int64N(86400) * 1_000_000_000
	if rng.IntN(2) == 0 {
		ofDay += rng.Int64N(1_000_000_000)
	}
	b := l.appendFormat(nil, days, ofDay)
	if rng.IntN(3) == 0 { // drop leading zeros: 03/04 → 3/4
		b = []byte(strings.ReplaceAll(string(b), "/0", "/"))
		b = []byte(strings.TrimPrefix(string(b), "0"))
	}
	const junk = "0123456789 -/:.APMapm+Z\t9x\xff"
	for k := rng.IntN(4); k > 0 && len(b) > 0; k-- {
		i := rng.IntN(len(b))
		switch rng.IntN(3) {
		case 0:
			b[i] = junk[rng.IntN(len(junk))]
		case 1:
			b = append(b[:i], b[i+1:]...)
		default:
			b = append(b[:i], append([]byte{junk[rng.IntN(len(junk))]}, b[i:]...)...)
		}
	}
	if rng.IntN(8) == 0 {
		b = append([]byte("  "), b...)
	}
	return string(b)
}

// TestStrptimeMatchesReference compares the parser with parseRef on text
// near each layout, valid and broken, reusing one month cache as a
// column does.
func TestStrptimeMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(20, 5))
	for _, src := range strptimeLayouts {
		l, err := compileLayout(src, true)
		require.NoError(t, err, src)
		var cache monthCache
		for range 3000 {
			s := randomTimeText(rng, l)
			checkStrptime(t, l, &cache, s)
		}
	}
}

func checkStrptime(t *testing.T, l *timeLayout, cache *monthCache, s string) {
	t.Helper()
	sec, nsec, ok := l.parse([]byte(s), cache)
	wsec, wnsec, wok := parseRef(l, []byte(s))
	if !assert.Equal(t, fmt.Sprint(wsec, wnsec, wok), fmt.Sprint(sec, nsec, ok), "%q by %q", s, l.src) {
		t.FailNow()
	}
}

// TestReadDigits checks the digit reader (with its 4- and 6-digit steps)
// against the byte loop at every length, with every byte after the
// digits.
func TestReadDigits(t *testing.T) {
	for _, tail := range []string{"", "x", "/", ":", "\xff", "\xfa9", " 12345678", "123456789012"} {
		for n := 0; n <= 10; n++ {
			s := []byte(strings.Repeat("7", 0) + "9081726354"[:n] + tail + "        ")
			for maxDigits := 1; maxDigits <= 9; maxDigits++ {
				v, p, ok := readDigits(s, 0, maxDigits)
				wv, wp, wok := refDigits(s, 0, maxDigits)
				assert.Equal(t, fmt.Sprint(wv, wp, wok), fmt.Sprint(v, p, ok), "%q max %d", s, maxDigits)
			}
		}
	}
	for b := 0; b < 256; b++ { // every byte after a digit and before one
		for _, s := range [][]byte{{'5', byte(b), '1', '2', '3', '4', '5', '6', '7'}, {byte(b), '1', '2', '3', '4', '5', '6', '7', '8'}} {
			v, p, ok := readDigits(s, 0, 8)
			wv, wp, wok := refDigits(s, 0, 8)
			assert.Equal(t, fmt.Sprint(wv, wp, wok), fmt.Sprint(v, p, ok), "%q", s)
		}
	}
}

// FuzzStrptime compares the parser with parseRef on any text, by the
// layouts above.
func FuzzStrptime(f *testing.F) {
	for _, s := range []string{"3/4/2026 1:02 PM", "2026-01-02 03:04:05", "12:00:00 AM", "1999 366", "  7.1.69 "} {
		f.Add(s)
	}
	layouts := make([]*timeLayout, len(strptimeLayouts))
	for k, src := range strptimeLayouts {
		l, err := compileLayout(src, true)
		require.NoError(f, err)
		layouts[k] = l
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, l := range layouts {
			var cache monthCache
			checkStrptime(t, l, &cache, s)
		}
	})
}
