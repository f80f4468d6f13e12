package expr

import (
	"bytes"
	"regexp"
	"regexp/syntax"
)

// regexpArg is a regexp_* function's pattern, compiled once by Compile
// and shared, read-only, by every Evaluator (a *regexp.Regexp is safe for
// concurrent use).
type regexpArg struct {
	re *regexp.Regexp
	// lit is the whole pattern when it is a plain string (no
	// metacharacters, no flags): a match is bytes.Contains, ~20x faster than
	// the regexp engine (BenchmarkRegexpMatches).
	lit []byte
	// need is a string every match contains, tried with bytes.Contains
	// before the engine runs: rows without it are rejected at memchr speed.
	need []byte
	// dfa, when the pattern allows one, answers match in place of the
	// engine (regexp_dfa.go).
	dfa    *byteDFA
	group  int    // regexp_extract
	repl   []byte // regexp_replace, as an Expand template
	global bool   // regexp_replace 'g'
}

func newRegexpArg(pattern string) (*regexpArg, error) {
	re, err := regexp.Compile(pattern)
	if err != nil {
		return nil, err
	}
	ra := &regexpArg{re: re}
	tree, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return ra, nil // not reached: regexp.Compile parsed it
	}
	tree = tree.Simplify()
	// not re.LiteralPrefix: its "complete" is also true for ^a$
	if tree.Op == syntax.OpLiteral && tree.Flags&syntax.FoldCase == 0 {
		ra.lit = []byte(string(tree.Rune))
		return ra, nil
	}
	ra.need = requiredLiteral(tree)
	ra.dfa = newByteDFA(re)
	return ra, nil
}

// requiredLiteral returns the longest case-sensitive literal that every
// match of re contains, or nil.
func requiredLiteral(re *syntax.Regexp) []byte {
	switch re.Op {
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase == 0 {
			return []byte(string(re.Rune))
		}
	case syntax.OpCapture, syntax.OpPlus:
		return requiredLiteral(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return requiredLiteral(re.Sub[0])
		}
	case syntax.OpConcat:
		var best []byte
		for _, sub := range re.Sub {
			if l := requiredLiteral(sub); len(l) > len(best) {
				best = l
			}
		}
		return best
	}
	return nil
}

// match reports whether s contains a match.
func (ra *regexpArg) match(s []byte) bool {
	if ra.lit != nil {
		return bytes.Contains(s, ra.lit)
	}
	if ra.need != nil && !bytes.Contains(s, ra.need) {
		return false
	}
	return ra.matchAfterFilter(s)
}

// predicate is regexp_matches over the rows of a string column. With a
// literal (the whole pattern, or one every match needs) it runs one
// bytes.Index over the column's values from one hit to the next instead
// of a search per row: rows without the literal cost ~1 ns, not ~15.
func (ra *regexpArg) predicate(s *slot, x *vec, n int) vec {
	s.tmp = grow(s.tmp, n+8)
	s.b = grow(s.b, bitmapLen(n))
	offs, data, tmp := x.offs[:n+1], x.data, s.tmp[:n]
	switch {
	case len(ra.lit) > 0:
		markContaining(tmp, offs, data, ra.lit, nil)
	case len(ra.need) > 0:
		markContaining(tmp, offs, data, ra.need, ra.matchAfterFilter)
	default:
		for r := range tmp {
			tmp[r] = b2u(ra.matchAfterFilter(data[offs[r]:offs[r+1]]))
		}
	}
	packBytes(s.tmp, s.b, n)
	return vec{b: s.b, valid: x.valid}
}

// markContaining sets tmp[r] to 1 for the rows r that hold lit (and pass
// verify, when not nil), 0 for the others. An occurrence running over
// the end of its row sends the search on to the next row: any later one
// in the same row would run over too.
func markContaining(tmp []byte, offs []int32, data, lit []byte, verify func([]byte) bool) {
	clear(tmp)
	pos, end := int(offs[0]), int(offs[len(tmp)])
	for r := 0; r < len(tmp); r++ {
		i := bytes.Index(data[pos:end], lit)
		if i < 0 {
			return
		}
		at := pos + i
		for int(offs[r+1]) <= at {
			r++
		}
		pos = int(offs[r+1])
		if at+len(lit) <= pos && (verify == nil || verify(data[offs[r]:pos])) {
			tmp[r] = 1
		}
	}
}

// matchAfterFilter is match for a row known to hold need.
func (ra *regexpArg) matchAfterFilter(s []byte) bool {
	if ra.dfa != nil {
		return ra.dfa.match(s)
	}
	return ra.re.Match(s)
}

// appendExtract appends the group of the first match, "" when there is
// none or the group took no part in it (as DuckDB). The literal and the
// DFA turn away rows without a match before the engine runs.
func (ra *regexpArg) appendExtract(dst, s []byte) []byte {
	if ra.need != nil && !bytes.Contains(s, ra.need) || ra.dfa != nil && !ra.dfa.match(s) {
		return dst
	}
	loc := ra.re.FindSubmatchIndex(s)
	if loc == nil || loc[2*ra.group] < 0 {
		return dst
	}
	return append(dst, s[loc[2*ra.group]:loc[2*ra.group+1]]...)
}

// appendReplace appends s with its first match (every match when global)
// replaced.
func (ra *regexpArg) appendReplace(dst, s []byte) []byte {
	if ra.need != nil && !bytes.Contains(s, ra.need) || ra.dfa != nil && !ra.dfa.match(s) {
		return append(dst, s...)
	}
	n := 1
	if ra.global {
		n = -1
	}
	last := 0
	for _, loc := range ra.re.FindAllSubmatchIndex(s, n) {
		dst = append(dst, s[last:loc[0]]...)
		dst = ra.re.Expand(dst, ra.repl, s, loc)
		last = loc[1]
	}
	return append(dst, s[last:]...)
}
