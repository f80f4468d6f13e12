package expr

import (
	"bytes"
	"math"
	"strconv"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/arrowpipe/arrowpipe/stages/internal/civil"
	"github.com/arrowpipe/arrowpipe/stages/internal/rawview"
	"github.com/arrowpipe/arrowpipe/stages/textval"
)

// rowwise evaluates the string, conversion and calendar functions with one
// typed loop over the rows. A row is null when any argument is; the
// to_* conversions also give null for a value that does not convert.
func (c *callNode) rowwise(s *slot, a []vec, n int) (vec, error) {
	valid := func(r int) bool {
		for k := range a {
			if !a[k].isValid(r) {
				return false
			}
		}
		return true
	}
	x := &a[0]
	switch c.fn {
	case fnLower, fnUpper:
		upper := c.fn == fnUpper
		return buildStrings(s, n, func(r int, dst []byte) ([]byte, bool) {
			if !valid(r) {
				return dst, false
			}
			return appendCase(dst, x.str(r), upper), true
		})
	case fnTrim:
		return buildStrings(s, n, func(r int, dst []byte) ([]byte, bool) {
			if !valid(r) {
				return dst, false
			}
			return append(dst, bytes.TrimSpace(x.str(r))...), true
		})
	case fnSubstr:
		return buildStrings(s, n, func(r int, dst []byte) ([]byte, bool) {
			if !valid(r) {
				return dst, false
			}
			if len(a) == 3 {
				return append(dst, substr(x.str(r), intAt(&a[1], r), intAt(&a[2], r))...), true
			}
			return append(dst, substr(x.str(r), max(intAt(&a[1], r), 1), math.MaxInt64)...), true
		})
	case fnReplace:
		return buildStrings(s, n, func(r int, dst []byte) ([]byte, bool) {
			if !valid(r) {
				return dst, false
			}
			return appendReplace(dst, x.str(r), a[1].str(r), a[2].str(r)), true
		})
	case fnToString:
		t := c.args[0].typ()
		return buildStrings(s, n, func(r int, dst []byte) ([]byte, bool) {
			if !valid(r) {
				return dst, false
			}
			return appendString(dst, x, t, r), true
		})
	case fnContains, fnStartsWith, fnEndsWith:
		f := bytes.Contains
		if c.fn == fnStartsWith {
			f = bytes.HasPrefix
		} else if c.fn == fnEndsWith {
			f = bytes.HasSuffix
		}
		return buildBools(s, n, func(r int) (bool, bool) {
			if !valid(r) {
				return false, false
			}
			return f(x.str(r), a[1].str(r)), true
		}), nil
	case fnToBool:
		t := c.args[0].typ()
		return buildBools(s, n, func(r int) (bool, bool) {
			if !valid(r) {
				return false, false
			}
			return toBool(x, t, r)
		}), nil
	case fnToFloat:
		t := c.args[0].typ()
		return buildFloats(s, n, func(r int) (float64, bool) {
			if !valid(r) {
				return 0, false
			}
			return toFloat(x, t, r)
		}), nil
	case fnEpoch:
		// Seconds since 1970-01-01T00:00:00Z from a timestamp's µs (a
		// division, which rounds correctly where * 1e-6 may not), a
		// timestamp's ns (whole seconds plus the fraction: ns values above
		// 2^53 are not exact as floats) or a date's days.
		t := c.args[0].typ()
		return buildFloats(s, n, func(r int) (float64, bool) {
			if !valid(r) {
				return 0, false
			}
			return epochSeconds(intAt(x, r), t), true
		}), nil
	}
	// The rest produce int64-backed values (int, timestamp, date).
	t := c.args[len(c.args)-1].typ()
	var f func(r int) (int64, bool)
	switch c.fn {
	case fnLength:
		f = func(r int) (int64, bool) { return int64(utf8.RuneCount(x.str(r))), true }
	case fnToInt:
		t = c.args[0].typ()
		f = func(r int) (int64, bool) { return toInt(x, t, r) }
	case fnToTimestamp:
		t = c.args[0].typ()
		f = func(r int) (int64, bool) { return toTimestamp(x, t, r) }
	case fnToDate:
		t = c.args[0].typ()
		f = func(r int) (int64, bool) { return toDate(x, t, r) }
	case fnYear, fnMonth, fnDay, fnHour, fnMinute:
		fn := c.fn
		f = func(r int) (int64, bool) { return datePart(fn, intAt(x, r), t), true }
	case fnDateTrunc:
		u, v := c.unit, &a[1]
		f = func(r int) (int64, bool) { return dateTrunc(u, intAt(v, r), t), true }
	default:
		panic("expr: rowwise " + strconv.Itoa(int(c.fn)))
	}
	return buildInts(s, n, func(r int) (int64, bool) {
		if !valid(r) {
			return 0, false
		}
		return f(r)
	}), nil
}

