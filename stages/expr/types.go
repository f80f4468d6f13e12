package expr

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
)

// typ is the type of an expression value. Signed integers and the unsigned
// types that fit in int64 (uint8..uint32) load as tInt, uint64 as tUint
// (its bits kept in a vec's i slice), floats as tFloat, timestamps in s,
// ms or µs as tTime (µs since the epoch, UTC), timestamps in ns as tTimeNs
// (ns since the epoch, UTC) and dates as tDate (days since the epoch).
type typ uint16

const (
	tNull typ = iota // the type of the bare null literal
	tBool
	tInt
	tFloat
	tString
	tTime
	tDate
	tUint   // uint64; after tDate so that the other values keep their numbers
	tTimeNs // a timestamp in ns
	// tLocal and tLocalNs are the zone-less twins of tTime and tTimeNs,
	// the type of a zone-less result only (zone.go): inside an expression
	// every timestamp is tTime or tTimeNs.
	tLocal
	tLocalNs
	tClock // a time of day (time32, time64: DuckDB's TIME), ns since midnight (clock.go)
)

func (t typ) String() string {
	if t.isDec() {
		return decString(t)
	}
	if t.isList() {
		return "list<" + t.elem().String() + ">"
	}
	return [...]string{"null", "bool", "int64", "float64", "string", "timestamp", "date", "uint64", "timestamp[ns]", "timestamp (no zone)", "timestamp[ns] (no zone)", "time"}[t]
}

// timestampType and timestampNsType are the arrow types of timestamp
// results.
var (
	timestampType   = &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}
	timestampNsType = &arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: "UTC"}
	localType       = &arrow.TimestampType{Unit: arrow.Microsecond}
	localNsType     = &arrow.TimestampType{Unit: arrow.Nanosecond}
)

// arrowType is the arrow type that results of type t are returned as.
func (t typ) arrowType() arrow.DataType {
	if t.isDec() {
		p, sc := t.decPS()
		return &arrow.Decimal128Type{Precision: p, Scale: sc}
	}
	switch t {
	case tBool:
		return arrow.FixedWidthTypes.Boolean
	case tInt:
		return arrow.PrimitiveTypes.Int64
	case tUint:
		return arrow.PrimitiveTypes.Uint64
	case tFloat:
		return arrow.PrimitiveTypes.Float64
	case tString:
		return arrow.BinaryTypes.String
	case tTime:
		return timestampType
	case tTimeNs:
		return timestampNsType
	case tLocal:
		return localType
	case tLocalNs:
		return localNsType
	case tClock:
		return arrow.FixedWidthTypes.Time64ns
	case tDate:
		return arrow.FixedWidthTypes.Date32
	}
	if t.isList() {
		return arrow.ListOf(t.elem().arrowType())
	}
	return arrow.Null
}

// typeOf maps an input column's arrow type to the type it is read as.
func typeOf(dt arrow.DataType) (typ, error) {
	switch dt.ID() {
	case arrow.NULL:
		return tNull, nil
	case arrow.BOOL:
		return tBool, nil
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64,
		arrow.UINT8, arrow.UINT16, arrow.UINT32:
		return tInt, nil
	case arrow.UINT64:
		return tUint, nil
	case arrow.FLOAT32, arrow.FLOAT64:
		return tFloat, nil
	case arrow.STRING, arrow.LARGE_STRING:
		return tString, nil
	case arrow.TIMESTAMP:
		if dt.(*arrow.TimestampType).Unit == arrow.Nanosecond {
			return tTimeNs, nil
		}
		return tTime, nil
	case arrow.DATE32, arrow.DATE64:
		return tDate, nil
	case arrow.TIME32, arrow.TIME64:
		return tClock, nil
	case arrow.DECIMAL32, arrow.DECIMAL64, arrow.DECIMAL128, arrow.DECIMAL256:
		return decTypeOf(dt)
	case arrow.LIST, arrow.LARGE_LIST:
		return listTypeOf(dt)
	}
	return 0, fmt.Errorf("unsupported column type %s", dt)
}

func isNumeric(t typ) bool { return t == tInt || t == tUint || t == tFloat }

// isInt64Backed reports whether values of type t live in a vec's i slice.
func isInt64Backed(t typ) bool {
	return t == tInt || t == tUint || t == tTime || t == tTimeNs || t == tDate || t == tLocal || t == tLocalNs || t == tClock
}

// isTime reports whether t is a timestamp or a date.
func isTime(t typ) bool { return t == tTime || t == tTimeNs || t == tDate }

// unify returns the common type two operands are converted to for
// comparison, if/coalesce and in: int and float meet at float, uint64 and
// int64 at int64 (the uint64 value must fit; comparisons and in compare
// the two exactly instead, see compiler.compareNode), date and timestamp
// at timestamp, a timestamp in ns with a date or another timestamp at ns
// (comparisons compare the exact instants instead), null meets anything.
func unify(a, b typ) (typ, bool) {
	if a != b && (a.isDec() || b.isDec()) {
		return unifyDec(a, b)
	}
	switch {
	case a == b:
		return a, true
	case a == tNull:
		return b, true
	case b == tNull:
		return a, true
	case a == tFloat || b == tFloat:
		if isNumeric(a) && isNumeric(b) {
			return tFloat, true
		}
	case isNumeric(a) && isNumeric(b): // int64 and uint64
		return tInt, true
	case isTime(a) && isTime(b):
		if a == tTimeNs || b == tTimeNs {
			return tTimeNs, true
		}
		return tTime, true
	}
	return 0, false
}

// Readable reports whether expressions can read a column of type dt.
func Readable(dt arrow.DataType) bool {
	_, err := typeOf(dt)
	return err == nil
}
