package expr

import (
	"fmt"
	"math"
	"math/big"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
)

// The reference side of the date and time functions: Go's time package on
// boxed values (tsVal, dateVal), sharing nothing with the kernels.

func refTypeTime(n *callExpr, schema *arrow.Schema) (typ, bool) {
	at := func(k int) typ { return refType(n.args[k], schema) }
	asTs := func(t typ) typ {
		if t == tDate || t == tNull {
			return tTime
		}
		return t
	}
	switch n.name {
	case "strptime", "try_strptime":
		if strings.Contains(strings.ReplaceAll(n.args[1].(*litExpr).s, "%%", ""), "%n") {
			return tTimeNs, true
		}
		return tTime, true
	case "strftime":
		return tString, true
	case "to_timezone", "from_timezone", "date_add":
		return asTs(at(0)), true
	case "date_trunc":
		if len(n.args) == 3 {
			return asTs(at(1)), true
		}
	case "date_diff", "week", "dayofweek", "quarter", "epoch_ms":
		return tInt, true
	}
	return 0, false
}

// refTimeOut boxes an instant as a timestamp of type t; refErr beyond
// the range of t.
func refTimeOut(tm time.Time, t typ) any {
	if t == tTimeNs && !refInNsRange(tm) {
		return refErr{}
	}
	if t == tTime {
		tm = tm.Truncate(time.Microsecond) // down, as the kernels
	}
	return tsOf(tm)
}

// refWall is the wall clock of tm in loc, as a UTC instant.
func refWall(tm time.Time) time.Time {
	return time.Date(tm.Year(), tm.Month(), tm.Day(), tm.Hour(), tm.Minute(), tm.Second(), tm.Nanosecond(), time.UTC)
}

// refInLoc reads tm's UTC wall clock as a wall clock in loc, as DuckDB's
// timezone(zone, TIMESTAMP): of the offsets loc uses within a day, the
// smallest of those that show this wall clock, or where none does (a DST
// gap), the smallest of them all.
func refInLoc(tm time.Time, loc *time.Location) time.Time {
	wall := tm.Unix()
	var all, fit []int
	for probe := wall - 30*3600; probe <= wall+30*3600; probe += 1800 {
		_, off := time.Unix(probe, 0).In(loc).Zone()
		all = append(all, off)
		if _, o := time.Unix(wall-int64(off), 0).In(loc).Zone(); o == off {
			fit = append(fit, off)
		}
	}
	if len(fit) > 0 {
		all = fit
	}
	return tm.Add(-time.Duration(slices.Min(all)) * time.Second)
}

