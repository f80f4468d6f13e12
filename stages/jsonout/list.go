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
// (buf's contents past its length may then have changed). To write many
// rows of one array, a ListText binds its element views once: for arrays
// of objects ~10x faster (BenchmarkEncodeNested), without allocating.
func AppendList(buf []byte, l array.ListLike, i int) (out []byte, ok bool) {
	var w ListText
	w.Reset(l)
	return w.Append(buf, i)
}

// A ListText writes rows of one list-like array (any list type or a map)
// as AppendList and AppendMap do, with the typed views of its elements,
// and of their nested structs and lists, made once per array. Packages
// jsonout and csvout write list and map columns with one per column. The
// zero value is ready for Reset; a ListText is used by one goroutine at a
// time.
type ListText struct {
	arr   array.ListLike
	keys  textfmt.Column // a map's keys; unset for other lists
	elems valueText      // the elements, or a map's values
	key   []byte         // scratch for a key that is not a string
}

// Array returns the array w is bound to, nil when none.
func (w *ListText) Array() array.ListLike { return w.arr }

// Reset binds w to l, which must stay alive while w writes it; w's scratch
// is reused. Reset(nil) unbinds w.
func (w *ListText) Reset(l array.ListLike) {
	w.arr = l
	if l == nil {
		w.keys = textfmt.Column{}
		w.elems.reset(nil)
		return
	}
	if m, isMap := l.(*array.Map); isMap {
		w.keys.Reset(m.Keys())
		w.elems.reset(m.Items())
		return
	}
	w.keys = textfmt.Column{}
	w.elems.reset(l.ListValues())
}

// Append appends row i, which must not be null, as a JSON array (an
// object for a map). ok is as for AppendList.
func (w *ListText) Append(buf []byte, i int) (out []byte, ok bool) {
	var err error
	if _, isMap := w.arr.(*array.Map); isMap {
		buf, err = w.appendMap(buf, i)
	} else {
		buf, err = w.appendList(buf, i)
	}
	return buf, err == nil
}

func (w *ListText) appendList(buf []byte, i int) ([]byte, error) {
	start, end := w.arr.ValueOffsets(i)
	buf = append(buf, '[')
	// The common element types without a Column: the hot path of
	// list columns read from NDJSON.
	switch v := w.elems.col.Array().(type) {
	case *array.String:
		for k := int(start); k < int(end); k++ {
			buf = listComma(buf, k, start)
			if v.IsNull(k) {
				buf = append(buf, "null"...)
				continue
			}
			buf = appendString(buf, v.Value(k))
		}
		return append(buf, ']'), nil
	case *array.Float64:
		for k := int(start); k < int(end); k++ {
			buf = listComma(buf, k, start)
			if v.IsNull(k) {
				buf = append(buf, "null"...)
				continue
			}
			buf = appendFloat64(buf, v.Value(k))
		}
		return append(buf, ']'), nil
	case *array.Int64:
		for k := int(start); k < int(end); k++ {
			buf = listComma(buf, k, start)
			if v.IsNull(k) {
				buf = append(buf, "null"...)
				continue
			}
			buf = strconv.AppendInt(buf, v.Value(k), 10)
		}
		return append(buf, ']'), nil
	}
	for k := int(start); k < int(end); k++ {
		buf = listComma(buf, k, start)
		var err error
		if buf, err = w.elems.append(buf, k); err != nil {
			return buf, err
		}
	}
	return append(buf, ']'), nil
}

func listComma(buf []byte, k int, start int64) []byte {
	if k > int(start) {
		return append(buf, ',')
	}
	return buf
}
