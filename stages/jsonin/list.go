package jsonin

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/arrowpipe/arrowpipe/stages/textval"
)

// A JSON array of scalars is a list column; see the package doc for the
// element type rule. The elements of the line being parsed are slots in
// Decoder.elems, so a bad line is still dropped whole.

// listElem is the element kind of a list type that the decoder reads, and
// whether it reads it.
func listElem(t arrow.DataType) (kind, bool) {
	lt, ok := t.(*arrow.ListType)
	if !ok {
		return 0, false
	}
	switch lt.Elem().ID() {
	case arrow.STRING:
		return kString, true
	case arrow.INT64:
		return kInt64, true
	case arrow.FLOAT64:
		return kFloat64, true
	case arrow.BOOL:
		return kBool, true
	case arrow.STRUCT:
		return kStructElem, structElemOK(lt.Elem())
	}
	return 0, false
}

// observeArray records the kinds of the elements of the array at b[i] into
// n.elems, and the keys of its object elements into n.elem; a nested array
// is recorded as such, not looked into. The line was validated first.
func observeArray(b []byte, i int, n *inode, buf []byte, layout *textval.Layout) (int, []byte) {
	i = skipSpace(b, i+1)
	if b[i] == ']' {
		return i + 1, buf
	}
	for {
		end, _ := skipValue(b, i, 1)
		switch v := b[i]; {
		case v == '[':
			n.elems |= seenArray
		case v == '{':
			n.elems |= seenObject
			_, buf = observeElement(b, i, n, buf, layout)
		case v == '"':
			n.elems |= seenString
		case v == 't' || v == 'f':
			n.elems |= seenBool
		case v == 'n':
			n.elems |= seenNull
		default:
			_, isInt, _ := scanNumber(b, i)
			n.elems |= numberKind(b[i:end], isInt)
		}
		i = skipSpace(b, end)
		if b[i] == ']' {
			return i + 1, buf
		}
		i = skipSpace(b, i+1) // ','
	}
}

// listType is the column type of a key whose sampled values were all
// arrays (or null) with elements of the kinds elems, or nil when the
// arrays nest, which keeps the column as JSON text.
func listType(elems uint16) arrow.DataType {
	switch elems &^ seenNull {
	case seenBool:
		return arrow.ListOf(arrow.FixedWidthTypes.Boolean)
	case seenInt:
		return arrow.ListOf(arrow.PrimitiveTypes.Int64)
	case seenFloat, seenInt | seenFloat:
		return arrow.ListOf(arrow.PrimitiveTypes.Float64)
	}
	if elems&(seenArray|seenObject) != 0 {
		return nil
	}
	// Strings, only empty arrays or null elements, numbers beyond float64,
	// or a mix of strings, numbers and booleans: the elements as text.
	return arrow.ListOf(arrow.BinaryTypes.String)
}

// list parses the array at b[i] for a list column whose elements are of
// kind elem, appending its elements to d.elems.
func (d *Decoder) list(b []byte, i int, elem kind, depth int) (int, *syntaxError) {
	if depth >= maxDepth {
		return 0, errAt(i, "nesting too deep")
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == ']' {
		return i + 1, nil
	}
	for {
		end, err := d.element(b, i, elem, depth+1)
		if err != nil {
			return 0, err
		}
		i = skipSpace(b, end)
		if i < len(b) && b[i] == ',' {
			i = skipSpace(b, i+1)
			continue
		}
		if i < len(b) && b[i] == ']' {
			return i + 1, nil
		}
		return 0, errAt(i, "want ',' or ']'")
	}
}

// element parses one array element at b[i]. A string list holds any
// element: a string unescaped, anything else as its JSON text.
func (d *Decoder) element(b []byte, i int, elem kind, depth int) (int, *syntaxError) {
	if i >= len(b) {
		return 0, errAt(i, "unexpected end of line, want a value")
	}
	c := b[i]
	if c == 'n' {
		end, err := literal(b, i, "null")
		d.elems = append(d.elems, slot{null: true})
		return end, err
	}
	switch elem {
	case kString:
		if c == '"' {
			s, e, esc, out, next, err := scanString(b, i, d.buf)
			if err != nil {
				return 0, err
			}
			d.buf = out
			d.elems = append(d.elems, slot{esc: esc, s: s, e: e})
			return next, nil
		}
		end, err := skipValue(b, i, depth)
		if err != nil {
			return 0, err
		}
		d.elems = append(d.elems, slot{s: i, e: end})
		return end, nil
	case kInt64:
		if c != '-' && (c < '0' || c > '9') {
			return 0, d.typeError(b, i, depth, "", "an integer element")
		}
		end, isInt, err := scanNumber(b, i)
		if err != nil {
			return 0, err
		}
		if !isInt {
			return 0, &syntaxError{pos: i, want: "an integer element", found: "a fraction"}
		}
		v, ok := parseInt(b[i:end])
		if !ok {
			return 0, &syntaxError{pos: i, want: "an integer in range", found: "an integer out of range"}
		}
		d.elems = append(d.elems, slot{i: v})
		return end, nil
	case kFloat64:
		if !startsNumber(c) {
			return 0, d.typeError(b, i, depth, "", "a number element")
		}
		end, _, err := scanNumber(b, i)
		if err != nil {
			return 0, err
		}
		f, ok := parseFloat(b[i:end])
		if !ok {
			return 0, &syntaxError{pos: i, want: "a number in range of float64", found: "a number out of range"}
		}
		d.elems = append(d.elems, slot{f: f})
		return end, nil
	case kStructElem:
		return d.structElement(b, i, d.curList, depth)
	default: // kBool
		switch c {
		case 't':
			d.elems = append(d.elems, slot{i: 1})
			return literal(b, i, "true")
		case 'f':
			d.elems = append(d.elems, slot{})
			return literal(b, i, "false")
		}
		return 0, d.typeError(b, i, depth, "", "a boolean element")
	}
}

// appendList appends the elements d.elems[sl.s:sl.e] as one list.
func (d *Decoder) appendList(c *column, sl *slot) {
	if c.st != nil {
		d.appendStructList(c, sl)
		return
	}
	c.list.Append(true)
	for k := sl.s; k < sl.e; k++ {
		el := &d.elems[k]
		switch {
		case el.null:
			c.list.ValueBuilder().AppendNull()
		case c.str != nil:
			c.str.BinaryBuilder.Append(d.span(el))
		case c.i64 != nil:
			c.i64.Append(el.i)
		case c.f64 != nil:
			c.f64.Append(el.f)
		default:
			c.bl.Append(el.i != 0)
		}
	}
}

// listBuilders sets the typed builders of list column c.
func (c *column) listBuilders() {
	c.list = c.b.(*array.ListBuilder)
	switch vb := c.list.ValueBuilder().(type) {
	case *array.StringBuilder:
		c.str = vb
	case *array.Int64Builder:
		c.i64 = vb
	case *array.Float64Builder:
		c.f64 = vb
	case *array.BooleanBuilder:
		c.bl = vb
	case *array.StructBuilder:
		c.structBuilders(vb)
	}
}

// elemKind is the element kind of list column c.
func (c *column) elemKind() kind {
	switch {
	case c.st != nil:
		return kStructElem
	case c.str != nil:
		return kString
	case c.i64 != nil:
		return kInt64
	case c.f64 != nil:
		return kFloat64
	}
	return kBool
}
