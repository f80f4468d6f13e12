package expr

import (
	"bytes"
	"crypto/md5"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/cespare/xxhash/v2"
)

// rowwiseMore evaluates the string, conditional, hashing and regexp
// functions with one loop over the rows, the operation chosen once per
// batch. A row is null when any argument is, except for concat, greatest
// and least, which skip null arguments.
func (c *callNode) rowwiseMore(ev *Evaluator, s *slot, a []vec, n int) (vec, error) {
	valid := func(r int) bool {
		for k := range a {
			if !a[k].isValid(r) {
				return false
			}
		}
		return true
	}
	x := &a[0]
	strs := func(f func(r int, dst []byte) []byte) (vec, error) {
		return buildStrings(s, n, func(r int, dst []byte) ([]byte, bool) {
			if !valid(r) {
				return dst, false
			}
			return f(r, dst), true
		})
	}
	ints := func(f func(r int) int64) (vec, error) {
		return buildInts(s, n, func(r int) (int64, bool) {
			if !valid(r) {
				return 0, false
			}
			return f(r), true
		}), nil
	}
	bools := func(f func(r int) bool) (vec, error) {
		return buildBools(s, n, func(r int) (bool, bool) {
			if !valid(r) {
				return false, false
			}
			return f(r), true
		}), nil
	}
	switch c.fn {
	case fnConcat:
		return buildStrings(s, n, func(r int, dst []byte) ([]byte, bool) {
			for k := range a {
				if a[k].isValid(r) {
					dst = appendString(dst, &a[k], c.args[k].typ(), r)
				}
			}
			return dst, true
		})
	case fnGreatest, fnLeast:
		return c.extreme(s, a, n)
	case fnLpad, fnRpad:
		if row := ev.overflowRow(nil, n, func(r int) bool { return valid(r) && intAt(&a[1], r) > maxPad }); row >= 0 {
			return vec{}, overflowError(row, "%s to %d characters is beyond the limit of %d", map[fnID]string{fnLpad: "lpad", fnRpad: "rpad"}[c.fn], intAt(&a[1], row), maxPad)
		}
		left := c.fn == fnLpad
		return buildStrings(s, n, func(r int, dst []byte) ([]byte, bool) {
			if !valid(r) {
				return dst, false
			}
			return appendPad(dst, x.str(r), intAt(&a[1], r), a[2].str(r), left)
		})
	case fnSplitPart:
		return strs(func(r int, dst []byte) []byte {
			return append(dst, splitPart(x.str(r), a[1].str(r), intAt(&a[2], r))...)
		})
	case fnReverse:
		return strs(func(r int, dst []byte) []byte { return appendReverse(dst, x.str(r)) })
	case fnLeft, fnRight:
		right := c.fn == fnRight
		return strs(func(r int, dst []byte) []byte {
			return append(dst, leftRight(x.str(r), intAt(&a[1], r), right)...)
		})
	case fnMD5:
		return strs(func(r int, dst []byte) []byte {
			h := md5.Sum(x.str(r))
			return hex.AppendEncode(dst, h[:])
		})
	case fnSHA256:
		return strs(func(r int, dst []byte) []byte {
			h := sha256.Sum256(x.str(r))
			return hex.AppendEncode(dst, h[:])
		})
	case fnStrpos:
		return ints(func(r int) int64 { return strpos(x.str(r), a[1].str(r)) })
	case fnLevenshtein:
		var ra, rb []rune
		bad := -1
		out, err := ints(func(r int) int64 {
			ra, rb = appendRunes(ra[:0], x.str(r)), appendRunes(rb[:0], a[1].str(r))
			if int64(len(ra))*int64(len(rb)) > maxLevenshteinCells {
				if bad < 0 && (ev.care == nil || getBit(ev.care, r)) {
					bad = r
				}
				return 0
			}
			return int64(levenshtein(ra, rb))
		})
		if bad >= 0 {
			return vec{}, valueError(bad, "levenshtein of strings of %d and %d characters is beyond the limit of %d character pairs",
				utf8.RuneCount(x.str(bad)), utf8.RuneCount(a[1].str(bad)), maxLevenshteinCells)
		}
		return out, err
	case fnHash:
		t := c.args[0].typ()
		return buildInts(s, n, func(r int) (int64, bool) {
			if !valid(r) {
				return 0, false
			}
			return int64(hashValue(x, t, r)), true
		}), nil
	case fnIsNaN:
		isFloat := c.args[0].typ() == tFloat
		return bools(func(r int) bool { return isFloat && math.IsNaN(floatAt(x, r)) })
	case fnLike, fnIlike:
		var scratch []byte
		if l := c.like; l != nil && !x.isConst && !l.fold && l.kind == likeContains {
			return stringPredicate(s, x, n, l.lit, nil), nil
		}
		if l := c.like; l != nil {
			return bools(func(r int) bool { return l.match(x.str(r), &scratch) })
		}
		fold := c.fn == fnIlike
		var pat []byte
		return bools(func(r int) bool {
			p := a[1].str(r)
			if fold {
				pat = appendCase(pat[:0], p, false)
				scratch = appendCase(scratch[:0], x.str(r), false)
				return likeMatch(scratch, pat)
			}
			return likeMatch(x.str(r), p)
		})
	case fnRegexpMatches:
		re := c.re
		if !x.isConst {
			return re.predicate(s, x, n), nil
		}
		return bools(func(r int) bool { return re.match(x.str(r)) })
	case fnRegexpExtract:
		re := c.re
		return strs(func(r int, dst []byte) []byte { return re.appendExtract(dst, x.str(r)) })
	case fnRegexpReplace:
		re := c.re
		return strs(func(r int, dst []byte) []byte { return re.appendReplace(dst, x.str(r)) })
	}
	panic("expr: rowwiseMore " + strconv.Itoa(int(c.fn)))
}

