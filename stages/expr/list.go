package expr

import (
	"bytes"
	"unicode/utf8"
)

// The list functions. A list value is a list of strings (list<string>
// columns, such as Parquet lists; split and regexp_split make them): it
// can be measured, indexed, searched and joined, or be the result of an
// expression (a list column), and explode turns it into rows. It is not
// compared, converted or used by other functions.

// listCall checks split, regexp_split and the list_* functions.
func (c *compiler) listCall(a *callExpr, g *callNode, want func(k int, ts ...typ) error) error {
	switch g.fn {
	case fnSplit:
		g.t = tList
		for k := range g.args {
			if err := want(k, tString); err != nil {
				return err
			}
		}
	case fnRegexpSplit:
		g.t = tList
		if err := c.regexpCall(a, g, want); err != nil {
			return err
		}
		g.t = tList
	case fnListLength, fnListGet, fnListContains, fnListJoin:
		if err := want(0, tList); err != nil {
			return err
		}
		second := map[fnID]typ{fnListGet: tInt, fnListContains: tString, fnListJoin: tString}
		if t, ok := second[g.fn]; ok {
			if err := want(1, t); err != nil {
				return err
			}
		}
		g.t = map[fnID]typ{fnListLength: tInt, fnListGet: tString, fnListContains: tBool, fnListJoin: tString}[g.fn]
	}
	return nil
}

// listFunc evaluates the list functions; a row is null when an argument
// is.
func (c *callNode) listFunc(s *slot, a []vec, n int) (vec, error) {
	valid := func(r int) bool {
		for k := range a {
			if !a[k].isValid(r) {
				return false
			}
		}
		return true
	}
	x := &a[0]
	elem := func(e int32) ([]byte, bool) {
		if x.cvalid != nil && !getBit(x.cvalid, int(e)) {
			return nil, false
		}
		return x.data[x.offs[e]:x.offs[e+1]], true
	}
	switch c.fn {
	case fnSplit, fnRegexpSplit:
		return c.split(s, a, n, valid), nil
	case fnListLength:
		return buildInts(s, n, func(r int) (int64, bool) {
			if !valid(r) {
				return 0, false
			}
			return int64(x.loffs[r+1] - x.loffs[r]), true
		}), nil
	case fnListGet:
		return buildStrings(s, n, func(r int, dst []byte) ([]byte, bool) {
			if !valid(r) {
				return dst, false
			}
			i, size := intAt(&a[1], r), int64(x.loffs[r+1]-x.loffs[r])
			if i < 0 {
				i += size + 1
			}
			if i < 1 || i > size {
				return dst, false
			}
			v, ok := elem(x.loffs[r] + int32(i-1))
			return append(dst, v...), ok
		})
	case fnListContains:
		return buildBools(s, n, func(r int) (bool, bool) {
			if !valid(r) {
				return false, false
			}
			want := a[1].str(r)
			for e := x.loffs[r]; e < x.loffs[r+1]; e++ {
				if v, ok := elem(e); ok && bytes.Equal(v, want) {
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
				if v, ok := elem(e); ok {
					if !first {
						dst = append(dst, a[1].str(r)...)
					}
					dst, first = append(dst, v...), false
				}
			}
			return dst, true
		})
	}
	panic("expr: listFunc")
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
