package expr

import (
	"fmt"
	"math"
	"time"

	"github.com/arrowpipe/arrowpipe/stages/internal/civil"
)

// valueError names the row (1-based, within the batch) of a value a
// function cannot take.
func valueError(r int, format string, args ...any) error {
	return fmt.Errorf("%w at row %d of the batch: %s", ErrValue, r+1, fmt.Sprintf(format, args...))
}

// perDay is the count of t's unit in a day: µs, ns, or 1 for a date.
func perDay(t typ) int64 {
	switch t {
	case tTime:
		return microsPerDay
	case tTimeNs:
		return nanosPerDay
	}
	return 1
}

// splitDay splits a timestamp or date of type t into days since the epoch
// and the time of day in ns.
func splitDay(x int64, t typ) (days, ofDay int64) {
	p := perDay(t)
	days = floorDiv(x, p)
	ofDay = x - days*p
	if t == tTime {
		ofDay *= 1000
	}
	return days, ofDay
}

// joinDay is the inverse of splitDay, ofDay rounded down to t's unit; ok
// is false beyond the range of t.
func joinDay(days, ofDay int64, t typ) (int64, bool) {
	switch t {
	case tDate:
		return days, true
	case tTime:
		ofDay = floorDiv(ofDay, 1000)
	}
	p := perDay(t)
	if days < 0 && ofDay > 0 { // near the start of the range days*p alone may not fit
		days, ofDay = days+1, ofDay-p
	}
	hi, excess := mulHiInt64(days, p)
	if excess != 0 {
		return 0, false
	}
	return addChecked(hi, ofDay)
}

func addChecked(a, b int64) (int64, bool) {
	r := a + b
	return r, (r > a) == (b > 0)
}

func mulChecked(a, b int64) (int64, bool) {
	r, excess := mulHiInt64(a, b)
	return r, excess == 0
}

// zoneSpan caches one zone offset and the seconds [start, end) where it
// holds, so that to_timezone looks the zone up once per DST period, not
// once per row.
type zoneSpan struct {
	loc        *time.Location
	start, end int64
	off        int64
}

func (z *zoneSpan) offset(loc *time.Location, sec int64) int64 {
	if z.loc == loc && sec >= z.start && sec < z.end {
		return z.off
	}
	t := time.Unix(sec, 0).In(loc)
	_, off := t.Zone()
	start, end := t.ZoneBounds()
	z.loc, z.off, z.start, z.end = loc, int64(off), math.MinInt64, math.MaxInt64
	if !start.IsZero() {
		z.start = start.Unix()
	}
	if !end.IsZero() {
		z.end = end.Unix()
	}
	return z.off
}

// wallOffset returns the offset of loc at the wall clock wall (seconds
// since the epoch, read as UTC): the one offset that shows it, and where a
// DST change skips the wall clock or shows it twice, the smaller of the
// offsets before and after the change, as DuckDB (ICU) does: 02:30 on the
// day Paris skips 02:00-03:00 is 01:30 UTC, and 01:30 on the day New York
// shows it twice is 06:30 UTC, the second time.
func (z *zoneSpan) wallOffset(loc *time.Location, wall int64) int64 {
	before := z.offset(loc, wall-86400)
	after := z.offset(loc, wall+86400)
	fits := func(off int64) bool { return z.offset(loc, wall-off) == off }
	switch {
	case before == after && fits(before):
		return before
	case before == after: // two changes within two days: the offset there
		return z.offset(loc, wall-z.offset(loc, wall))
	case fits(before) != fits(after):
		if fits(before) {
			return before
		}
		return after
	}
	return min(before, after)
}

