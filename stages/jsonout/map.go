package jsonout

import (
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/arrowpipe/arrowpipe/stages/internal/rawview"
	"github.com/arrowpipe/arrowpipe/stages/output/textfmt"
)

// AppendMap appends row i of m, which must not be null, as a JSON object,
// as DuckDB's JSON writer writes a MAP: {"k":0.0}. A string key is the
// member's name; any other key is its text as this package writes the
// value, quoted ({"1":"a"} for an int key). Values follow the writer's
// rules. Entries keep their order; a map with equal keys writes each
// (JSON readers then differ on which wins). DuckDB reads such an object
// back as a STRUCT of the keys, jsonin as a struct column (or, when the
// keys vary between rows, a struct of all keys, missing ones null). ok is
// false only for a value encoding/json cannot write. To write many rows
// of one map array, use a ListText.
func AppendMap(buf []byte, m *array.Map, i int) (out []byte, ok bool) {
	var w ListText
	w.Reset(m)
	return w.Append(buf, i)
}

// appendMap appends row i of w's map as a JSON object.
func (w *ListText) appendMap(buf []byte, i int) ([]byte, error) {
	start, end := w.arr.ValueOffsets(i)
	buf = append(buf, '{')
	for k := int(start); k < int(end); k++ {
		if k > int(start) {
			buf = append(buf, ',')
		}
		var err error
		if w.keys.Kind() == textfmt.KindString {
			buf = appendString(buf, w.keys.Text(k))
		} else if buf, err = w.appendKey(buf, k); err != nil {
			return buf, err
		}
		buf = append(buf, ':')
		if buf, err = w.elems.append(buf, k); err != nil {
			return buf, err
		}
	}
	return append(buf, '}'), nil
}

// appendKey appends key k, not a string, as a JSON string of its text.
func (w *ListText) appendKey(buf []byte, k int) ([]byte, error) {
	start := len(buf)
	buf, err := appendValue(buf, &w.keys, k)
	if err != nil || (len(buf) > start && buf[start] == '"') {
		return buf, err
	}
	w.key = append(w.key[:0], buf[start:]...)
	return appendString(buf[:start], rawview.String(w.key)), nil
}
