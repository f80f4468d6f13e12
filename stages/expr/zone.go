package expr

import "github.com/apache/arrow-go/v18/arrow"

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
	case fnDateAdd, fnToTimestamp:
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
// it is one; a bare column keeps its own type anyway.
func (c *compiler) zoneless(root node, zone zoneKind) node {
	if _, ok := root.(*colNode); ok || zone != zLocal {
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
