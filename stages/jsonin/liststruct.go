package jsonin

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/arrowpipe/arrowpipe/stages/textval"
)

// An array of objects is a list<struct> column: the struct's fields are
// the keys of every sampled element object, in order of first appearance,
// each bool, int64 or float64 when all its sampled values are, else utf8
// (a value that is not a string as its JSON text, as in list<utf8>). In
// the line's elements (Decoder.elems) an object element is a header slot
// followed by one slot per field, null when the key is missing; a null
// element is one null slot.

// structField is one field of the struct elements of a list column.
type structField struct {
	kind kind
	b    array.Builder
}

// observeElement records the keys of the object element at b[i] into
// n.elem.
func observeElement(b []byte, i int, n *inode, buf []byte, layout *textval.Layout) (int, []byte) {
	if n.elem == nil {
		n.elem = &inode{}
	}
	return observe(b, i, n.elem, buf, layout)
}

// structListType is the list<struct> type of a key whose sampled arrays
// held only objects (and nulls) with keys, or nil.
func structListType(n *inode) arrow.DataType {
	if n.elems&^seenNull != seenObject || n.elem == nil || len(n.elem.children) == 0 {
		return nil
	}
	fs := make([]arrow.Field, len(n.elem.children))
	for k, c := range n.elem.children {
		t := arrow.DataType(arrow.BinaryTypes.String)
		if !c.isObject() {
			switch lt := c.leafType(); lt.ID() {
			case arrow.BOOL, arrow.INT64, arrow.FLOAT64:
				t = lt
			}
		}
		fs[k] = arrow.Field{Name: c.key, Type: t, Nullable: true}
	}
	return arrow.ListOf(arrow.StructOf(fs...))
}

// structElemOK says whether the decoder reads struct elements of type t.
func structElemOK(t arrow.DataType) bool {
	st, ok := t.(*arrow.StructType)
	if !ok || st.NumFields() == 0 {
		return false
	}
	for _, f := range st.Fields() {
		switch f.Type.ID() {
		case arrow.STRING, arrow.INT64, arrow.FLOAT64, arrow.BOOL:
		default:
			return false
		}
	}
	return true
}

// structBuilders sets the field builders of a list<struct> column.
func (c *column) structBuilders(sb *array.StructBuilder) {
	c.st = sb
	st := sb.Type().(*arrow.StructType)
	c.fields = make([]structField, st.NumFields())
	c.fieldIndex = make(map[string]int, st.NumFields())
	for k, f := range st.Fields() {
		fk, _ := kindOf(f.Type)
		c.fields[k] = structField{kind: fk, b: sb.FieldBuilder(k)}
		c.fieldIndex[f.Name] = k
	}
}

// structElement parses the object element at b[i] of list column c.
func (d *Decoder) structElement(b []byte, i int, c *column, depth int) (int, *syntaxError) {
	if b[i] != '{' {
		return 0, d.typeError(b, i, depth, "", "an object element")
	}
	if depth >= maxDepth {
		return 0, errAt(i, "nesting too deep")
	}
	base := len(d.elems)
	d.elems = append(d.elems, slot{})
	for range c.fields {
		d.elems = append(d.elems, slot{null: true})
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return i + 1, nil
	}
	for {
		if i >= len(b) || b[i] != '"' {
			return 0, errAt(i, "want a key string")
		}
		keyPos := i
		s, e, esc, out, next, err := scanString(b, i, d.keyBuf[:0])
		if err != nil {
			return 0, err
		}
		d.keyBuf = out
		key := b[s:e]
		if esc {
			key = out[s:e]
		}
		i = skipSpace(b, next)
		if i >= len(b) || b[i] != ':' {
			return 0, errAt(i, "want ':' after key")
		}
		i = skipSpace(b, i+1)
		k, ok := c.fieldIndex[string(key)]
		if !ok {
			if _, err := skipValue(b, i, depth+1); err != nil {
				return 0, err
			}
			return 0, &syntaxError{pos: keyPos, unknown: true, elemKey: string(key)}
		}
		at := len(d.elems)
		if i, err = d.element(b, i, c.fields[k].kind, depth+1); err != nil {
			if err.elemKey == "" {
				err.elemKey = string(key)
			}
			return 0, err
		}
		d.elems[base+1+k] = d.elems[at]
		d.elems = d.elems[:at]
		i = skipSpace(b, i)
		if i < len(b) && b[i] == ',' {
			i = skipSpace(b, i+1)
			continue
		}
		if i < len(b) && b[i] == '}' {
			return i + 1, nil
		}
		return 0, errAt(i, "want ',' or '}'")
	}
}

// appendStructList appends the elements d.elems[sl.s:sl.e] of a
// list<struct> column as one list.
func (d *Decoder) appendStructList(c *column, sl *slot) {
	c.list.Append(true)
	for k := sl.s; k < sl.e; {
		if d.elems[k].null {
			c.st.AppendNull()
			k++
			continue
		}
		c.st.Append(true)
		for f := range c.fields {
			el := &d.elems[k+1+f]
			fb := c.fields[f].b
			if el.null {
				fb.AppendNull()
				continue
			}
			switch fb := fb.(type) {
			case *array.StringBuilder:
				fb.BinaryBuilder.Append(d.span(el))
			case *array.Int64Builder:
				fb.Append(el.i)
			case *array.Float64Builder:
				fb.Append(el.f)
			case *array.BooleanBuilder:
				fb.Append(el.i != 0)
			}
		}
		k += 1 + len(c.fields)
	}
}
