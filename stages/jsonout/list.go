package jsonout

import (
	"strconv"

	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/arrowpipe/arrowpipe/stages/output/textfmt"
)

// AppendList appends row i of l, which must not be null, as the JSON array
// this package writes: each element by the writer's rules, as a top-level
// value of its type is written (strings without HTML escapes, floats
// marked as floats so that [0.0] reads back as floats, NaN and ±Infinity
// bare as DuckDB writes them, structs as objects, nested lists as arrays).
// It takes every list type: list, large_list, fixed_size_list and list
// views; a map (a list of entries) is written as an object by AppendMap.
// ok is false only for an element that encoding/json cannot write
// (buf's contents past its length may then have changed). Package csvout
// writes list fields with it.
func AppendList(buf []byte, l array.ListLike, i int) (out []byte, ok bool) {
	if m, isMap := l.(*array.Map); isMap {
		return AppendMap(buf, m, i)
	}
	start, end := l.ValueOffsets(i)
	vals := l.ListValues()
	buf = append(buf, '[')
	// The common element types without a Column: the hot path of
	// list columns read from NDJSON.
	switch v := vals.(type) {
	case *array.String:
		for k := int(start); k < int(end); k++ {
			buf = listComma(buf, k, start)
			if v.IsNull(k) {
				buf = append(buf, "null"...)
				continue
			}
			buf = appendString(buf, v.Value(k))
		}
		return append(buf, ']'), true
	case *array.Float64:
		for k := int(start); k < int(end); k++ {
			buf = listComma(buf, k, start)
			if v.IsNull(k) {
				buf = append(buf, "null"...)
				continue
			}
			buf = appendFloat64(buf, v.Value(k))
		}
		return append(buf, ']'), true
	case *array.Int64:
		for k := int(start); k < int(end); k++ {
			buf = listComma(buf, k, start)
			if v.IsNull(k) {
				buf = append(buf, "null"...)
				continue
			}
			buf = strconv.AppendInt(buf, v.Value(k), 10)
		}
		return append(buf, ']'), true
	}
	var c textfmt.Column
	c.Reset(vals)
	for k := int(start); k < int(end); k++ {
		buf = listComma(buf, k, start)
		var err error
		if buf, err = appendValue(buf, &c, k); err != nil {
			return buf, false
		}
	}
	return append(buf, ']'), true
}

func listComma(buf []byte, k int, start int64) []byte {
	if k > int(start) {
		return append(buf, ',')
	}
	return buf
}