// extreme is greatest/least over values of one type, skipping nulls; a
// row is null only when every argument is. NaN is above every other float,
// as in DuckDB.
func (c *callNode) extreme(s *slot, a []vec, n int) (vec, error) {
	sign := 1 // greatest: keep a candidate that compares above
	if c.fn == fnLeast {
		sign = -1
	}
	// best returns the index of the winning argument of row r, -1 if none.
	best := func(r int, cmp func(k, b int) int) int {
		w := -1
		for k := range a {
			if !a[k].isValid(r) {
				continue
			}
			if w < 0 || cmp(k, w)*sign > 0 {
				w = k
			}
		}
		return w
	}
	switch c.t {
	case tString:
		cmp := func(r int) func(k, b int) int {
			return func(k, b int) int { return bytes.Compare(a[k].str(r), a[b].str(r)) }
		}
		return buildStrings(s, n, func(r int, dst []byte) ([]byte, bool) {
			w := best(r, cmp(r))
			if w < 0 {
				return dst, false
			}
			return append(dst, a[w].str(r)...), true
		})
	case tFloat:
		return buildFloats(s, n, func(r int) (float64, bool) {
			w := best(r, func(k, b int) int { return cmpFloatNaNLast(floatAt(&a[k], r), floatAt(&a[b], r)) })
			if w < 0 {
				return 0, false
			}
			return floatAt(&a[w], r), true
		}), nil
	case tBool:
		return buildBools(s, n, func(r int) (bool, bool) {
			w := best(r, func(k, b int) int { return int(b2u(a[k].boolAt(r))) - int(b2u(a[b].boolAt(r))) })
			if w < 0 {
				return false, false
			}
			return a[w].boolAt(r), true
		}), nil
	}
	unsigned := c.t == tUint
	return buildInts(s, n, func(r int) (int64, bool) {
		w := best(r, func(k, b int) int {
			x, y := intAt(&a[k], r), intAt(&a[b], r)
			if unsigned {
				return cmpOrdered(uint64(x), uint64(y))
			}
			return cmpOrdered(x, y)
		})
		if w < 0 {
			return 0, false
		}
		return intAt(&a[w], r), true
	}), nil
}

func cmpOrdered[T int64 | uint64](x, y T) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

