package expr

import (
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
)

// Zone-less timestamps. Arrow's timestamp with TimeZone "" is a wall
// clock with no zone (DuckDB's TIMESTAMP); one with a zone is an instant
// (TIMESTAMPTZ). Both hold the same numbers here: a wall clock is
// computed as the UTC instant that shows it, which is what DuckDB does
// with its session zone set to UTC. So the kernels never see the
// difference; the compiler follows which values are zone-less, by syntax
// node, and gives the result its type at the end (see Compile), and
// to_timezone reads a zone-less value as a wall clock in the zone.

// zoneKind is what the compiler knows of a value's zone.
type zoneKind uint8

const (
	zAny   zoneKind = iota // no timestamp, or one that takes the zone of what it meets: a literal, a date, null
	zUTC                   // a timestamp with a zone (an instant)
	zLocal                 // a zone-less timestamp (a wall clock)
)

// meetZone is the zone of a value made of values of zones a and b, as
// DuckDB's implicit cast: TIMESTAMP meeting TIMESTAMPTZ becomes
// TIMESTAMPTZ.
func meetZone(a, b zoneKind) zoneKind {
	switch {
	case a == zUTC || b == zUTC:
		return zUTC
	case a == zLocal || b == zLocal:
		return zLocal
	}
	return zAny
}

// columnZone is the zone of a column of type dt.
func columnZone(dt arrow.DataType) zoneKind {
	if ll, ok := dt.(arrow.ListLikeType); ok {
		dt = ll.Elem()
	}
	if ts, ok := dt.(*arrow.TimestampType); ok {
		if ts.TimeZone == "" {
			return zLocal
		}
		return zUTC
	}
	return zAny
}

// zoneOf returns the zone of the value a compiled to (see zoneKind).
func (c *compiler) zoneOf(a astNode) zoneKind { return c.zones[a] }

// callZone is the zone of call a's result, from its arguments' zones.
func (c *compiler) callZone(a *callExpr) zoneKind {
	info := funcs[a.name]
	meetArgs := func(args []astNode) zoneKind {
		z := zAny
		for _, x := range args {
			z = meetZone(z, c.zoneOf(x))
		}
		return z
	}
	switch info.id {
	case fnCoalesce, fnGreatest, fnLeast, fnNullif:
		return meetArgs(a.args)
	case fnIf:
		return meetArgs(a.args[1:])
	case fnToTimestamp:
		if len(a.args) == 2 {
			_, z, _ := timestampTypeArg(a)
			return z
		}
		return c.zoneOf(a.args[0])
	case fnDateAdd:
		return c.zoneOf(a.args[0])
	case fnDateTrunc:
		if len(a.args) == 3 {
			return zUTC
		}
		return c.zoneOf(a.args[1])
	case fnToTimezone:
		if c.zoneOf(a.args[0]) == zLocal && !c.instant[a] {
			return zUTC // the wall clock read in the zone: an instant
		}
		return zLocal // the wall clock there
	case fnFromTimezone, fnStrptime, fnTryStrptime:
		return zUTC
	}
	return zAny
}

// zoneless gives root the zone-less type of its timestamp when zone says
// it is one. A column passed on as the result keeps its own type unless
// to_timestamp(x, 'type') names the other zone.
func (c *compiler) zoneless(root node, zone zoneKind) node {
	if col, ok := root.(*colNode); ok {
		if zone == zAny || columnZone(col.dt) == zone {
			return root
		}
		if zone == zUTC {
			return &retypeNode{base{c.id(), col.t}, col} // no longer the bare column
		}
	}
	if zone != zLocal {
		return root
	}
	switch root.typ() {
	case tTime:
		return c.retype(root, tLocal)
	case tTimeNs:
		return c.retype(root, tLocalNs)
	}
	return root
}

// timestampTypes are the type names to_timestamp(x, 'type') takes: the
// unit and whether the result is zone-less, as DuckDB's TIMESTAMP,
// TIMESTAMPTZ and TIMESTAMP_NS and Arrow's timestamp[unit(, zone)].
var timestampTypes = map[string]struct {
	t    typ
	zone zoneKind
}{
	"timestamp": {tTime, zLocal}, "timestamp[us]": {tTime, zLocal},
	"timestamptz": {tTime, zUTC}, "timestamp with time zone": {tTime, zUTC}, "timestamp[us, utc]": {tTime, zUTC},
	"timestamp_ns": {tTimeNs, zLocal}, "timestamp[ns]": {tTimeNs, zLocal}, "timestamp[ns, utc]": {tTimeNs, zUTC},
}

// timestampTypeArg returns the type named by to_timestamp's second
// argument, a string literal.
func timestampTypeArg(a *callExpr) (typ, zoneKind, bool) {
	lit, ok := a.args[1].(*litExpr)
	if !ok || lit.kind != litString {
		return 0, 0, false
	}
	tt, ok := timestampTypes[strings.ToLower(strings.TrimSpace(lit.s))]
	return tt.t, tt.zone, ok
}

// nsToMicroNode converts ns to µs, dropping the ns digits toward zero as
// DuckDB's cast of TIMESTAMP_NS to TIMESTAMP does (1969-12-31
// 23:59:59.999999999 becomes 1970-01-01 00:00:00).
type nsToMicroNode struct {
	base
	x node
}

func (c *nsToMicroNode) kids() []node { return []node{c.x} }

func (c *nsToMicroNode) eval(ev *Evaluator, in *input) (vec, error) {
	v, err := c.x.eval(ev, in)
	if err != nil || v.isConst && v.null {
		return v, err
	}
	v = ev.full(c.x, v, in.n)
	s := ev.slot(c)
	s.i = grow(s.i, in.n)
	for k, x := range v.i[:in.n] {
		s.i[k] = x / 1000
	}
	return vec{valid: v.valid, i: s.i}, nil
}
