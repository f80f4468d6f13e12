package jsonin

import (
	"math"

	"github.com/apache/arrow-go/v18/arrow"
)

// parseTimestamp reads an RFC 3339 date-time, "YYYY-MM-DDTHH:MM:SS" with an
// optional fraction of up to 9 digits and a zone "Z" or "±HH:MM" ("T" may
// be "t" or a space, "Z" may be "z"), as seconds and nanoseconds since the
// Unix epoch, UTC, and the number of fractional digits written.
func parseTimestamp(b []byte) (sec, nsec int64, digits int, ok bool) {
	if len(b) < 20 {
		return 0, 0, 0, false
	}
	days, ok := parseDate(b[:10])
	if !ok || (b[10] != 'T' && b[10] != 't' && b[10] != ' ') || b[13] != ':' || b[16] != ':' {
		return 0, 0, 0, false
	}
	h, ok1 := num2(b[11:13])
	m, ok2 := num2(b[14:16])
	s, ok3 := num2(b[17:19])
	if !ok1 || !ok2 || !ok3 || h > 23 || m > 59 || s > 60 {
		return 0, 0, 0, false
	}
	i := 19
	if b[i] == '.' {
		i++
		d := i
		var scale int64 = 1e9
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			if i-d < 9 {
				scale /= 10
				nsec += int64(b[i]-'0') * scale
			}
			i++
		}
		if i == d || i-d > 9 || i >= len(b) {
			return 0, 0, 0, false
		}
		digits = i - d
	}
	sec = days*86400 + int64(h)*3600 + int64(m)*60 + int64(s)
	switch rest := b[i:]; {
	case len(rest) == 1 && (rest[0] == 'Z' || rest[0] == 'z'):
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':':
		zh, ok1 := num2(rest[1:3])
		zm, ok2 := num2(rest[4:6])
		if !ok1 || !ok2 || zh > 23 || zm > 59 {
			return 0, 0, 0, false
		}
		off := int64(zh)*3600 + int64(zm)*60
		if rest[0] == '+' {
			sec -= off
		} else {
			sec += off
		}
	default:
		return 0, 0, 0, false
	}
	return sec, nsec, digits, true
}

// Why a date-time does not fit a timestamp column.
const (
	tsFits      = iota
	tsPrecision // it has a fraction finer than the unit
	tsRange     // beyond the unit's range (nanoseconds: years 1677 to 2262)
)

// timestampIn converts seconds and nanoseconds to a count of unit, exactly
// or not at all.
func timestampIn(unit arrow.TimeUnit, sec, nsec int64) (int64, int) {
	switch unit {
	case arrow.Second:
		if nsec != 0 {
			return 0, tsPrecision
		}
		return sec, tsFits
	case arrow.Millisecond:
		if nsec%1e6 != 0 {
			return 0, tsPrecision
		}
		return sec*1e3 + nsec/1e6, tsFits // parseDate's years 0-9999 fit
	case arrow.Microsecond:
		if nsec%1e3 != 0 {
			return 0, tsPrecision
		}
		return sec*1e6 + nsec/1e3, tsFits
	}
	v, ok := nanos(sec, nsec)
	if !ok {
		return 0, tsRange
	}
	return v, tsFits
}

// nanos returns sec*1e9 + nsec (0 <= nsec < 1e9) unless it overflows int64.
func nanos(sec, nsec int64) (int64, bool) {
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

// parseDate reads "YYYY-MM-DD" as days since 1970-01-01.
func parseDate(b []byte) (int64, bool) {
	if len(b) != 10 || b[4] != '-' || b[7] != '-' {
		return 0, false
	}
	y1, ok1 := num2(b[0:2])
	y2, ok2 := num2(b[2:4])
	m, ok3 := num2(b[5:7])
	d, ok4 := num2(b[8:10])
	if !ok1 || !ok2 || !ok3 || !ok4 || m < 1 || m > 12 || d < 1 {
		return 0, false
	}
	y := int64(y1*100 + y2)
	if d > daysIn(y, m) {
		return 0, false
	}
	return daysFromCivil(y, int64(m), int64(d)), true
}

func num2(b []byte) (int, bool) {
	if b[0] < '0' || b[0] > '9' || b[1] < '0' || b[1] > '9' {
		return 0, false
	}
	return int(b[0]-'0')*10 + int(b[1]-'0'), true
}

func daysIn(y int64, m int) int {
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

// daysFromCivil is Howard Hinnant's days_from_civil.
func daysFromCivil(y, m, d int64) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 {
		era = (y - 399) / 400
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}
