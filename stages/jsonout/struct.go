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
// was read. Package csvout writes struct fields with it. It errs only for
// a value encoding/json cannot write.
func AppendStruct(buf []byte, s *array.Struct, i int) ([]byte, error) {
	st := s.DataType().(*arrow.StructType)
	buf = append(buf, '{')
	var c textfmt.Column
	for k := range s.NumField() {
		if k > 0 {
			buf = append(buf, ',')
		}
		buf = appendString(buf, st.Field(k).Name)
		buf = append(buf, ':')
		c.Reset(s.Field(k))
		var err error
		if buf, err = appendValue(buf, &c, i); err != nil {
			return buf, err
		}
	}
	return append(buf, '}'), nil
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
	case textfmt.KindTimestamp, textfmt.KindDate:
		buf = append(buf, '"')
		buf = c.AppendText(buf, i)
		return append(buf, '"'), nil
	case textfmt.KindOther:
		switch a := c.Array().(type) {
		case *array.Struct:
			return AppendStruct(buf, a, i)
		case *array.List:
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