func refCallTime(n *callExpr, args []any, argTypes []typ, t typ) (any, bool) {
	switch n.name {
	case "strptime", "try_strptime":
		tm, ok := refStrptime(args[0].(string), args[1].(string))
		if !ok {
			if n.name == "strptime" {
				return refErr{}, true
			}
			return nil, true
		}
		v := refTimeOut(tm, t)
		if hasErr(v) && n.name == "try_strptime" {
			return nil, true // beyond the range of the type: null too
		}
		return v, true
	case "strftime":
		return refStrftime(refTime(args[0]), args[1].(string)), true
	case "to_timezone":
		loc, _ := time.LoadLocation(args[1].(string))
		return refTimeOut(refWall(refTime(args[0]).In(loc)), t), true
	case "from_timezone":
		loc, _ := time.LoadLocation(args[1].(string))
		return refTimeOut(refInLoc(refTime(args[0]), loc), t), true
	case "date_trunc":
		if len(args) != 3 {
			return nil, false
		}
		loc, _ := time.LoadLocation(args[2].(string))
		w := refTime(args[1]).In(loc)
		if t == tTimeNs && !refInNsRange(refWall(w)) {
			return refErr{}, true // the wall clock, computed on the way, must be a ns timestamp too
		}
		y, m, d, h, mi := w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute()
		switch args[0].(string) {
		case "year":
			m, d, h, mi = 1, 1, 0, 0
		case "month":
			d, h, mi = 1, 0, 0
		case "day":
			h, mi = 0, 0
		case "hour":
			mi = 0
		}
		return refTimeOut(refInLoc(time.Date(y, m, d, h, mi, 0, 0, time.UTC), loc), t), true
	case "date_diff":
		return refDateDiff(args[0].(string), args[1], args[2], argTypes[1], argTypes[2]), true
	case "date_add":
		tm := refTime(args[0])
		var months, days int
		var dur *big.Int = new(big.Int)
		add := func(k int64, unit string) {
			switch unit {
			case "year":
				months += int(12 * k)
			case "quarter":
				months += int(3 * k)
			case "month":
				months += int(k)
			case "week":
				days += int(7 * k)
			case "day":
				days += int(k)
			default:
				per := map[string]int64{"hour": 3600e9, "minute": 60e9, "second": 1e9, "millisecond": 1e6, "microsecond": 1e3, "nanosecond": 1}[unit]
				dur.Add(dur, new(big.Int).Mul(big.NewInt(k), big.NewInt(per)))
			}
		}
		if len(args) == 3 {
			k := args[1].(int64)
			if k > 1<<40 || k < -(1<<40) {
				return refErr{}, true
			}
			add(k, strings.TrimSuffix(args[2].(string), "s"))
		} else {
			f := strings.Fields(args[1].(string))
			for i := 0; i < len(f); i += 2 {
				k, _ := strconv.ParseInt(f[i], 10, 64)
				add(k, strings.TrimSuffix(strings.ToLower(f[i+1]), "s"))
			}
		}
		if months != 0 {
			y, m, d := tm.Date()
			mi := y*12 + int(m) - 1 + months
			ny, nm := mi/12, mi%12
			if nm < 0 {
				ny, nm = ny-1, nm+12
			}
			last := time.Date(ny, time.Month(nm+2), 0, 0, 0, 0, 0, time.UTC).Day()
			tm = time.Date(ny, time.Month(nm+1), min(d, last), tm.Hour(), tm.Minute(), tm.Second(), tm.Nanosecond(), time.UTC)
		}
		tm = tm.AddDate(0, 0, days)
		if !dur.IsInt64() || math.Abs(float64(dur.Int64())) > 1e18 {
			return refErr{}, true
		}
		tm = tm.Add(time.Duration(dur.Int64()))
		return refTimeOut(tm, t), true
	case "week":
		_, w := refTime(args[0]).ISOWeek()
		return int64(w), true
	case "dayofweek":
		return int64(refTime(args[0]).Weekday()), true
	case "quarter":
		return int64(refTime(args[0]).Month()+2) / 3, true
	case "epoch_ms":
		if d, ok := args[0].(dateVal); ok {
			return int64(d) * 86400000, true
		}
		tm := refTime(args[0])
		ns := new(big.Int).Add(new(big.Int).Mul(big.NewInt(tm.Unix()), big.NewInt(1e9)), big.NewInt(int64(tm.Nanosecond())))
		if argTypes[0] == tTime { // µs, truncated towards zero like the kernels' µs / 1000
			ns.Quo(ns, big.NewInt(1000)).Mul(ns, big.NewInt(1000))
		}
		return ns.Quo(ns, big.NewInt(1e6)).Int64(), true
	}
	return nil, false
}

func refDateDiff(unit string, a, b any, ta, tb typ) any {
	unit = strings.TrimSuffix(strings.ToLower(unit), "s")
	ua, ub := refTime(a), refTime(b)
	switch unit {
	case "year":
		return int64(ub.Year() - ua.Year())
	case "quarter":
		return int64(ub.Year()*4+(int(ub.Month())-1)/3) - int64(ua.Year()*4+(int(ua.Month())-1)/3)
	case "month":
		return int64(ub.Year()*12+int(ub.Month())) - int64(ua.Year()*12+int(ua.Month()))
	case "week", "day":
		day := func(t time.Time) int64 { return int64(math.Floor(float64(t.Unix()) / 86400)) }
		d := day(ub) - day(ua)
		if unit == "week" {
			return d / 7
		}
		return d
	}
	per := map[string]int64{"hour": 3600e9, "minute": 60e9, "second": 1e9, "millisecond": 1e6, "microsecond": 1e3, "nanosecond": 1}[unit]
	ns := func(t time.Time, ty typ) *big.Int {
		v := new(big.Int).Add(new(big.Int).Mul(big.NewInt(t.Unix()), big.NewInt(1e9)), big.NewInt(int64(t.Nanosecond())))
		return v
	}
	floor := func(v *big.Int) *big.Int { return new(big.Int).Div(v, big.NewInt(per)) } // Div floors for a positive divisor
	d := new(big.Int).Sub(floor(ns(ub, tb)), floor(ns(ua, ta)))
	if !d.IsInt64() {
		return refErr{}
	}
	return d.Int64()
}