func intAt(v *vec, r int) int64 {
	if v.isConst {
		return v.i[0]
	}
	return v.i[r]
}

func floatAt(v *vec, r int) float64 {
	if v.isConst {
		return v.f[0]
	}
	return v.f[r]
}

func buildInts(s *slot, n int, row func(r int) (int64, bool)) vec {
	s.i = grow(s.i, n)
	valid := ownValid(s, nil, n)
	nulls := 0
	for r := 0; r < n; r++ {
		v, ok := row(r)
		s.i[r] = v
		if !ok {
			clearBit(valid, r)
			nulls++
		}
	}
	out := vec{i: s.i}
	if nulls > 0 {
		out.valid = valid
	}
	return out
}

func buildFloats(s *slot, n int, row func(r int) (float64, bool)) vec {
	s.f = grow(s.f, n)
	valid := ownValid(s, nil, n)
	nulls := 0
	for r := 0; r < n; r++ {
		v, ok := row(r)
		s.f[r] = v
		if !ok {
			clearBit(valid, r)
			nulls++
		}
	}
	out := vec{f: s.f}
	if nulls > 0 {
		out.valid = valid
	}
	return out
}

func buildBools(s *slot, n int, row func(r int) (bool, bool)) vec {
	s.b = grow(s.b, bitmapLen(n))
	clear(s.b)
	valid := ownValid(s, nil, n)
	nulls := 0
	for r := 0; r < n; r++ {
		v, ok := row(r)
		if v {
			setBit(s.b, r)
		}
		if !ok {
			clearBit(valid, r)
			nulls++
		}
	}
	out := vec{b: s.b}
	if nulls > 0 {
		out.valid = valid
	}
	return out
}

func appendCase(dst, s []byte, upper bool) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if upper && 'a' <= c && c <= 'z' {
				c -= 'a' - 'A'
			} else if !upper && 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			dst = append(dst, c)
			i++
			continue
		}
		r, size := utf8.DecodeRune(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, c) // keep invalid bytes as they are
		} else if upper {
			dst = utf8.AppendRune(dst, unicode.ToUpper(r))
		} else {
			dst = utf8.AppendRune(dst, unicode.ToLower(r))
		}
		i += size
	}
	return dst
}

// substr returns the characters at 1-based positions [start, start+length)
// that exist in s, as SQL does: substr('hello', 0, 3) is "he"; a negative
// length gives "".
func substr(s []byte, start, length int64) []byte {
	end := int64(math.MaxInt64)
	if length < 0 {
		return nil
	}
	if start <= math.MaxInt64-length {
		end = start + length
	}
	if start < 1 {
		start = 1
	}
	if end <= start {
		return nil
	}
	// Walk characters: pos is the 1-based position of the rune at byte i.
	i, pos := 0, int64(1)
	for i < len(s) && pos < start {
		_, size := utf8.DecodeRune(s[i:])
		i += size
		pos++
	}
	j := i
	for j < len(s) && pos < end {
		_, size := utf8.DecodeRune(s[j:])
		j += size
		pos++
	}
	return s[i:j]
}

