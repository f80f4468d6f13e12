package textval

import (
	"github.com/apache/arrow-go/v18/arrow"

	"github.com/arrowpipe/arrowpipe/stages/internal/civil"
)

const (
	microsPerSecond = 1_000_000
	microsPerDay    = 86_400 * microsPerSecond
)

// ParseDate reads a calendar date written YYYY-MM-DD (years 0000 to 9999) as
// days since 1970-01-01. It reports false for anything else, including
// impossible dates such as 2026-02-30. It does not allocate.
func ParseDate(b []byte) (arrow.Date32, bool) {
	if len(b) != 10 {
		return 0, false
	}
	days, ok := parseDate(b)
	return arrow.Date32(days), ok
}

// ParseTimestamp reads an RFC 3339 / ISO 8601 timestamp as microseconds since
// the Unix epoch, UTC:
//
//	2026-01-02T03:04:05Z
//	2026-01-02 03:04:05          (no zone: UTC)
//	2026-01-02T03:04:05.123456+01:00
//	2026-01-02T03:04+0100        (seconds optional)
//	2026-01-02 03:04:05+00       (DuckDB's text for TIMESTAMPTZ)
//	2026-01-02                   (a date alone: midnight UTC)
//
// The date and time are separated by 'T', 't' or a space; the fraction has
// 1 to 9 digits; the zone is 'Z', 'z', ±hh:mm, ±hhmm or ±hh. A value
// without a zone reads as its wall-clock time in UTC: the reader's column
// type (zone-less or UTC, see Zoned) says what it means. Fields are
// range-checked (no leap second: 23:59:60 would have to be moved to
// another instant). A fraction finer than a microsecond (a non-zero seventh to
// ninth digit) reports false rather than being cut: ParseTimestampNano
// reads it. It reports false for anything else. It does not allocate (50-70
// ns on BenchmarkParse).
func ParseTimestamp(b []byte) (arrow.Timestamp, bool) {
	if len(b) < 10 {
		return 0, false
	}
	days, ok := parseDate(b)
	if !ok {
		return 0, false
	}
	return parseTime(b, days)
}

// ParseTimestampNano reads the timestamps that ParseTimestamp reads, with
// every fraction digit kept, as nanoseconds since the Unix epoch, UTC. It
// reports false for an instant that int64 nanoseconds cannot hold (before
// 1677-09-21T00:12:43.145224192Z or after 2262-04-11T23:47:16.854775807Z).
// It does not allocate.
func ParseTimestampNano(b []byte) (arrow.Timestamp, bool) {
	if len(b) < 10 {
		return 0, false
	}
	days, ok := parseDate(b)
	if !ok {
		return 0, false
	}
	return parseTimeNano(b, days)
}

// ParseRFC3339 reads the timestamps of ParseTimestamp that are RFC 3339
// date-times, the form JSON writers emit: seconds and a zone are required
// and the zone is 'Z', 'z' or ±hh:mm (not ±hhmm), as in
// "2026-01-02T03:04:05.123456789+01:00". The date and time are separated by
// 'T', 't' or a space (RFC 3339, section 5.6, allows the space). It returns
// the instant as seconds since the Unix epoch and nanoseconds (0 to
// 999999999, every fraction digit kept), for years 0000 to 9999. It does
// not allocate.
func ParseRFC3339(b []byte) (sec, nsec int64, ok bool) {
	if len(b) < 20 || b[16] != ':' || !rfc3339Zone(b) {
		return 0, 0, false
	}
	days, ok := parseDate(b)
	if !ok {
		return 0, 0, false
	}
	secs, nanos, ok := parseClock(b)
	if !ok {
		return 0, 0, false
	}
	return days*86400 + secs, nanos, true
}

// rfc3339Zone says whether b ends with a zone that RFC 3339 allows. On the
// text that parseClock accepts it is exact: a '+' or '-' six bytes from
// the end can only start a ±hh:mm zone.
func rfc3339Zone(b []byte) bool {
	n := len(b)
	switch b[n-1] {
	case 'Z', 'z':
		return true
	}
	return (b[n-6] == '+' || b[n-6] == '-') && b[n-3] == ':'
}