// refStrptime parses s with a regular expression built from the layout.
// Literal bytes that are not UTF-8 match themselves: both strings map them
// to private-use runes first, as Go's regexp reads UTF-8 only.
func refStrptime(s, layout string) (time.Time, bool) {
	s, layout = privateBytes(s), privateBytes(layout)
	var re strings.Builder
	var codes []byte
	re.WriteString(`^\s*`)
	expand := strings.NewReplacer("%T", "%H:%M:%S", "%F", "%Y-%m-%d", "%R", "%H:%M", "%D", "%m/%d/%y", "%%", "%%")
	layout = expand.Replace(layout)
	for i := 0; i < len(layout); i++ {
		c := layout[i]
		if c == ' ' {
			re.WriteString(`\s*`)
			continue
		}
		if c != '%' {
			j := i
			for j < len(layout) && layout[j] != '%' && layout[j] != ' ' {
				j++
			}
			re.WriteString(regexp.QuoteMeta(layout[i:j]))
			i = j - 1
			continue
		}
		i++
		g := map[byte]string{'Y': `(-?\d{1,4})`, 'y': `(\d{1,2})`, 'm': `(\d{1,2})`, 'd': `(\d{1,2})`, 'j': `(\d{1,3})`,
			'H': `(\d{1,2})`, 'I': `(\d{1,2})`, 'M': `(\d{1,2})`, 'S': `(\d{1,2})`, 'f': `(\d{1,6})`, 'n': `(\d{1,9})`,
			'p': `((?i)AM|PM)`, 'b': `((?i)january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)`,
			'h': `((?i)january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)`,
			'B': `((?i)january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)`,
			'a': `((?i)sunday|monday|tuesday|wednesday|thursday|friday|saturday|sun|mon|tue|wed|thu|fri|sat)`,
			'A': `((?i)sunday|monday|tuesday|wednesday|thursday|friday|saturday|sun|mon|tue|wed|thu|fri|sat)`,
			'z': `(Z|z|[+-]\d{2}(?::?\d{2})?)`, '%': `(%)`}[layout[i]]
		re.WriteString(g)
		codes = append(codes, layout[i])
	}
	re.WriteString(`\s*$`)
	m := regexp.MustCompile(re.String()).FindStringSubmatch(s)
	if m == nil {
		return time.Time{}, false
	}
	y, mon, d, yday, h, mi, sec, ns, off := 1900, 1, 1, 0, 0, 0, 0, 0, 0
	pm, twelve := "", false
	for k, c := range codes {
		v := m[k+1]
		x, _ := strconv.Atoi(v)
		switch c {
		case 'Y':
			y = x
		case 'y':
			y = 2000 + x
			if x >= 69 {
				y = 1900 + x
			}
		case 'm':
			mon = x
		case 'd':
			d = x
		case 'j':
			yday = x
		case 'H':
			h = x
			if x > 23 {
				return time.Time{}, false
			}
		case 'I':
			h, twelve = x, true
			if x < 1 || x > 12 {
				return time.Time{}, false
			}
		case 'M', 'S':
			if x > 59 {
				return time.Time{}, false
			}
			if c == 'M' {
				mi = x
			} else {
				sec = x
			}
		case 'f', 'n':
			ns, _ = strconv.Atoi((v + "000000000")[:9])
		case 'p':
			pm = strings.ToUpper(v)
		case 'b', 'B', 'h':
			for k, name := range []string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"} {
				if strings.HasPrefix(strings.ToLower(v), name) {
					mon = k + 1
					break
				}
			}
		case 'z':
			if v != "Z" && v != "z" {
				digits := strings.ReplaceAll(v[1:], ":", "")
				hh, _ := strconv.Atoi(digits[:2])
				mm := 0
				if len(digits) == 4 {
					mm, _ = strconv.Atoi(digits[2:])
				}
				if hh > 23 || mm > 59 {
					return time.Time{}, false
				}
				off = hh*3600 + mm*60
				if v[0] == '-' {
					off = -off
				}
			}
		}
	}
	if twelve {
		h %= 12
		if pm == "PM" {
			h += 12
		}
	} else if pm == "PM" && h < 12 {
		h += 12
	}
	var tm time.Time
	if yday > 0 {
		tm = time.Date(y, 1, yday, h, mi, sec, ns, time.UTC)
		if tm.Year() != y {
			return time.Time{}, false
		}
	} else {
		tm = time.Date(y, time.Month(mon), d, h, mi, sec, ns, time.UTC)
		if tm.Month() != time.Month(mon) || tm.Day() != d {
			return time.Time{}, false
		}
	}
	return tm.Add(-time.Duration(off) * time.Second), true
}