func appendReplace(dst, s, old, repl []byte) []byte {
	if len(old) == 0 {
		return append(dst, s...)
	}
	for {
		k := bytes.Index(s, old)
		if k < 0 {
			return append(dst, s...)
		}
		dst = append(dst, s[:k]...)
		dst = append(dst, repl...)
		s = s[k+len(old):]
	}
}

// appendString formats row r of v (of type t) as to_string does: ints in
// decimal, floats in the shortest form that reads back exactly, bools as
// true/false, timestamps as RFC 3339 UTC, dates as YYYY-MM-DD.
func appendString(dst []byte, v *vec, t typ, r int) []byte {
	if t.isList() {
		return appendListText(dst, v, t.elem(), r)
	}
	switch t {
	case tString:
		return append(dst, v.str(r)...)
	case tInt:
		return strconv.AppendInt(dst, intAt(v, r), 10)
	case tUint:
		return strconv.AppendUint(dst, uint64(intAt(v, r)), 10)
	case tFloat:
		return strconv.AppendFloat(dst, floatAt(v, r), 'g', -1, 64)
	case tBool:
		return strconv.AppendBool(dst, v.boolAt(r))
	case tTime:
		return time.UnixMicro(intAt(v, r)).UTC().AppendFormat(dst, time.RFC3339Nano)
	case tTimeNs:
		return time.Unix(0, intAt(v, r)).UTC().AppendFormat(dst, time.RFC3339Nano)
	case tDate:
		y, m, d := civil.Date(intAt(v, r))
		return appendDate(dst, y, m, d)
	case tClock:
		return appendClock(dst, intAt(v, r))
	}
	return dst
}

func appendDate(dst []byte, y int64, m, d int) []byte {
	if y >= 0 && y < 10000 {
		dst = append(dst, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10))
	} else {
		dst = strconv.AppendInt(dst, y, 10)
	}
	return append(dst, '-', byte('0'+m/10), byte('0'+m%10), '-', byte('0'+d/10), byte('0'+d%10))
}

func toInt(v *vec, t typ, r int) (int64, bool) {
	switch t {
	case tInt, tTime, tTimeNs, tDate: // a timestamp's count of its unit
		return intAt(v, r), true
	case tUint:
		x := intAt(v, r)
		return x, x >= 0 // above MaxInt64 does not convert
	case tFloat:
		// Halves away from zero, as DuckDB's CAST(3.5 AS BIGINT) is 4.
		f := math.Round(floatAt(v, r))
		if math.IsNaN(f) || f < -9.223372036854775808e18 || f >= 9.223372036854775808e18 {
			return 0, false
		}
		return int64(f), true
	case tBool:
		return int64(b2u(v.boolAt(r))), true
	case tString:
		x, err := strconv.ParseInt(rawview.String(bytes.TrimSpace(v.str(r))), 10, 64)
		return x, err == nil
	}
	return 0, false
}

func toFloat(v *vec, t typ, r int) (float64, bool) {
	switch t {
	case tInt, tTime, tTimeNs, tDate:
		return float64(intAt(v, r)), true
	case tUint:
		return float64(uint64(intAt(v, r))), true
	case tFloat:
		return floatAt(v, r), true
	case tBool:
		return float64(b2u(v.boolAt(r))), true
	case tString:
		x, err := strconv.ParseFloat(rawview.String(bytes.TrimSpace(v.str(r))), 64)
		return x, err == nil
	}
	return 0, false
}

func toBool(v *vec, t typ, r int) (bool, bool) {
	switch t {
	case tBool:
		return v.boolAt(r), true
	case tInt, tUint:
		return intAt(v, r) != 0, true
	case tFloat:
		return floatAt(v, r) != 0, true
	case tString:
		x, err := strconv.ParseBool(rawview.String(bytes.TrimSpace(v.str(r))))
		return x, err == nil
	}
	return false, false
}

