package civil

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The time package is the reference: it counts the same proleptic
// Gregorian calendar from the same epoch.
func timeDate(days int64) (int64, int, int) {
	y, m, d := time.Unix(days*86400, 0).UTC().Date()
	return int64(y), int(m), d
}

func TestDateMatchesTime(t *testing.T) {
	// Plain comparisons: this runs millions of times.
	check := func(days int64) {
		y, m, d := Date(days)
		wy, wm, wd := timeDate(days)
		if y != wy || m != wm || d != wd {
			t.Fatalf("Date(%d) = %d-%d-%d, time: %d-%d-%d", days, y, m, d, wy, wm, wd)
		}
		if back := Days(y, m, d); back != days {
			t.Fatalf("Days(Date(%d)) = %d", days, back)
		}
	}
	// Every day from year -1 to 10001, the years the parsers read and the
	// writers print with four digits.
	for days := Days(-1, 1, 1); days <= Days(10001, 12, 31); days++ {
		check(days)
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 200_000 {
		check(r.Int64N(2e13) - 1e13) // years about ±2.7e10
	}
	for _, days := range []int64{math.MinInt32, math.MaxInt32, -719468, -719469, -719467, 0, -1, 146097, -146097} {
		check(days)
	}
}

func TestDaysMatchesTime(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for range 200_000 {
		y := r.Int64N(2e6) - 1e6
		m := 1 + r.IntN(12)
		d := 1 + r.IntN(DaysIn(y, m))
		want := time.Date(int(y), time.Month(m), d, 0, 0, 0, 0, time.UTC).Unix() / 86400
		require.Equal(t, want, Days(y, m, d), "%d-%d-%d", y, m, d)
	}
}

// TestFarYears: at the edges of the documented range, where the time
// package does not reach, consecutive dates are consecutive days and Date
// inverts Days.
func TestFarYears(t *testing.T) {
	for _, y := range []int64{-1e15, -1e15 + 1, -4e14 - 1, 4e14, 1e15 - 1, 1e15} {
		prev := Days(y, 1, 1) - 1
		for m := 1; m <= 12; m++ {
			for d := 1; d <= DaysIn(y, m); d++ {
				days := Days(y, m, d)
				require.Equal(t, prev+1, days, "%d-%d-%d", y, m, d)
				gy, gm, gd := Date(days)
				require.Equal(t, [3]int64{y, int64(m), int64(d)}, [3]int64{gy, int64(gm), int64(gd)})
				prev = days
			}
		}
	}
}

func TestDaysIn(t *testing.T) {
	for y := int64(-800); y <= 2800; y++ {
		for m := 1; m <= 12; m++ {
			// The day before the first of the next month.
			want := time.Date(int(y), time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
			require.Equal(t, want, DaysIn(y, m), "%d-%d", y, m)
		}
	}
	assert.Equal(t, 29, DaysIn(2000, 2))
	assert.Equal(t, 28, DaysIn(1900, 2))
	assert.Equal(t, 29, DaysIn(0, 2))
	assert.Equal(t, 29, DaysIn(-4, 2))
}

// TestUnixNanoMatchesBigArithmetic checks the overflow edges against
// math/big.
func TestUnixNanoMatchesBigArithmetic(t *testing.T) {
	lo, hi := big.NewInt(math.MinInt64), big.NewInt(math.MaxInt64)
	for _, sec := range []int64{0, 1, -1, 9223372035, 9223372036, 9223372037, -9223372036, -9223372037, -9223372038, math.MaxInt64, math.MinInt64} {
		for _, nsec := range []int64{0, 1, 145224191, 145224192, 854775807, 854775808, 999999999} {
			exact := new(big.Int).Mul(big.NewInt(sec), big.NewInt(1e9))
			exact.Add(exact, big.NewInt(nsec))
			fits := exact.Cmp(lo) >= 0 && exact.Cmp(hi) <= 0
			got, ok := UnixNano(sec, nsec)
			require.Equal(t, fits, ok, "sec=%d nsec=%d", sec, nsec)
			if fits {
				assert.Equal(t, exact.Int64(), got, "sec=%d nsec=%d", sec, nsec)
			}
		}
	}
}

func BenchmarkDays(b *testing.B) {
	b.ReportAllocs()
	var sink int64
	for i := 0; b.Loop(); i++ {
		sink += Days(2026, 1+i%12, 1+i%28)
	}
	_ = sink
}

func BenchmarkDate(b *testing.B) {
	b.ReportAllocs()
	var sink int64
	for i := int64(0); b.Loop(); i++ {
		y, m, d := Date(20000 + i%1000)
		sink += y + int64(m) + int64(d)
	}
	_ = sink
}
