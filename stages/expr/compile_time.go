package expr

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // the zone database, so that to_timezone works on a machine without one

	"github.com/arrowpipe/arrowpipe/stages/internal/colname"
)

// timeUnit is a unit of date_diff and date_add.
type timeUnit uint8

const (
	tuYear timeUnit = iota
	tuQuarter
	tuMonth
	tuWeek
	tuDay
	tuHour
	tuMinute
	tuSecond
	tuMillisecond
	tuMicrosecond
	tuNanosecond
)

var timeUnitNames = []string{"year", "quarter", "month", "week", "day", "hour", "minute", "second",
	"millisecond", "microsecond", "nanosecond"}

func parseTimeUnit(s string) (timeUnit, bool) {
	s = strings.ToLower(s)
	s = strings.TrimSuffix(s, "s")
	for k, n := range timeUnitNames {
		if s == n {
			return timeUnit(k), true
		}
	}
	return 0, false
}

// nanosOf is the length of a fixed unit (week and below) in ns.
func (u timeUnit) nanos() int64 {
	return [...]int64{0, 0, 0, 7 * 86400e9, 86400e9, 3600e9, 60e9, 1e9, 1e6, 1e3, 1}[u]
}

// interval is date_add's amount: calendar months, days and a fixed time
// in ns, each applied in that order.
type interval struct {
	months, days, nanos int64
}

// parseInterval reads "N unit [N unit ...]", e.g. '1 month', '-2 days
// 3 hours', '90 minutes'.
func parseInterval(s string) (interval, error) {
	f := strings.Fields(s)
	if len(f) == 0 || len(f)%2 != 0 {
		return interval{}, fmt.Errorf("%q is not an interval of the form 'N unit [N unit ...]'", s)
	}
	var iv interval
	for k := 0; k < len(f); k += 2 {
		n, err := strconv.ParseInt(f[k], 10, 32)
		if err != nil {
			return interval{}, fmt.Errorf("%q: %q is not a whole number", s, f[k])
		}
		u, ok := parseTimeUnit(f[k+1])
		if !ok {
			return interval{}, fmt.Errorf("%q: unknown unit %q (%s)", s, f[k+1], strings.Join(timeUnitNames, ", "))
		}
		iv = iv.plus(n, u)
	}
	return iv, nil
}

// plus adds n units (|n| < 2^31, so that no sum overflows).
func (iv interval) plus(n int64, u timeUnit) interval {
	switch u {
	case tuYear:
		iv.months += 12 * n
	case tuQuarter:
		iv.months += 3 * n
	case tuMonth:
		iv.months += n
	case tuWeek:
		iv.days += 7 * n
	case tuDay:
		iv.days += n
	default:
		iv.nanos += n * u.nanos()
	}
	return iv
}

// timeCall checks the date and time functions. Layouts, zones, units and
// intervals must be literals, checked here once.
func (c *compiler) timeCall(a *callExpr, g *callNode, want func(k int, ts ...typ) error) error {
	lit := func(k int, what string) (string, error) {
		x, ok := constArg(g, k, tString)
		if !ok {
			return "", c.errorf(a.args[k].position(), "%s: the %s must be a string literal", a.name, what)
		}
		return string(x.v.constStr()), nil
	}
	anyTime := []typ{tTime, tTimeNs, tDate}
	// asTimestamp makes a date argument a µs timestamp, midnight UTC.
	asTimestamp := func(k int) {
		if g.args[k].typ() == tDate {
			g.args[k] = c.convert(g.args[k], tTime)
		}
	}
	switch g.fn {
	case fnStrptime, fnTryStrptime:
		if err := want(0, tString); err != nil {
			return err
		}
		s, err := lit(1, "layout")
		if err != nil {
			return err
		}
		if g.layout, err = compileLayout(s, true); err != nil {
			return c.errorf(a.args[1].position(), "%s: %v", a.name, err)
		}
		g.t = tTime
		if g.layout.nanos {
			g.t = tTimeNs
		}
		g.args = g.args[:1]
	case fnStrftime:
		if err := want(0, anyTime...); err != nil {
			return err
		}
		s, err := lit(1, "layout")
		if err != nil {
			return err
		}
		if c.zoneOf(a.args[0]) == zLocal {
			s = dropZoneName(s) // a zone-less value has no zone name, as in DuckDB
		}
		if g.layout, err = compileLayout(s, false); err != nil {
			return c.errorf(a.args[1].position(), "strftime: %v", err)
		}
		g.t = tString
		g.args = g.args[:1]
	case fnToTimezone, fnFromTimezone:
		if err := want(0, anyTime...); err != nil {
			return err
		}
		s, err := lit(1, "zone")
		if err != nil {
			return err
		}
		if s == "" || strings.EqualFold(s, "local") {
			return c.errorf(a.args[1].position(), "%s: name the zone (e.g. 'Europe/Paris' or 'UTC')", a.name)
		}
		if g.loc, err = time.LoadLocation(s); err != nil {
			return c.errorf(a.args[1].position(), "%s: unknown time zone %q (IANA names, e.g. 'Europe/Paris')", a.name, s)
		}
		asTimestamp(0)
		g.t = g.args[0].typ()
		g.args = g.args[:1]
		if g.fn == fnToTimezone && c.zoneOf(a.args[0]) == zLocal && !c.instant[a] {
			g.fn = fnFromTimezone // as DuckDB's timezone(zone, TIMESTAMP): the wall clock there
		}
	case fnDateDiff:
		s, err := lit(0, "unit")
		if err != nil {
			return err
		}
		var ok bool
		if g.tu, ok = parseTimeUnit(s); !ok {
			e := c.errorf(a.args[0].position(), "date_diff: unknown unit %q", s)
			e.Hint = colname.Closest(s, timeUnitNames)
			return e
		}
		for k := 1; k < 3; k++ {
			if err := want(k, anyTime...); err != nil {
				return err
			}
		}
		// each side keeps its own type: no conversion that could fail
		g.t = tInt
		g.args = g.args[1:]
	case fnDateAdd:
		if err := want(0, anyTime...); err != nil {
			return err
		}
		if len(g.args) == 2 {
			s, err := lit(1, "interval")
			if err != nil {
				return err
			}
			if g.iv, err = parseInterval(s); err != nil {
				return c.errorf(a.args[1].position(), "date_add: %v", err)
			}
			g.args = g.args[:1]
		} else {
			if err := want(1, tInt); err != nil {
				return err
			}
			s, err := lit(2, "unit")
			if err != nil {
				return err
			}
			var ok bool
			if g.tu, ok = parseTimeUnit(s); !ok {
				e := c.errorf(a.args[2].position(), "date_add: unknown unit %q", s)
				e.Hint = colname.Closest(s, timeUnitNames)
				return e
			}
			g.args = g.args[:2]
		}
		asTimestamp(0)
		g.t = g.args[0].typ()
	case fnWeek, fnDayOfWeek, fnQuarter, fnEpochMs:
		if err := want(0, anyTime...); err != nil {
			return err
		}
		g.t = tInt
	default:
		panic("expr: timeCall " + a.name)
	}
	if g.t == tNull {
		g.t = tTime
	}
	return nil
}

// dropZoneName removes the %Z codes of a strftime layout.
func dropZoneName(layout string) string {
	var b strings.Builder
	for k := 0; k < len(layout); k++ {
		if layout[k] == '%' && k+1 < len(layout) {
			if layout[k+1] == 'Z' {
				k++
				continue
			}
			b.WriteString(layout[k : k+2])
			k++
			continue
		}
		b.WriteByte(layout[k])
	}
	return b.String()
}