func toTimestamp(v *vec, t typ, r int) (int64, bool) {
	switch t {
	case tTime, tInt:
		return intAt(v, r), true
	case tDate:
		us, x := mulHiInt64(intAt(v, r), microsPerDay)
		return us, x == 0 // beyond ±292,000 years: does not convert
	case tString:
		// As the readers read it (textval): a date alone is midnight, and
		// digits below the µs, or beyond the ninth, do not convert.
		ts, ok := textval.ParseTimestamp(bytes.TrimSpace(v.str(r)))
		return int64(ts), ok
	}
	return 0, false
}

func toDate(v *vec, t typ, r int) (int64, bool) {
	switch t {
	case tDate, tInt:
		return intAt(v, r), true
	case tTime:
		return floorDiv(intAt(v, r), microsPerDay), true
	case tTimeNs:
		return floorDiv(intAt(v, r), nanosPerDay), true
	case tString:
		return parseDate(rawview.String(bytes.TrimSpace(v.str(r))))
	}
	return 0, false
}

// datePart extracts a calendar field from µs (t == tTime), ns (tTimeNs) or
// days.
func datePart(fn fnID, x int64, t typ) int64 {
	days := x
	var ofDay, perMinute int64 // time of day, in the unit of t
	switch t {
	case tTime:
		days, perMinute = floorDiv(x, microsPerDay), 60_000_000
		ofDay = x - days*microsPerDay
	case tTimeNs:
		days, perMinute = floorDiv(x, nanosPerDay), 60_000_000_000
		ofDay = x - days*nanosPerDay
	}
	switch fn {
	case fnHour:
		return ofDay / (60 * perMinute)
	case fnMinute:
		return ofDay / perMinute % 60
	}
	y, m, d := civil.Date(days)
	switch fn {
	case fnYear:
		return y
	case fnMonth:
		return int64(m)
	}
	return int64(d)
}

// dateTrunc truncates µs (t == tTime), ns (tTimeNs) or days down to the
// start of unit.
func dateTrunc(u truncUnit, x int64, t typ) int64 {
	if t == tDate {
		y, m, _ := civil.Date(x)
		switch u {
		case unitYear:
			return civil.Days(y, 1, 1)
		case unitMonth:
			return civil.Days(y, m, 1)
		}
		return x
	}
	switch u {
	case unitMinute:
		return floorDiv(x, 60_000_000) * 60_000_000
	case unitHour:
		return floorDiv(x, 3_600_000_000) * 3_600_000_000
	case unitDay:
		return floorDiv(x, microsPerDay) * microsPerDay
	}
	return dateTrunc(u, floorDiv(x, microsPerDay), tDate) * microsPerDay
}

// truncNanos truncates ns down to the start of unit; ok is false when the
// start is before the first ns timestamp (1677-09-21T00:12:43.145224192Z).
func truncNanos(u truncUnit, x int64) (int64, bool) {
	var q, m int64
	switch u {
	case unitMinute:
		q, m = floorDiv(x, 60e9), 60e9
	case unitHour:
		q, m = floorDiv(x, 3600e9), 3600e9
	case unitDay:
		q, m = floorDiv(x, nanosPerDay), nanosPerDay
	default:
		q, m = dateTrunc(u, floorDiv(x, nanosPerDay), tDate), nanosPerDay
	}
	y, excess := mulHiInt64(q, m)
	return y, excess == 0
}

// epochSeconds returns the seconds since 1970-01-01T00:00:00Z of x, a
// timestamp or a date of type t.
func epochSeconds(x int64, t typ) float64 {
	switch t {
	case tDate:
		return float64(x * 86400)
	case tTimeNs:
		sec := floorDiv(x, 1e9)
		return float64(sec) + float64(x-sec*1e9)/1e9
	}
	return float64(x) / 1e6
}