// Zoned reports whether b, a timestamp that ParseTimestamp or
// ParseTimestampNano accepts, names its zone ('Z' or an offset): a column
// of such values is read as timestamp[us, UTC], a column of wall-clock
// times without a zone as a zone-less timestamp[us], as DuckDB reads them
// as TIMESTAMPTZ and TIMESTAMP. A date alone has no zone. It does not
// allocate.
func Zoned(b []byte) bool {
	if len(b) <= 16 {
		return false
	}
	switch b[len(b)-1] {
	case 'Z', 'z':
		return true
	}
	for _, c := range b[16:] {
		if c == '+' || c == '-' {
			return true
		}
	}
	return false
}

// ParseDateTime reads a timestamp that ParseTimestampNano accepts, other
// than a date alone, as seconds since the Unix epoch and nanoseconds (0 to
// 999999999), and whether it names its zone (see Zoned). It is how a JSON
// string is recognised as a date-time. It does not allocate.
func ParseDateTime(b []byte) (sec, nsec int64, zoned, ok bool) {
	if len(b) < 16 {
		return 0, 0, false, false
	}
	days, ok := parseDate(b)
	if !ok {
		return 0, 0, false, false
	}
	secs, nanos, ok := parseClock(b)
	if !ok {
		return 0, 0, false, false
	}
	return days*86400 + secs, nanos, Zoned(b), true
}

// FractionDigits returns the number of fraction-of-second digits of a
// timestamp that ParseTimestamp or ParseTimestampNano accepts (0 without a
// fraction): more than 6 needs a nanosecond column to keep every digit.
func FractionDigits(b []byte) int {
	if len(b) < 20 || b[19] != '.' {
		return 0
	}
	n := 0
	for i := 20; i < len(b) && b[i]-'0' <= 9; i++ {
		n++
	}
	return n
}

// A DateCache parses timestamps and dates like ParseTimestamp and ParseDate,
// remembering the last date it read: in a column of timestamps in time
// order, most values share their date with the previous one, and reading
// the date is most of the work (a repeated date makes ParseTimestamp about
// 3× faster on BenchmarkParse). The zero value is ready to use; not safe for
// concurrent use (keep one per column and goroutine).
type DateCache struct {
	date [10]byte
	days int64
	ok   bool
}

func (c *DateCache) lookup(b []byte) (int64, bool) {
	if c.ok && string(b[:10]) == string(c.date[:]) {
		return c.days, true
	}
	days, ok := parseDate(b)
	if ok {
		copy(c.date[:], b[:10])
		c.days, c.ok = days, true
	}
	return days, ok
}

// ParseTimestamp is ParseTimestamp with the cache.
func (c *DateCache) ParseTimestamp(b []byte) (arrow.Timestamp, bool) {
	if len(b) < 10 {
		return 0, false
	}
	days, ok := c.lookup(b)
	if !ok {
		return 0, false
	}
	return parseTime(b, days)
}

// ParseTimestampNano is ParseTimestampNano with the cache.
func (c *DateCache) ParseTimestampNano(b []byte) (arrow.Timestamp, bool) {
	if len(b) < 10 {
		return 0, false
	}
	days, ok := c.lookup(b)
	if !ok {
		return 0, false
	}
	return parseTimeNano(b, days)
}

// ParseDate is ParseDate with the cache.
func (c *DateCache) ParseDate(b []byte) (arrow.Date32, bool) {
	if len(b) != 10 {
		return 0, false
	}
	days, ok := c.lookup(b)
	return arrow.Date32(days), ok
}

// parseTime reads what follows the date at b[:10] (days since the epoch) as
// microseconds.
func parseTime(b []byte, days int64) (arrow.Timestamp, bool) {
	secs, nanos, ok := parseClock(b)
	if !ok || nanos%1000 != 0 {
		return 0, false
	}
	return arrow.Timestamp(days*microsPerDay + secs*microsPerSecond + nanos/1000), true
}

