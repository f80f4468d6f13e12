package expr

import (
	"bytes"
	"cmp"
	"math"
	"math/bits"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/arrowpipe/arrowpipe/stages/output/textfmt"
)

// The list functions. A list value (list<T> for T bool, int64, uint64,
// float64, string, timestamp or date: list and large list columns, such as
// NDJSON arrays and Parquet lists; split, regexp_split, list_value and
// list_sort make them) can be measured, indexed, searched, joined,
// summed and sorted, or be the result of an expression (a list column),
// and explode turns it into rows. It is not compared or used by other
// functions.

// takesList reports whether function id takes a list argument.
func takesList(id fnID) bool {
	switch id {
	case fnListLength, fnListGet, fnListContains, fnListJoin, fnListSum, fnListMin, fnListMax, fnListSort,
		fnToString:
		return true
	}
	return false
}

// listCall checks split, regexp_split and the list_* functions.
func (c *compiler) listCall(a *callExpr, g *callNode, want func(k int, ts ...typ) error) error {
	wantList := func() (typ, error) {
		t := g.args[0].typ()
		if t != tNull && !t.isList() {
			return 0, c.errorf(a.args[0].position(), "argument 1 of %s must be a list, got %s", a.name, t)
		}
		return t.elem(), nil // tNull for null
	}
	switch g.fn {
	case fnSplit:
		g.t = tStrList
		for k := range g.args {
			if err := want(k, tString); err != nil {
				return err
			}
		}
		return nil
	case fnRegexpSplit:
		if err := c.regexpCall(a, g, want); err != nil {
			return err
		}
		g.t = tStrList
		return nil
	case fnToList:
		return c.toListCall(a, g, want)
	}
	et, err := wantList()
	if err != nil {
		return err
	}
	switch g.fn {
	case fnListLength:
		g.t = tInt
	case fnListGet:
		g.t = et
		return want(1, tInt)
	case fnListContains:
		g.t = tBool
		at := g.args[1].typ()
		if _, ok := unify(et, at); !ok || at != tNull && !isElemType(at) {
			return c.errorf(a.args[1].position(), "list_contains: cannot look for %s in list<%s>", g.args[1].typ(), et)
		}
	case fnListJoin:
		g.t = tString
		return want(1, tString)
	case fnListSum:
		if et != tNull && !isNumeric(et) {
			return c.errorf(a.args[0].position(), "list_sum needs a list of numbers, got list<%s>", et)
		}
		g.t = et
	case fnListMin, fnListMax:
		g.t = et
	case fnListSort:
		g.t = listOf(et)
		if et == tNull {
			g.t = tNull
		}
	}
	return nil
}

// listValue checks list_value(x, ...) (and [x, ...]): the elements meet
// at one type, as coalesce's arguments do.
func (c *compiler) listValue(a *callExpr, g *callNode) error {
	vals := g.args
	for k := range vals {
		for _, y := range vals {
			vals[k] = c.adapt(vals[k], y.typ())
		}
	}
	t := tNull
	for k, x := range vals {
		u, ok := unify(t, x.typ())
		if !ok || u != tNull && !isElemType(u) {
			return c.errorf(a.args[k].position(), "list_value: cannot make a list of %s and %s", t, x.typ())
		}
		t = u
	}
	if t == tNull {
		return c.errorf(a.pos, "list_value: the elements need a type (to_int(null) ...)")
	}
	for k := range vals {
		vals[k] = c.convert(vals[k], t)
	}
	g.t = listOf(t)
	return nil
}