// cmpFloatNaNLast orders floats with NaN above +Inf and equal to itself.
func cmpFloatNaNLast(x, y float64) int {
	xn, yn := math.IsNaN(x), math.IsNaN(y)
	switch {
	case xn && yn:
		return 0
	case xn:
		return 1
	case yn:
		return -1
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

// maxPad bounds lpad/rpad's length, so that one row cannot ask for more
// memory than a batch may hold.
const maxPad = 1 << 20

// appendPad pads s on the left (or right) with repetitions of fill to n
// characters, or cuts it to its first n, as DuckDB's lpad/rpad. With an
// empty fill and padding needed the row is null (DuckDB: an error).
func appendPad(dst, s []byte, n int64, fill []byte, left bool) ([]byte, bool) {
	if n <= 0 {
		return dst, true
	}
	have := int64(utf8.RuneCount(s))
	if have >= n {
		return append(dst, substr(s, 1, n)...), true
	}
	if len(fill) == 0 {
		return dst, false
	}
	if !left {
		dst = append(dst, s...)
	}
	for need := n - have; need > 0; {
		for i := 0; i < len(fill) && need > 0; need-- {
			_, size := utf8.DecodeRune(fill[i:])
			dst = append(dst, fill[i:i+size]...)
			i += size
		}
	}
	if left {
		dst = append(dst, s...)
	}
	return dst, true
}

// splitPart returns field idx (1-based; negative counts from the end) of
// s split at sep, "" when there is no such field; an empty sep splits into
// characters.
func splitPart(s, sep []byte, idx int64) []byte {
	if idx == 0 || len(s) == 0 {
		return nil
	}
	next := func(s []byte) (field, rest []byte, more bool) {
		if len(sep) == 0 {
			_, n := utf8.DecodeRune(s)
			return s[:n], s[n:], n < len(s)
		}
		k := bytes.Index(s, sep)
		if k < 0 {
			return s, nil, false
		}
		return s[:k], s[k+len(sep):], true
	}
	if idx < 0 {
		count := int64(1)
		if len(sep) == 0 {
			count = int64(utf8.RuneCount(s))
		} else {
			count += int64(bytes.Count(s, sep))
		}
		idx += count + 1
		if idx < 1 {
			return nil
		}
	}
	for k := int64(1); ; k++ {
		field, rest, more := next(s)
		if k == idx {
			return field
		}
		if !more {
			return nil
		}
		s = rest
	}
}

// strpos returns the 1-based character position of the first sub in s, 0
// when there is none.
func strpos(s, sub []byte) int64 {
	k := bytes.Index(s, sub)
	if k < 0 {
		return 0
	}
	return int64(utf8.RuneCount(s[:k])) + 1
}

// leftRight returns the first (last, right) n characters of s; a negative n
// leaves out the last (first) -n, as DuckDB.
func leftRight(s []byte, n int64, right bool) []byte {
	total := int64(utf8.RuneCount(s))
	if n < 0 {
		n = max(total+n, 0)
	}
	n = min(n, total)
	if right {
		return substr(s, total-n+1, n)
	}
	return substr(s, 1, n)
}

// appendReverse appends s with its characters in reverse order (invalid
// bytes count as one character each).
func appendReverse(dst, s []byte) []byte {
	for i := len(s); i > 0; {
		_, n := utf8.DecodeLastRune(s[:i])
		dst = append(dst, s[i-n:i]...)
		i -= n
	}
	return dst
}

func appendRunes(dst []rune, s []byte) []rune {
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRune(s[i:])
		dst = append(dst, r)
		i += n
	}
	return dst
}

// maxLevenshteinCells bounds levenshtein's work per row (the product of
// the two lengths in characters: two strings of 8Ki characters, ~0.1 s),
// so that one row of long text cannot stall a run.
const maxLevenshteinCells = 1 << 26

// levenshtein is the edit distance in characters, in O(len(a)·len(b))
// time and O(len(b)) space.
func levenshtein(a, b []rune) int {
	if len(a) < len(b) {
		a, b = b, a
	}
	row := make([]int, len(b)+1)
	for j := range row {
		row[j] = j
	}
	for i := 1; i <= len(a); i++ {
		prev := row[0]
		row[0] = i
		for j := 1; j <= len(b); j++ {
			cur := row[j]
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			row[j] = min(row[j]+1, row[j-1]+1, prev+cost)
			prev = cur
		}
	}
	return row[len(b)]
}

// hashValue is xxhash64 of a value's bytes: a string's UTF-8, an integer,
// timestamp or date as 8 little-endian bytes of its count (so a timestamp
// hashes by its unit), a float's IEEE bits with -0 as 0, a bool as 1 byte.
func hashValue(v *vec, t typ, r int) uint64 {
	var b [8]byte
	switch t {
	case tString:
		return xxhash.Sum64(v.str(r))
	case tBool:
		b[0] = b2u(v.boolAt(r))
		return xxhash.Sum64(b[:1])
	case tFloat:
		f := floatAt(v, r)
		if f == 0 {
			f = 0
		}
		binary.LittleEndian.PutUint64(b[:], math.Float64bits(f))
	default:
		binary.LittleEndian.PutUint64(b[:], uint64(intAt(v, r)))
	}
	return xxhash.Sum64(b[:])
}

// stringPredicate computes f over every row of the string column x (null
// rows too: their bytes are empty or harmless) in one loop over the
// offsets, the result valid where x is; with lit set, f is
// bytes.Contains(row, lit), called directly (~8 ns/row for short strings
// against ~23 through the general row loop).
func stringPredicate(s *slot, x *vec, n int, lit []byte, f func([]byte) bool) vec {
	s.tmp = grow(s.tmp, n+8)
	s.b = grow(s.b, bitmapLen(n))
	offs, data, tmp := x.offs[:n+1], x.data, s.tmp[:n]
	if lit != nil {
		for r := range tmp {
			tmp[r] = b2u(bytes.Contains(data[offs[r]:offs[r+1]], lit))
		}
	} else {
		for r := range tmp {
			tmp[r] = b2u(f(data[offs[r]:offs[r+1]]))
		}
	}
	packBytes(s.tmp, s.b, n)
	return vec{b: s.b, valid: x.valid}
}
