package expr

import (
	"github.com/apache/arrow-go/v18/arrow"
)

// The reference side of zone-less timestamps, as DuckDB types TIMESTAMP
// and TIMESTAMPTZ (session zone UTC): refZone is "local" for a zone-less
// timestamp, "utc" for a zoned one and "" for anything else, a literal, a
// date or null included (those take the zone of what they meet).
func refZone(n astNode, schema *arrow.Schema) string {
	switch n := n.(type) {
	case *colExpr:
		dt := schema.Field(schema.FieldIndices(n.name)[0]).Type
		if ts, ok := dt.(*arrow.TimestampType); ok {
			if ts.TimeZone == "" {
				return "local"
			}
			return "utc"
		}
		return ""
	case *callExpr:
		meet := func(args []astNode) string {
			z := ""
			for _, a := range args {
				switch refZone(a, schema) {
				case "utc":
					return "utc" // TIMESTAMP meeting TIMESTAMPTZ is TIMESTAMPTZ
				case "local":
					z = "local"
				}
			}
			return z
		}
		switch n.name {
		case "coalesce", "greatest", "least", "nullif":
			return meet(n.args)
		case "if":
			return meet(n.args[1:])
		case "to_timestamp":
			if len(n.args) == 2 {
				switch n.args[1].(*litExpr).s {
				case "timestamp", "timestamp_ns", "timestamp[us]", "timestamp[ns]":
					return "local"
				}
				return "utc"
			}
			return refZone(n.args[0], schema)
		case "date_add":
			return refZone(n.args[0], schema)
		case "date_trunc":
			if len(n.args) == 3 {
				return "utc"
			}
			return refZone(n.args[1], schema)
		case "to_timezone": // DuckDB's timezone(): TIMESTAMPTZ -> TIMESTAMP and back
			if refZone(n.args[0], schema) == "local" {
				return "utc"
			}
			return "local"
		case "from_timezone", "strptime", "try_strptime":
			return "utc"
		}
	}
	return ""
}

// refResultType is the arrow type of a timestamp result of static type t.
func refResultType(n astNode, schema *arrow.Schema, t typ) arrow.DataType {
	dt := t.arrowType()
	if ts, ok := dt.(*arrow.TimestampType); ok && refZone(n, schema) == "local" {
		return &arrow.TimestampType{Unit: ts.Unit}
	}
	return dt
}
