package textval

import (
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
)

// listElems maps the element names a list type may have in a spec (ours
// and DuckDB's) to the element types the NDJSON reader reads arrays into;
// the first name of each type is the one FormatSchema writes.
var listElems = []struct {
	name string
	dt   arrow.DataType
}{
	{"int64", arrow.PrimitiveTypes.Int64}, {"int", arrow.PrimitiveTypes.Int64},
	{"bigint", arrow.PrimitiveTypes.Int64}, {"integer", arrow.PrimitiveTypes.Int64},
	{"float64", arrow.PrimitiveTypes.Float64}, {"float", arrow.PrimitiveTypes.Float64},
	{"double", arrow.PrimitiveTypes.Float64},
	{"bool", arrow.FixedWidthTypes.Boolean}, {"boolean", arrow.FixedWidthTypes.Boolean},
	{"string", arrow.BinaryTypes.String}, {"str", arrow.BinaryTypes.String},
	{"utf8", arrow.BinaryTypes.String}, {"varchar", arrow.BinaryTypes.String},
	{"text", arrow.BinaryTypes.String},
}

// listType reads a lower-case list type: list<T> (Arrow's spelling, as
// FormatSchema writes it) or T[] (DuckDB's), T one of listElems' names,
// spaces allowed inside; nil for any other text. A list's elements may be
// null.
func listType(tname string) arrow.DataType {
	var elem string
	if rest, ok := strings.CutPrefix(tname, "list<"); ok {
		if elem, ok = strings.CutSuffix(rest, ">"); !ok {
			return nil
		}
	} else if rest, ok := strings.CutSuffix(tname, "[]"); ok {
		elem = rest
	} else {
		return nil
	}
	elem = strings.TrimSpace(elem)
	for _, e := range listElems {
		if e.name == elem {
			return arrow.ListOf(e.dt)
		}
	}
	return nil
}

// listName writes a list type as listType reads it ("list<int64>"), or ""
// when listType cannot read it back.
func listName(dt arrow.DataType) string {
	l, ok := dt.(*arrow.ListType)
	if !ok {
		return ""
	}
	for _, e := range listElems {
		if arrow.TypeEqual(e.dt, l.Elem()) {
			return "list<" + e.name + ">"
		}
	}
	return ""
}
