package jsonout

import (
	"encoding/json"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/arrowpipe/arrowpipe/stages/output/textfmt"
)

// AppendStruct appends row i of struct s, which must not be null, as the
// JSON object this package writes: one key per field in field order, a
// null field as null, each value by the writer's rules (a nested struct as
// an object), so that an object read by package jsonin writes back as it
// was read. It errs only for a value encoding/json cannot write. To write
// many rows of one array, a StructText is ~2x faster.
func AppendStruct(buf []byte, s *array.Struct, i int) ([]byte, error) {
	var w StructText
	w.Reset(s)
	return w.Append(buf, i)
}

// A StructText writes rows of one struct array as AppendStruct does,
// with its fields' typed views and keys made once per array, and those of
// nested structs, lists and maps too. Packages jsonout and csvout write
// struct columns with it. The zero value is ready for Reset; a StructText
// is used by one goroutine at a time.
type StructText struct {
	keys   []byte // each field's `"name":`, at offs
	offs   []int
	fields []valueText
	arr    *array.Struct
}

// Array returns the array w is bound to, nil when none.
func (w *StructText) Array() *array.Struct { return w.arr }

// Reset binds w to s, which must stay alive while w writes it; w's scratch
// is reused. Reset(nil) unbinds w.
func (w *StructText) Reset(s *array.Struct) {
	w.arr = s
	if s == nil {
		for k := range w.fields {
			w.fields[k].reset(nil)
		}
		w.fields = w.fields[:0]
		return
	}
	n := s.NumField()
	st := s.DataType().(*arrow.StructType)
	w.keys, w.offs = w.keys[:0], w.offs[:0]
	for k := range n {
		w.offs = append(w.offs, len(w.keys))
		w.keys = appendString(w.keys, st.Field(k).Name)
		w.keys = append(w.keys, ':')
	}
	w.offs = append(w.offs, len(w.keys))
	if cap(w.fields) < n {
		w.fields = append(w.fields[:cap(w.fields)], make([]valueText, n-cap(w.fields))...)
	}
	w.fields = w.fields[:n]
	for k := range n {
		w.fields[k].reset(s.Field(k))
	}
}

// Append appends row i, which must not be null, as a JSON object.
func (w *StructText) Append(buf []byte, i int) ([]byte, error) {
	buf = append(buf, '{')
	for k := range w.fields {
		if k > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, w.keys[w.offs[k]:w.offs[k+1]]...)
		var err error
		if buf, err = w.fields[k].append(buf, i); err != nil {
			return buf, err
		}
	}
	return append(buf, '}'), nil
}

// A valueText writes the values of one array by the writer's rules: a
// struct, list or map through its own StructText or ListText, bound with
// the array, so that nested values cost no views per value. The nested
// writers are kept (unbound) across resets for reuse.
type valueText struct {
	col  textfmt.Column
	st   *StructText // bound when the array is a struct
	list *ListText   // bound when the array is a list or map
}

// reset binds v to a, or unbinds v when a is nil.
func (v *valueText) reset(a arrow.Array) {
	if v.st != nil {
		v.st.Reset(nil)
	}
	if v.list != nil {
		v.list.Reset(nil)
	}
	if a == nil {
		v.col = textfmt.Column{}
		return
	}
	v.col.Reset(a)
	switch a := a.(type) {
	case *array.Struct:
		if v.st == nil {
			v.st = new(StructText)
		}
		v.st.Reset(a)
	case array.ListLike:
		if v.list == nil {
			v.list = new(ListText)
		}
		v.list.Reset(a)
	}
}

// append appends value i, null or not.
func (v *valueText) append(buf []byte, i int) ([]byte, error) {
	c := &v.col
	switch {
	case c.IsNull(i):
		return append(buf, "null"...), nil
	case v.st != nil && v.st.arr != nil:
		return v.st.Append(buf, i)
	case v.list != nil && v.list.arr != nil:
		if out, ok := v.list.Append(buf, i); ok {
			return out, nil
		}
	}
	return appendValue(buf, c, i)
}

// appendValue appends value i of column c by the writer's rules.
func appendValue(buf []byte, c *textfmt.Column, i int) ([]byte, error) {
	if c.IsNull(i) {
		return append(buf, "null"...), nil
	}
	switch c.Kind() {
	case textfmt.KindString:
		return appendString(buf, c.Text(i)), nil
	case textfmt.KindFloat:
		return appendFloat(buf, c, i), nil
	case textfmt.KindInt, textfmt.KindBool, textfmt.KindDecimal:
		return c.AppendText(buf, i), nil
	case textfmt.KindTimestamp, textfmt.KindDate, textfmt.KindTime:
		buf = append(buf, '"')
		buf = c.AppendText(buf, i)
		return append(buf, '"'), nil
	case textfmt.KindOther:
		switch a := c.Array().(type) {
		case *array.Struct:
			return AppendStruct(buf, a, i)
		case array.ListLike:
			if out, ok := AppendList(buf, a, i); ok {
				return out, nil
			}
		}
		v, err := json.Marshal(c.Array().GetOneForMarshal(i))
		if err != nil {
			return buf, err
		}
		return append(buf, v...), nil
	}
	return c.AppendText(buf, i), nil
}
