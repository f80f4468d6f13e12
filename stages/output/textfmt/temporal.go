package textfmt

import (
	"time"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/arrowpipe/arrowpipe/stages/internal/civil"
)

const secondsPerDay = 86400

// AppendDate appends the proleptic Gregorian date days after 1970-01-01
// (negative before it) as "2006-01-02". Years outside 0000..9999 are
// written as time.Time formats them.
func AppendDate(dst []byte, days int64) []byte {
	y, m, d := civil.Date(days)
	if !fourDigits(y) {
		return time.Unix(days*secondsPerDay, 0).UTC().AppendFormat(dst, time.DateOnly)
	}
	return appendYMD(dst, y, m, d)
}

// AppendTimestamp appends the instant v, counted in unit since the Unix
// epoch, as RFC 3339 in UTC: "2006-01-02T15:04:05Z", with a fraction of a
// second only when it is non-zero. The fraction has no trailing zeros
// ("...05.25Z"), as time.RFC3339Nano formats it, except in nanoseconds,
// where it has all 9 digits ("...05.250000000Z"), so that the text read
// back (by csvin, which reads more than 6 digits as nanoseconds) keeps the
// column's unit.
func AppendTimestamp(dst []byte, v int64, unit arrow.TimeUnit) []byte {
	perSec, fracDigits := unitScale(unit)
	sec, frac := floorDivMod(v, perSec)
	days, sod := floorDivMod(sec, secondsPerDay)
	y, m, d := civil.Date(days)
	if !fourDigits(y) {
		nsec := frac * (1e9 / perSec)
		return time.Unix(sec, nsec).UTC().AppendFormat(dst, time.RFC3339Nano)
	}
	dst = appendYMD(dst, y, m, d)
	h, mi, s := sod/3600, sod/60%60, sod%60
	dst = append(dst, 'T', byte('0'+h/10), byte('0'+h%10), ':',
		byte('0'+mi/10), byte('0'+mi%10), ':', byte('0'+s/10), byte('0'+s%10))
	if frac != 0 {
		for unit != arrow.Nanosecond && fracDigits > 0 && frac%10 == 0 {
			frac /= 10
			fracDigits--
		}
		dst = append(dst, '.')
		n := len(dst)
		for range fracDigits {
			dst = append(dst, '0')
		}
		for i := len(dst) - 1; i >= n; i-- {
			dst[i] = byte('0' + frac%10)
			frac /= 10
		}
	}
	return append(dst, 'Z')
}

// fourDigits says whether appendYMD can write year y.
func fourDigits(y int64) bool { return y >= 0 && y <= 9999 }

func appendYMD(dst []byte, y int64, m, d int) []byte {
	return append(dst,
		byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
		byte('0'+m/10), byte('0'+m%10), '-', byte('0'+d/10), byte('0'+d%10))
}

// floorDivMod returns q, r with v = q*d + r and 0 <= r < d, for d > 0.
func floorDivMod(v, d int64) (q, r int64) {
	q, r = v/d, v%d
	if r < 0 {
		q--
		r += d
	}
	return q, r
}

// unitScale is how many of unit make a second, and the fraction digits
// that count them.
func unitScale(unit arrow.TimeUnit) (perSec int64, fracDigits int) {
	switch unit {
	case arrow.Second:
		return 1, 0
	case arrow.Millisecond:
		return 1e3, 3
	case arrow.Microsecond:
		return 1e6, 6
	}
	return 1e9, 9
}
