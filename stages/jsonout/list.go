package jsonout

import (
	"math"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/arrowpipe/arrowpipe/stages/output/textfmt"
)

// appendList appends row i of a list column as a JSON array whose elements
// are written as the writer writes columns of their type: strings without
// HTML escapes, floats marked as floats (so [1.0] reads back as floats),
// NaN and ±Inf as null. ok is false for an element type it does not
// write; the caller falls back to encoding/json.
func appendList(buf []byte, l *array.List, i int) (out []byte, ok bool) {
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
			buf = appendFloat(buf, v.Value(k))
		case *array.Int64:
			buf = strconv.AppendInt(buf, v.Value(k), 10)
		case *array.Boolean:
			buf = strconv.AppendBool(buf, v.Value(k))
		case *array.List:
			if buf, ok = appendList(buf, v, k); !ok {
				return buf, false
			}
		default:
			return buf, false
		}
	}
	return append(buf, ']'), true
}

func appendFloat(buf []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(buf, "null"...)
	}
	return appendFloatMark(textfmt.AppendFloat(buf, f, 64), len(buf))
}