// timeFunc evaluates the date and time functions with one loop over the
// rows; a row is null when an argument is.
func (c *callNode) timeFunc(ev *Evaluator, s *slot, a []vec, n int) (vec, error) {
	valid := func(r int) bool {
		for k := range a {
			if !a[k].isValid(r) {
				return false
			}
		}
		return true
	}
	x := &a[0]
	t := c.args[0].typ()
	// bad marks the first row that fails (care-aware), with its error.
	badRow, badErr := -1, error(nil)
	fail := func(r int, err error) {
		if badRow >= 0 || ev.care != nil && !getBit(ev.care, r) {
			return
		}
		badRow, badErr = r, err
	}
	ints := func(f func(r int) (int64, bool)) (vec, error) {
		out := buildInts(s, n, func(r int) (int64, bool) {
			if !valid(r) {
				return 0, false
			}
			return f(r)
		})
		if badRow >= 0 {
			return vec{}, badErr
		}
		return out, nil
	}
	switch c.fn {
	case fnStrptime, fnTryStrptime:
		l, try := c.layout, c.fn == fnTryStrptime
		var cache monthCache
		if !x.isConst && c.t == tTime {
			return c.strptimeColumn(ev, s, x, n)
		}
		return ints(func(r int) (int64, bool) {
			sec, nsec, ok := l.parse(x.str(r), &cache)
			var v int64
			if ok && c.t == tTimeNs {
				v, ok = civil.UnixNano(sec, nsec)
			} else if ok {
				v, ok = joinDay(floorDiv(sec, 86400), (sec-floorDiv(sec, 86400)*86400)*1e9+nsec, tTime)
			}
			if !ok && !try {
				fail(r, valueError(r, "strptime: %q does not match the layout %q, or is not a valid %s", x.str(r), l.src, c.t))
			}
			return v, ok
		})
	case fnStrftime:
		l := c.layout
		return buildStrings(s, n, func(r int, dst []byte) ([]byte, bool) {
			if !valid(r) {
				return dst, false
			}
			days, ofDay := splitDay(intAt(x, r), t)
			return l.appendFormat(dst, days, ofDay), true
		})
	case fnToTimezone:
		loc, per := c.loc, perDay(t)/86400
		return ints(func(r int) (int64, bool) {
			v := intAt(x, r)
			off := s.zone.offset(loc, floorDiv(v, per))
			y, ok := addChecked(v, off*per)
			if !ok {
				fail(r, overflowError(r, "to_timezone of %s is beyond the range of %s", formatTime(v, t), t))
			}
			return y, ok
		})
	case fnFromTimezone:
		loc, per := c.loc, perDay(t)/86400
		return ints(func(r int) (int64, bool) {
			v := intAt(x, r)
			off := s.zone.wallOffset(loc, floorDiv(v, per))
			y, ok := addChecked(v, -off*per)
			if !ok {
				fail(r, overflowError(r, "from_timezone of %s is beyond the range of %s", formatTime(v, t), c.t))
			}
			return y, ok
		})
	case fnDateDiff:
		t1 := c.args[1].typ()
		return ints(func(r int) (int64, bool) {
			v, ok := dateDiff(c.tu, intAt(x, r), t, intAt(&a[1], r), t1)
			if !ok {
				fail(r, overflowError(r, "date_diff of %s and %s in %ss is beyond int64", formatTime(intAt(x, r), t), formatTime(intAt(&a[1], r), t1), timeUnitNames[c.tu]))
			}
			return v, ok
		})
	case fnDateAdd:
		return ints(func(r int) (int64, bool) {
			iv, ok := c.iv, true
			if len(a) == 2 {
				iv, ok = interval{}.plusChecked(intAt(&a[1], r), c.tu)
			}
			var v int64
			if ok {
				v, ok = dateAdd(intAt(x, r), iv, t)
			}
			if !ok {
				fail(r, overflowError(r, "date_add to %s is beyond the range of %s", formatTime(intAt(x, r), t), t))
			}
			return v, ok
		})
	case fnWeek, fnDayOfWeek, fnQuarter:
		fn := c.fn
		return ints(func(r int) (int64, bool) {
			days, _ := splitDay(intAt(x, r), t)
			switch fn {
			case fnWeek:
				_, w := isoWeek(days)
				return w, true
			case fnDayOfWeek:
				return (days%7 + 11) % 7, true
			}
			_, m, _ := civil.Date(days)
			return int64(m+2) / 3, true
		})
	case fnEpochMs:
		return ints(func(r int) (int64, bool) {
			v := intAt(x, r)
			switch t {
			case tTime:
				return v / 1000, true
			case tTimeNs:
				return v / 1e6, true
			}
			return mulChecked(v, 86_400_000)
		})
	}
	panic("expr: timeFunc")
}

func formatTime(x int64, t typ) string {
	v := vec{i: []int64{x}, isConst: true}
	return string(appendString(nil, &v, t, 0))
}

