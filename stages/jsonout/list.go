package jsonout

import (
	"math"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/arrowpipe/arrowpipe/stages/output/textfmt"
)

// AppendList appends row i of list l, which must not be null, as the JSON
// array this package writes: elements follow the writer's rules (strings
// without HTML escapes, floats marked as floats so that [1.0] reads back as
// floats, NaN and ±Inf as null). It handles lists of strings, int64,
// float64, booleans and such lists; for other element types ok is false and
// the caller falls back to encoding/json (dst's contents past its length
// may then have changed). Package csvout writes list fields with it.
func AppendList(buf []byte, l *array.List, i int) (out []byte, ok bool) {
	start, end := l.ValueOffsets(i)
	vals := l.ListValues()
	buf = append(buf, '[')
	for k := int(start); k < int(end); k++ {
		if k > int(start) {
			buf = append(buf, ',')
		}
		if vals.IsNull(k) {
			buf = append(buf, "null"...)
			continue
		}
		switch v := vals.(type) {
		case *array.String:
			buf = appendString(buf, v.Value(k))
		case *array.Float64:
			buf = appendListFloat(buf, v.Value(k))
		case *array.Int64:
			buf = strconv.AppendInt(buf, v.Value(k), 10)
		case *array.Boolean:
			buf = strconv.AppendBool(buf, v.Value(k))
		case *array.List:
			if buf, ok = AppendList(buf, v, k); !ok {
				return buf, false
			}
		default:
			return buf, false
		}
	}
	return append(buf, ']'), true
}

// appendListFloat appends a list element as appendFloat appends a field.
func appendListFloat(buf []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(buf, "NaN"...)
	case math.IsInf(f, 1):
		return append(buf, "Infinity"...)
	case math.IsInf(f, -1):
		return append(buf, "-Infinity"...)
	}
	return textfmt.MarkFloat(textfmt.AppendFloat(buf, f, 64), len(buf))
}
