package expr

import (
	"math"
	"math/bits"
	"strconv"

	"github.com/arrowpipe/arrowpipe/stages/internal/rawview"
)

// round(x, d) rounds halves away from zero, as DuckDB's round does. A float
// is rounded as the decimal it prints as (the shortest decimal that reads
// back as x), so round(0.15, 1) is 0.2 and round(2.675, 2) is 2.68, and
// a float with no more than d digits after the point comes back
// unchanged: round(0.1, 300) is 0.1.

// pow10u64 holds 10^0..10^19, every power of ten a uint64 holds.
var pow10u64 = func() (p [20]uint64) {
	p[0] = 1
	for k := 1; k < len(p); k++ {
		p[k] = p[k-1] * 10
	}
	return p
}()

// roundMag rounds the magnitude m to a multiple of 10^k (k >= 1), halves
// up; overflow reports a result beyond uint64.
func roundMag(m uint64, k int64) (r uint64, overflow bool) {
	if k >= int64(len(pow10u64)) {
		return 0, false // m < 10^20 / 2: rounds to 0
	}
	p := pow10u64[k]
	q, rem := m/p, m%p
	if rem >= p-rem {
		q++
	}
	hi, lo := bits.Mul64(q, p)
	return lo, hi != 0
}

// roundInt64 rounds x to 10^-d (d < 0), halves away from zero; ok is false
// when the result is outside int64.
func roundInt64(x int64, d int64) (int64, bool) {
	if d >= 0 {
		return x, true
	}
	m := uint64(x)
	if x < 0 {
		m = -m
	}
	r, overflow := roundMag(m, -d)
	switch {
	case overflow:
		return 0, false
	case x < 0 && r <= 1<<63:
		return int64(-r), true
	case x >= 0 && r <= math.MaxInt64:
		return int64(r), true
	}
	return 0, false
}

// roundUint64 rounds x to 10^-d (d < 0), halves up; ok is false when the
// result is above MaxUint64.
func roundUint64(x uint64, d int64) (uint64, bool) {
	if d >= 0 {
		return x, true
	}
	r, overflow := roundMag(x, -d)
	return r, !overflow
}

// roundFloat rounds x to d decimal digits (d < 0 rounds to tens,
// hundreds...), halves away from zero, as the decimal x prints as. A
// result beyond the float range is ±Inf; NaN and ±Inf stay as they are.
func roundFloat(x float64, d int64) float64 {
	if d == 0 {
		return math.Round(x) // exact: a float's halves are exact in binary
	}
	// Fast path: scale by an exact power of ten and round, when the scaled
	// value is small enough (< 2^40, so its rounding error is below 2^-12)
	// and not within 2^-10 of a half, where that error could decide.
	if d > 0 && d <= 22 || d < 0 && d >= -22 {
		p := math.Pow10(int(max(d, -d))) // exact for |d| <= 22
		y := x * p
		if d < 0 {
			y = x / p
		}
		if a := math.Abs(y); a < 1<<40 {
			if f := a - math.Floor(a); math.Abs(f-0.5) > 1.0/1024 {
				r := math.Round(y)
				if d < 0 {
					return r * p // correctly rounded product of exact factors
				}
				return r / p
			}
		}
	}
	return roundDecimal(x, d)
}

// roundDecimal is roundFloat on the shortest decimal form of x.
func roundDecimal(x float64, d int64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) || x == 0 {
		return x
	}
	var buf [32]byte
	s := strconv.AppendFloat(buf[:0], math.Abs(x), 'e', -1, 64) // D.DDDDe±XX
	mant, exp := s, 0
	for i := range s {
		if s[i] == 'e' {
			mant = s[:i]
			e, _ := strconv.Atoi(string(s[i+1:]))
			exp = e
			break
		}
	}
	var digits [24]byte
	nd := 0
	for _, c := range mant {
		if c != '.' {
			digits[nd] = c
			nd++
		}
	}
	// digits[0] is worth 10^exp; keep the digits worth 10^-d or more.
	keep := int64(exp) + 1 + d
	if keep >= int64(nd) {
		return x // no more digits than asked for: unchanged
	}
	if keep < 0 {
		return math.Copysign(0, x)
	}
	kept := digits[:keep]
	if digits[keep] >= '5' { // half or more of the last kept place: up
		i := len(kept) - 1
		for i >= 0 && kept[i] == '9' {
			kept[i] = '0'
			i--
		}
		if i >= 0 {
			kept[i]++
		} else {
			kept = append([]byte{'1'}, kept...) // 99.. became 100..
		}
	}
	if len(kept) == 0 {
		return math.Copysign(0, x)
	}
	// kept is an integer in units of 10^-d, its last place.
	out := append(kept, 'e')
	out = strconv.AppendInt(out, -d, 10)
	r, _ := strconv.ParseFloat(rawview.String(out), 64) // ±Inf beyond the range
	return math.Copysign(r, x)
}