// dateDiff counts the unit boundaries from a (of type ta) to b (of type
// tb), as DuckDB's date_diff: calendar units by their fields, week as
// whole 7-day spans of days, fixed units by the floor of each instant.
// Each side is read as days and ns of the day, so that a µs value beyond
// the ns range meets a ns value without a conversion.
func dateDiff(u timeUnit, a int64, ta typ, b int64, tb typ) (int64, bool) {
	da, oa := splitDay(a, ta)
	db, ob := splitDay(b, tb)
	if u <= tuDay {
		ya, ma, _ := civil.Date(da)
		yb, mb, _ := civil.Date(db)
		switch u {
		case tuYear:
			return yb - ya, true
		case tuQuarter:
			return (yb*4 + int64(mb-1)/3) - (ya*4 + int64(ma-1)/3), true
		case tuMonth:
			return (yb*12 + int64(mb)) - (ya*12 + int64(ma)), true
		case tuWeek:
			return (db - da) / 7, true
		}
		return db - da, true
	}
	per := u.nanos() // divides a day
	days, ok := mulChecked(db-da, nanosPerDay/per)
	if !ok {
		return 0, false
	}
	return addChecked(days, ob/per-oa/per)
}

// plusChecked adds n units; ok is false when the amount overflows.
func (iv interval) plusChecked(n int64, u timeUnit) (interval, bool) {
	mul := map[timeUnit]int64{tuYear: 12, tuQuarter: 3, tuMonth: 1, tuWeek: 7, tuDay: 1}
	if m, ok := mul[u]; ok {
		v, ok := mulChecked(n, m)
		if u <= tuMonth {
			iv.months = v
		} else {
			iv.days = v
		}
		return iv, ok
	}
	v, ok := mulChecked(n, u.nanos())
	iv.nanos = v
	return iv, ok
}

// dateAdd adds iv to x (a timestamp or a date read as midnight, of type
// t): months first, the day clamped to the month's last (Jan 31 + 1
// month is Feb 28 or 29, as DuckDB), then days, then the fixed time.
func dateAdd(x int64, iv interval, t typ) (int64, bool) {
	days, ofDay := splitDay(x, t)
	if iv.months != 0 {
		y, m, d := civil.Date(days)
		mi, ok := addChecked(y*12+int64(m-1), iv.months)
		if !ok || mi > 1<<40 || mi < -(1<<40) {
			return 0, false
		}
		ny, nm := floorDiv(mi, 12), int(mi-floorDiv(mi, 12)*12)+1
		days = civil.Days(ny, nm, min(d, civil.DaysIn(ny, nm)))
	}
	days, ok := addChecked(days, iv.days)
	if !ok || days > 1<<40 || days < -(1<<40) {
		return 0, false
	}
	// ofDay + nanos, carried into days without overflow
	extraDays := floorDiv(iv.nanos, nanosPerDay)
	rest := iv.nanos - extraDays*nanosPerDay + ofDay
	days += extraDays + floorDiv(rest, nanosPerDay)
	rest -= floorDiv(rest, nanosPerDay) * nanosPerDay
	return joinDay(days, rest, t)
}

// strptimeColumn is strptime to µs over a string column in one loop over
// the offsets (~45 CPU ns/row for '%Y-%m-%d %H:%M:%S', BenchmarkStrptime);
// rows that do not parse are null, and for strptime the first one that
// counts (not null in the input, cared for) is an error.
func (c *callNode) strptimeColumn(ev *Evaluator, s *slot, x *vec, n int) (vec, error) {
	l := c.layout
	s.i = grow(s.i, n)
	valid := ownValid(s, x.valid, n)
	offs, data, out := x.offs[:n+1], x.data, s.i[:n]
	failed := false
	var cache monthCache
	for r := range out {
		sec, nsec, ok := l.parse(data[offs[r]:offs[r+1]], &cache)
		if ok && sec > -maxMicroSeconds && sec < maxMicroSeconds {
			out[r] = sec*1_000_000 + nsec/1000
			continue
		}
		out[r] = 0
		if getBit(valid, r) {
			clearBit(valid, r)
			failed = true
		}
	}
	if failed && c.fn == fnStrptime {
		if row := ev.overflowRow(x.valid, n, func(r int) bool { return !getBit(valid, r) }); row >= 0 {
			return vec{}, valueError(row, "strptime: %q does not match the layout %q, or is not a valid %s", x.str(row), l.src, c.t)
		}
	}
	out2 := vec{i: s.i, valid: valid}
	if !failed && x.valid == nil {
		out2.valid = nil
	}
	return out2, nil
}

// maxMicroSeconds bounds the seconds a µs timestamp can hold (about
// ±292,000 years), with room for the fraction.
const maxMicroSeconds = 9_223_372_036_853
