package civil

import "math"

// Days from 0000-03-01, the start of the algorithm's 400-year eras, to
// 1970-01-01.
const epochShift = 719468

// Days returns the number of days from 1970-01-01 to the date y-m-d
// (negative before it), with m in 1..12 and d in 1..DaysIn(y, m); other
// arguments give an unspecified result. Howard Hinnant's days_from_civil.
func Days(y int64, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 {
		era = (y - 399) / 400
	}
	yoe := y - era*400 // 0..399, years from March 1st
	mp := int64(m) + 9 // months from March: 0..11
	if mp >= 12 {
		mp -= 12
	}
	doy := (153*mp+2)/5 + int64(d) - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - epochShift
}

// Date returns the date days after 1970-01-01 (before it when negative):
// the year, the month 1..12 and the day 1..31. Howard Hinnant's
// civil_from_days, the inverse of Days.
func Date(days int64) (y int64, m, d int) {
	z := days + epochShift
	era := z / 146097
	if z < 0 {
		era = (z - 146096) / 146097
	}
	doe := z - era*146097 // 0..146096
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153 // months from March: 0..11
	d = int(doy - (153*mp+2)/5 + 1)
	y = yoe + era*400
	if mp < 10 {
		return y, int(mp + 3), d
	}
	return y + 1, int(mp - 9), d
}

// DaysIn returns the number of days of month m (1..12) of year y.
func DaysIn(y int64, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// UnixNano returns sec*1e9 + nsec, the nanoseconds since the Unix epoch of
// the instant sec seconds and nsec (0..999999999) nanoseconds after it, and
// false when int64 cannot hold them: before 1677-09-21T00:12:43.145224192Z
// or after 2262-04-11T23:47:16.854775807Z.
func UnixNano(sec, nsec int64) (int64, bool) {
	if sec >= 0 {
		if sec > (math.MaxInt64-nsec)/1_000_000_000 {
			return 0, false
		}
		return sec*1e9 + nsec, true
	}
	// sec*1e9 + nsec = (sec+1)*1e9 - (1e9-nsec), without the overflow of
	// sec*1e9 just below the minimum.
	up := sec + 1
	if up < math.MinInt64/1_000_000_000 {
		return 0, false
	}
	v, rest := up*1e9, 1e9-nsec
	if v < math.MinInt64+rest {
		return 0, false
	}
	return v - rest, true
}
