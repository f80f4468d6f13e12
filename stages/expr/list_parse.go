package expr

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/arrowpipe/arrowpipe/stages/textval"
)

// to_list(s, 'type') reads a list from its text: a JSON array, as
// to_string of a list and the CSV writer write one ([1,2,null],
// ["a","b"]), of elements of the named type. Like the other to_*
// conversions it gives null for text that does not convert, strictly: an
// element of another type (1.5 in an int64 list, 1 in a string list), a
// nested array or object, or text around the array.

// listElemNames maps to_list's type names (ours and DuckDB's) to element
// types.
var listElemNames = map[string]typ{
	"int64": tInt, "int": tInt, "bigint": tInt, "integer": tInt,
	"float64": tFloat, "float": tFloat, "double": tFloat,
	"bool": tBool, "boolean": tBool,
	"string": tString, "str": tString, "utf8": tString, "varchar": tString, "text": tString,
	"timestamp": tTime, "date": tDate,
}

// toListCall checks to_list(s, 'type').
func (c *compiler) toListCall(a *callExpr, g *callNode, want func(k int, ts ...typ) error) error {
	if err := want(0, tString); err != nil {
		return err
	}
	k, ok := constArg(g, 1, tString)
	if !ok {
		return c.errorf(a.args[1].position(), "to_list: the element type must be a string literal, such as 'int64'")
	}
	name := strings.ToLower(strings.TrimSpace(string(k.v.constStr())))
	et, ok := listElemNames[strings.TrimSuffix(strings.TrimSuffix(strings.TrimPrefix(name, "list<"), ">"), "[]")]
	if !ok {
		return c.errorf(a.args[1].position(), "to_list: unknown element type %q (int64, float64, bool, string, timestamp or date)", name)
	}
	g.t = listOf(et)
	return nil
}

// toListRows parses each row's text into the elements of a list vec.
func (c *callNode) toListRows(s *slot, a []vec, n int) vec {
	et := c.t.elem()
	x := &a[0]
	s.loffs = grow(s.loffs, n+1)
	s.loffs[0] = 0
	s.tmp = grow(s.tmp, bitmapLen(n)) // the rows' validity: s.valid holds the elements'
	rowValid := s.tmp
	for k := range rowValid {
		rowValid[k] = 0xff
	}
	var ints []int64
	var floats []float64
	var strs [][]byte
	var elemNull []bool
	var raw []json.RawMessage
	for r := 0; r < n; r++ {
		ok := x.isValid(r) && a[1].isValid(r)
		if ok {
			raw = raw[:0]
			ok = json.Unmarshal(bytes.TrimSpace(x.str(r)), &raw) == nil && raw != nil
		}
		mark := len(elemNull)
		for _, m := range raw {
			if !ok {
				break
			}
			if string(m) == "null" {
				elemNull = append(elemNull, true)
				ints, floats, strs = append(ints, 0), append(floats, 0), append(strs, nil)
				continue
			}
			var iv int64
			var fv float64
			var sv []byte
			switch et {
			case tInt:
				iv, ok = textval.ParseInt64(m)
			case tFloat:
				fv, ok = textval.ParseFloat64(m)
				ok = ok && m[0] != '"' && (m[0] == '-' || m[0] >= '0' && m[0] <= '9')
			case tBool:
				ok = string(m) == "true" || string(m) == "false"
				iv = int64(b2u(string(m) == "true"))
			default:
				var str string
				ok = m[0] == '"' && json.Unmarshal(m, &str) == nil
				sv = []byte(str)
				switch et {
				case tTime:
					ts, good := textval.ParseTimestamp(sv)
					iv, ok = int64(ts), good
				case tDate:
					iv, ok = parseDate(str)
				}
			}
			elemNull = append(elemNull, false)
			ints, floats, strs = append(ints, iv), append(floats, fv), append(strs, sv)
		}
		if !ok {
			clearBit(rowValid, r)
			elemNull, ints, floats, strs = elemNull[:mark], ints[:mark], floats[:mark], strs[:mark]
		}
		s.loffs[r+1] = int32(len(elemNull))
	}
	all := vec{i: ints, f: floats}
	if et == tBool {
		all.b = make([]byte, bitmapLen(len(ints)))
		for k, v := range ints {
			if v != 0 {
				setBit(all.b, k)
			}
		}
	}
	if et == tString {
		all.offs = make([]int32, 1, len(strs)+1)
		for _, v := range strs {
			all.data = append(all.data, v...)
			all.offs = append(all.offs, int32(len(all.data)))
		}
	}
	elems, _ := gatherElems(s, et, len(elemNull), func(k int) (*vec, int, bool) { return &all, k, !elemNull[k] })
	out := asList(elems, s.loffs, nil)
	if countNulls(rowValid, n) > 0 {
		out.valid = rowValid
	}
	return out
}