// refStrftime prints tm by the layout with time.Time's accessors.
func refStrftime(tm time.Time, layout string) string {
	var b strings.Builder
	layout = strings.NewReplacer("%T", "%H:%M:%S", "%F", "%Y-%m-%d", "%R", "%H:%M", "%D", "%m/%d/%y", "%%", "%%").Replace(layout)
	for i := 0; i < len(layout); i++ {
		if layout[i] != '%' {
			b.WriteByte(layout[i])
			continue
		}
		i++
		switch layout[i] {
		case 'Y':
			if tm.Year() < 0 {
				fmt.Fprintf(&b, "-%04d", -tm.Year())
			} else {
				fmt.Fprintf(&b, "%04d", tm.Year())
			}
		case 'y':
			fmt.Fprintf(&b, "%02d", (tm.Year()%100+100)%100)
		case 'm':
			fmt.Fprintf(&b, "%02d", int(tm.Month()))
		case 'd':
			fmt.Fprintf(&b, "%02d", tm.Day())
		case 'j':
			fmt.Fprintf(&b, "%03d", tm.YearDay())
		case 'b', 'h':
			b.WriteString(tm.Month().String()[:3])
		case 'B':
			b.WriteString(tm.Month().String())
		case 'a':
			b.WriteString(tm.Weekday().String()[:3])
		case 'A':
			b.WriteString(tm.Weekday().String())
		case 'H':
			fmt.Fprintf(&b, "%02d", tm.Hour())
		case 'I':
			fmt.Fprintf(&b, "%02d", (tm.Hour()+11)%12+1)
		case 'p':
			b.WriteString(map[bool]string{true: "AM", false: "PM"}[tm.Hour() < 12])
		case 'M':
			fmt.Fprintf(&b, "%02d", tm.Minute())
		case 'S':
			fmt.Fprintf(&b, "%02d", tm.Second())
		case 'f':
			fmt.Fprintf(&b, "%06d", tm.Nanosecond()/1000)
		case 'n':
			fmt.Fprintf(&b, "%09d", tm.Nanosecond())
		case 'z':
			b.WriteString("+0000")
		case 'Z':
			b.WriteString("UTC")
		case 'u':
			fmt.Fprintf(&b, "%d", (int(tm.Weekday())+6)%7+1)
		case 'w':
			fmt.Fprintf(&b, "%d", int(tm.Weekday()))
		case 'V':
			_, w := tm.ISOWeek()
			fmt.Fprintf(&b, "%02d", w)
		case '%':
			b.WriteByte('%')
		}
	}
	return b.String()
}

// privateBytes replaces each byte of s that is not part of valid UTF-8 by
// the private-use rune U+F700+byte.
func privateBytes(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			b.WriteRune(0xF700 + rune(s[i]))
		} else {
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}
