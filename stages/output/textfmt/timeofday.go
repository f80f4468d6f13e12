package textfmt

import "github.com/apache/arrow-go/v18/arrow"

// AppendTime appends the time of day v, counted in unit since midnight,
// as DuckDB writes a TIME: "15:04:05", with a fraction of a second only
// when it is non-zero and then only the digits it needs ("15:04:05.5",
// "15:04:05.123456"; up to 9 for nanoseconds). Every text format writes
// times this way, and DuckDB reads it back. Exactly one day is
// "24:00:00", DuckDB's end of the day (which it writes to Parquet as
// 86400 s); any other value outside the day (a corrupt file: Arrow allows
// none) is written modulo a day, so the text is always a time.
func AppendTime(dst []byte, v int64, unit arrow.TimeUnit) []byte {
	perSec, fracDigits := unitScale(unit)
	sec, frac := floorDivMod(v, perSec)
	if sec == secondsPerDay && frac == 0 {
		return append(dst, "24:00:00"...)
	}
	_, sod := floorDivMod(sec, secondsPerDay)
	h, mi, s := sod/3600, sod/60%60, sod%60
	dst = append(dst, byte('0'+h/10), byte('0'+h%10), ':',
		byte('0'+mi/10), byte('0'+mi%10), ':', byte('0'+s/10), byte('0'+s%10))
	if frac == 0 {
		return dst
	}
	for frac%10 == 0 {
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
	return dst
}