// listFunc evaluates the list functions; a row is null when an argument
// is (list_value's never is: a null argument is a null element).
func (c *callNode) listFunc(ev *Evaluator, s *slot, a []vec, n int) (vec, error) {
	valid := func(r int) bool {
		for k := range a {
			if !a[k].isValid(r) {
				return false
			}
		}
		return true
	}
	switch c.fn {
	case fnSplit, fnRegexpSplit:
		return c.split(s, a, n, valid), nil
	case fnListValue:
		return c.listValueRows(s, a, n), nil
	case fnToList:
		return c.toListRows(s, a, n), nil
	}
	x := &a[0]
	et := c.args[0].typ().elem()
	switch c.fn {
	case fnListLength:
		return buildInts(s, n, func(r int) (int64, bool) {
			if !valid(r) {
				return 0, false
			}
			return int64(x.loffs[r+1] - x.loffs[r]), true
		}), nil
	case fnListGet:
		return gatherElems(s, et, n, func(r int) (*vec, int, bool) {
			if !valid(r) {
				return nil, 0, false
			}
			i, size := intAt(&a[1], r), int64(x.loffs[r+1]-x.loffs[r])
			if i < 0 {
				i += size + 1
			}
			if i < 1 || i > size {
				return nil, 0, false
			}
			e := x.loffs[r] + int32(i-1)
			return x, int(e), x.elemValid(e)
		})
	case fnListContains:
		eq := elemEqual(x, et, &a[1], c.args[1].typ())
		return buildBools(s, n, func(r int) (bool, bool) {
			if !valid(r) {
				return false, false
			}
			for e := x.loffs[r]; e < x.loffs[r+1]; e++ {
				if x.elemValid(e) && eq(e, r) {
					return true, true
				}
			}
			return false, true
		}), nil
	case fnListJoin:
		return buildStrings(s, n, func(r int, dst []byte) ([]byte, bool) {
			if !valid(r) {
				return dst, false
			}
			first := true
			for e := x.loffs[r]; e < x.loffs[r+1]; e++ {
				if x.elemValid(e) {
					if !first {
						dst = append(dst, a[1].str(r)...)
					}
					dst, first = appendElemText(dst, x, et, e), false
				}
			}
			return dst, true
		})
	case fnListSum:
		return listSum(ev, s, x, et, n)
	case fnListMin, fnListMax:
		less := elemLess(x, et)
		isMax := c.fn == fnListMax
		return gatherElems(s, et, n, func(r int) (*vec, int, bool) {
			best := int32(-1)
			if x.isValid(r) {
				for e := x.loffs[r]; e < x.loffs[r+1]; e++ {
					if x.elemValid(e) && (best < 0 || isMax && less(best, e) || !isMax && less(e, best)) {
						best = e
					}
				}
			}
			return x, int(best), best >= 0
		})
	case fnListSort:
		return listSort(s, x, et, n), nil
	}
	panic("expr: listFunc")
}

// gatherElems builds a vec of n values of type et: value k is the value at
// index idx of v (a row of a column or constant, or an element of a list),
// or null when ok is false.
func gatherElems(s *slot, et typ, n int, pick func(k int) (v *vec, idx int, ok bool)) (vec, error) {
	switch et {
	case tFloat:
		return buildFloats(s, n, func(k int) (float64, bool) {
			v, i, ok := pick(k)
			if !ok {
				return 0, false
			}
			return floatAt(v, i), true
		}), nil
	case tBool:
		return buildBools(s, n, func(k int) (bool, bool) {
			v, i, ok := pick(k)
			if !ok {
				return false, false
			}
			return v.boolAt(i), true
		}), nil
	case tString:
		return buildStrings(s, n, func(k int, dst []byte) ([]byte, bool) {
			v, i, ok := pick(k)
			if !ok {
				return dst, false
			}
			return append(dst, v.str(i)...), true
		})
	}
	return buildInts(s, n, func(k int) (int64, bool) {
		v, i, ok := pick(k)
		if !ok {
			return 0, false
		}
		return intAt(v, i), true
	}), nil
}

// asList turns a vec of m values (its validity the elements' nulls) into
// the elements of a list vec with offsets loffs and row validity valid.
func asList(elems vec, loffs []int32, valid []byte) vec {
	return vec{valid: valid, loffs: loffs, cvalid: elems.valid, i: elems.i, f: elems.f, b: elems.b, offs: elems.offs, data: elems.data}
}

// listValueRows builds list_value(a...): row r holds a[0][r], a[1][r]...
func (c *callNode) listValueRows(s *slot, a []vec, n int) vec {
	k := len(a)
	s.loffs = grow(s.loffs, n+1)
	for r := range s.loffs {
		s.loffs[r] = int32(r * k)
	}
	elems, _ := gatherElems(s, c.t.elem(), n*k, func(i int) (*vec, int, bool) {
		v := &a[i%k]
		return v, i / k, v.isValid(i / k)
	})
	return asList(elems, s.loffs, nil)
}

// listSort sorts each row's elements ascending, nulls last, NaN above
// every other float (DuckDB's list_sort).
func listSort(s *slot, x *vec, et typ, n int) vec {
	lo, hi := x.loffs[0], x.loffs[n]
	perm := make([]int32, hi-lo)
	for k := range perm {
		perm[k] = lo + int32(k)
	}
	less := elemLess(x, et)
	for r := 0; r < n; r++ {
		seg := perm[x.loffs[r]-lo : x.loffs[r+1]-lo]
		slices.SortStableFunc(seg, func(p, q int32) int {
			pv, qv := x.elemValid(p), x.elemValid(q)
			switch {
			case !pv || !qv:
				return cmp.Compare(b2u(!pv), b2u(!qv))
			case less(p, q):
				return -1
			case less(q, p):
				return 1
			}
			return 0
		})
	}
	s.loffs = grow(s.loffs, n+1)
	for r := range s.loffs {
		s.loffs[r] = x.loffs[r] - lo
	}
	elems, _ := gatherElems(s, et, len(perm), func(k int) (*vec, int, bool) {
		return x, int(perm[k]), x.elemValid(perm[k])
	})
	return asList(elems, s.loffs, x.valid)
}

