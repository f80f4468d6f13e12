package plan

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/arrowpipe/arrowpipe/stages/internal/arrowtype"
)

// Widen returns the type a column takes when files disagree on it, the
// rule by which Open combines files by column name:
//
//   - equal types stay; a column of nulls only (arrow null) takes the other type;
//   - integers of any width and sign → int64; integers and floats → float64;
//   - timestamps of different units → the finest unit (s < ms < µs < ns),
//     provided the time zones agree; a date and a timestamp → the timestamp;
//   - anything else with a string (or two types with no common numeric or
//     time type, such as bool and int64) → string;
//   - two structs → a struct of the fields of both, by name, each widened
//     (a field one file lacks is null there);
//   - other nested types (lists, maps) must be equal: there is no string
//     form to fall back to, so Widen returns an error.
//
// The widened type does not depend on the order of the files, except for
// a struct's field order: widenStruct keeps the first file's fields first,
// then the fields only later files have, in the order they appear.
func Widen(a, b arrow.DataType) (arrow.DataType, error) {
	switch {
	case arrowtype.Same(a, b):
		return a, nil
	case a.ID() == arrow.NULL:
		return b, nil
	case b.ID() == arrow.NULL:
		return a, nil
	case a.ID() == arrow.STRUCT && b.ID() == arrow.STRUCT:
		return widenStruct(a.(*arrow.StructType), b.(*arrow.StructType))
	case nested(a) || nested(b):
		return nil, fmt.Errorf("%s and %s have no common type", a, b)
	case isInt(a) && isInt(b):
		return arrow.PrimitiveTypes.Int64, nil
	case isNum(a) && isNum(b):
		return arrow.PrimitiveTypes.Float64, nil
	case a.ID() == arrow.TIMESTAMP && b.ID() == arrow.TIMESTAMP:
		ta, tb := a.(*arrow.TimestampType), b.(*arrow.TimestampType)
		if ta.TimeZone != tb.TimeZone {
			break
		}
		return &arrow.TimestampType{Unit: max(ta.Unit, tb.Unit), TimeZone: ta.TimeZone}, nil
	case a.ID() == arrow.TIMESTAMP && isDate(b):
		return a, nil
	case b.ID() == arrow.TIMESTAMP && isDate(a):
		return b, nil
	case isDate(a) && isDate(b):
		return arrow.FixedWidthTypes.Date64, nil
	}
	if a.ID() == arrow.LARGE_STRING || b.ID() == arrow.LARGE_STRING {
		return arrow.BinaryTypes.LargeString, nil
	}
	return arrow.BinaryTypes.String, nil
}

func nested(t arrow.DataType) bool {
	_, ok := t.(arrow.NestedType)
	return ok
}

func isInt(t arrow.DataType) bool {
	switch t.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64, arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64:
		return true
	}
	return false
}

func isNum(t arrow.DataType) bool {
	switch t.ID() {
	case arrow.FLOAT16, arrow.FLOAT32, arrow.FLOAT64:
		return true
	}
	return isInt(t)
}

func isDate(t arrow.DataType) bool { return t.ID() == arrow.DATE32 || t.ID() == arrow.DATE64 }