// parseTimeNano reads what follows the date at b[:10] (days since the epoch)
// as nanoseconds.
func parseTimeNano(b []byte, days int64) (arrow.Timestamp, bool) {
	secs, nanos, ok := parseClock(b)
	if !ok {
		return 0, false
	}
	v, ok := civil.UnixNano(days*86400+secs, nanos)
	return arrow.Timestamp(v), ok
}

// parseClock reads what follows the date at b[:10]: the time of day, less
// the zone offset, in seconds (from -1 day to 2 days), and the fraction of a
// second in nanoseconds.
func parseClock(b []byte) (secs, nanos int64, ok bool) {
	if len(b) == 10 {
		return 0, 0, true
	}
	if len(b) < 16 || (b[10] != 'T' && b[10] != ' ' && b[10] != 't') || b[13] != ':' {
		return 0, 0, false
	}
	hh, ok1 := two(b[11], b[12])
	mm, ok2 := two(b[14], b[15])
	if !ok1 || !ok2 || hh > 23 || mm > 59 {
		return 0, 0, false
	}
	secs = int64(hh)*3600 + int64(mm)*60
	i := 16
	if i < len(b) && b[i] == ':' {
		if i+3 > len(b) {
			return 0, 0, false
		}
		ss, ok := two(b[i+1], b[i+2])
		if !ok || ss > 59 {
			return 0, 0, false
		}
		secs += int64(ss)
		i += 3
		if i < len(b) && b[i] == '.' {
			i++
			start := i
			for i < len(b) && b[i]-'0' <= 9 {
				if i-start < 9 {
					nanos = nanos*10 + int64(b[i]-'0')
				}
				i++
			}
			nd := i - start
			if nd == 0 || nd > 9 {
				return 0, 0, false
			}
			for ; nd < 9; nd++ {
				nanos *= 10
			}
		}
	}
	if i == len(b) {
		return secs, nanos, true
	}
	switch b[i] {
	case 'Z', 'z':
		return secs, nanos, i+1 == len(b)
	case '+', '-':
		rest := b[i+1:]
		var oh, om int
		var ok1, ok2 bool
		switch len(rest) {
		case 5:
			if rest[2] != ':' {
				return 0, 0, false
			}
			oh, ok1 = two(rest[0], rest[1])
			om, ok2 = two(rest[3], rest[4])
		case 4:
			oh, ok1 = two(rest[0], rest[1])
			om, ok2 = two(rest[2], rest[3])
		case 2:
			oh, ok1 = two(rest[0], rest[1])
			ok2 = true
		default:
			return 0, 0, false
		}
		if !ok1 || !ok2 || oh > 23 || om > 59 {
			return 0, 0, false
		}
		off := int64(oh)*3600 + int64(om)*60
		if b[i] == '+' {
			secs -= off
		} else {
			secs += off
		}
		return secs, nanos, true
	}
	return 0, 0, false
}

// parseDate reads YYYY-MM-DD at the start of b (len(b) >= 10) as days since
// the epoch.
func parseDate(b []byte) (int64, bool) {
	if b[4] != '-' || b[7] != '-' {
		return 0, false
	}
	y1, ok1 := two(b[0], b[1])
	y2, ok2 := two(b[2], b[3])
	m, ok3 := two(b[5], b[6])
	d, ok4 := two(b[8], b[9])
	if !ok1 || !ok2 || !ok3 || !ok4 || m < 1 || m > 12 || d < 1 {
		return 0, false
	}
	y := int64(y1*100 + y2)
	if d > civil.DaysIn(y, m) {
		return 0, false
	}
	return civil.Days(y, m, d), true
}

func two(a, b byte) (int, bool) {
	x, y := a-'0', b-'0'
	return int(x)*10 + int(y), x <= 9 && y <= 9
}