// elemLess orders the elements of list vec x: numbers by value (NaN
// above every other float), strings by bytes, false before true.
func elemLess(x *vec, et typ) func(p, q int32) bool {
	switch et {
	case tFloat:
		return func(p, q int32) bool {
			a, b := x.f[p], x.f[q]
			return a < b || math.IsNaN(b) && !math.IsNaN(a)
		}
	case tUint:
		return func(p, q int32) bool { return uint64(x.i[p]) < uint64(x.i[q]) }
	case tBool:
		return func(p, q int32) bool { return !getBit(x.b, int(p)) && getBit(x.b, int(q)) }
	case tString:
		return func(p, q int32) bool {
			return bytes.Compare(x.data[x.offs[p]:x.offs[p+1]], x.data[x.offs[q]:x.offs[q+1]]) < 0
		}
	}
	return func(p, q int32) bool { return x.i[p] < x.i[q] }
}

// elemEqual returns whether element e of list vec x (element type et)
// equals row r of y (type yt), comparing numbers and instants exactly
// across types (1 == 1.0, a date == its midnight).
func elemEqual(x *vec, et typ, y *vec, yt typ) func(e int32, r int) bool {
	switch {
	case et == tString && yt == tString:
		return func(e int32, r int) bool { return bytes.Equal(x.data[x.offs[e]:x.offs[e+1]], y.str(r)) }
	case et == tBool && yt == tBool:
		return func(e int32, r int) bool { return getBit(x.b, int(e)) == y.boolAt(r) }
	case et == tFloat || yt == tFloat:
		return func(e int32, r int) bool { return numAsFloat(x, et, int(e)) == numAsFloat(y, yt, r) }
	case isTime(et) || isTime(yt):
		return func(e int32, r int) bool {
			s1, n1 := instant(intAt(x, int(e)), et)
			s2, n2 := instant(intAt(y, r), yt)
			return s1 == s2 && n1 == n2
		}
	case et == tUint || yt == tUint:
		return func(e int32, r int) bool {
			a, b := intAt(x, int(e)), intAt(y, r)
			if et != yt && (a < 0 && et == tInt || b < 0 && yt == tInt) {
				return false
			}
			return a == b
		}
	}
	return func(e int32, r int) bool { return intAt(x, int(e)) == intAt(y, r) }
}

// numAsFloat reads value k of a number vec as float64.
func numAsFloat(v *vec, t typ, k int) float64 {
	switch t {
	case tFloat:
		return floatAt(v, k)
	case tUint:
		return float64(uint64(intAt(v, k)))
	}
	return float64(intAt(v, k))
}

// instant splits a timestamp or date of type t into whole seconds and ns.
func instant(x int64, t typ) (int64, int64) {
	switch t {
	case tDate:
		return x * 86400, 0
	case tTimeNs:
		return floorDiv(x, 1e9), x - floorDiv(x, 1e9)*1e9
	}
	return floorDiv(x, 1e6), (x - floorDiv(x, 1e6)*1e6) * 1000
}

// appendElemText appends element e as the CSV writer writes a value of
// its type: floats in their shortest form marked as floats (1.5, 100.0,
// 1e-7, NaN, inf), timestamps in RFC 3339 UTC, dates as 2006-01-02.
func appendElemText(dst []byte, x *vec, et typ, e int32) []byte {
	switch et {
	case tString:
		return append(dst, x.data[x.offs[e]:x.offs[e+1]]...)
	case tInt:
		return strconv.AppendInt(dst, x.i[e], 10)
	case tUint:
		return strconv.AppendUint(dst, uint64(x.i[e]), 10)
	case tFloat:
		switch f := x.f[e]; {
		case math.IsNaN(f):
			return append(dst, "NaN"...)
		case math.IsInf(f, 1):
			return append(dst, "inf"...)
		case math.IsInf(f, -1):
			return append(dst, "-inf"...)
		}
		return textfmt.MarkFloat(textfmt.AppendFloat(dst, x.f[e], 64), len(dst))
	case tBool:
		return strconv.AppendBool(dst, getBit(x.b, int(e)))
	case tTime:
		return textfmt.AppendTimestamp(dst, x.i[e], arrow.Microsecond)
	case tTimeNs:
		return textfmt.AppendTimestamp(dst, x.i[e], arrow.Nanosecond)
	case tDate:
		return textfmt.AppendDate(dst, x.i[e])
	}
	return dst
}

// listSum sums each row's non-null elements (null for a null, empty or
// all-null list). Integers are summed in 128 bits, as DuckDB does, and a
// total beyond int64 (uint64 for uint64 elements) is an error wrapping
// ErrOverflow that names the row.
func listSum(ev *Evaluator, s *slot, x *vec, et typ, n int) (vec, error) {
	if et == tFloat {
		return buildFloats(s, n, func(r int) (float64, bool) {
			sum, any := 0.0, false
			if x.isValid(r) {
				for e := x.loffs[r]; e < x.loffs[r+1]; e++ {
					if x.elemValid(e) {
						sum, any = sum+x.f[e], true
					}
				}
			}
			return sum, any
		}), nil
	}
	bad := -1
	out := buildInts(s, n, func(r int) (int64, bool) {
		// a 128-bit sum, so that only the total must fit, as in DuckDB
		var hi int64
		var lo uint64
		any := false
		if x.isValid(r) {
			for e := x.loffs[r]; e < x.loffs[r+1]; e++ {
				if !x.elemValid(e) {
					continue
				}
				v := x.i[e]
				var carry uint64
				lo, carry = bits.Add64(lo, uint64(v), 0)
				hi += int64(carry)
				if et != tUint && v < 0 {
					hi--
				}
				any = true
			}
		}
		over := hi != 0
		if et != tUint {
			over = hi != int64(lo)>>63
		}
		if any && over && bad < 0 && (ev.care == nil || getBit(ev.care, r)) {
			bad = r
		}
		return int64(lo), any
	})
	if bad >= 0 {
		return vec{}, overflowError(bad, "list_sum of %s beyond the range of %s", listText(x, et, bad), et)
	}
	return out, nil
}

// listText renders row r of list vec x for an error message.
func listText(x *vec, et typ, r int) string {
	b := []byte{'['}
	for e := x.loffs[r]; e < x.loffs[r+1]; e++ {
		if e > x.loffs[r] {
			b = append(b, ", "...)
		}
		if !x.elemValid(e) {
			b = append(b, "null"...)
			continue
		}
		b = appendElemText(b, x, et, e)
	}
	return string(append(b, ']'))
}

// split builds the list column of split(s, sep) (an empty sep splits into
// characters, as DuckDB's string_split) or regexp_split(s, re).
func (c *callNode) split(s *slot, a []vec, n int, valid func(r int) bool) vec {
	x := &a[0]
	s.loffs = grow(s.loffs, n+1)
	s.offs = append(s.offs[:0], 0)
	s.data = s.data[:0]
	out := ownValid(s, nil, n)
	nulls := 0
	s.loffs[0] = 0
	add := func(part []byte) {
		s.data = append(s.data, part...)
		s.offs = append(s.offs, int32(len(s.data)))
	}
	for r := 0; r < n; r++ {
		if !valid(r) {
			clearBit(out, r)
			nulls++
			s.loffs[r+1] = int32(len(s.offs) - 1)
			continue
		}
		str := x.str(r)
		switch {
		case c.fn == fnRegexpSplit: // as Go's regexp.Split(s, -1)
			if len(str) == 0 && c.re.re.String() != "" {
				add(nil)
				break
			}
			beg, end := 0, 0
			for _, loc := range c.re.re.FindAllIndex(str, -1) {
				end = loc[0]
				if loc[1] != 0 {
					add(str[beg:end])
				}
				beg = loc[1]
			}
			if end != len(str) {
				add(str[beg:])
			}
		case len(a[1].str(r)) == 0:
			for i := 0; i < len(str); {
				_, size := utf8.DecodeRune(str[i:])
				add(str[i : i+size])
				i += size
			}
		default:
			sep := a[1].str(r)
			for {
				k := bytes.Index(str, sep)
				if k < 0 {
					add(str)
					break
				}
				add(str[:k])
				str = str[k+len(sep):]
			}
		}
		s.loffs[r+1] = int32(len(s.offs) - 1)
	}
	v := vec{loffs: s.loffs, offs: s.offs, data: s.data}
	if nulls > 0 {
		v.valid = out
	}
	return v
}
