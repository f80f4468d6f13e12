package expr

import (
	"bytes"
	"unicode/utf8"
)

// likeArg is a constant LIKE pattern, analysed once: % matches any run of
// characters, _ one character, everything else itself (there is no escape
// character, as in DuckDB without ESCAPE). Patterns of the forms 'abc',
// 'abc%', '%abc' and '%abc%' take a bytes fast path.
type likeArg struct {
	pat  []byte // lowercased for ilike
	fold bool
	kind likeKind
	lit  []byte // the literal of the fast paths
}

type likeKind uint8

const (
	likeGeneral likeKind = iota
	likeExact
	likePrefix
	likeSuffix
	likeContains
)

func newLikeArg(pat []byte, fold bool) *likeArg {
	if fold {
		pat = appendCase(nil, pat, false)
	}
	l := &likeArg{pat: pat, fold: fold}
	inner := bytes.Trim(pat, "%")
	if bytes.ContainsAny(inner, "%_") {
		return l
	}
	l.lit = inner
	pre, suf := bytes.HasPrefix(pat, []byte("%")), bytes.HasSuffix(pat, []byte("%"))
	switch {
	case len(inner) == 0 && (pre || suf):
		l.kind, l.lit = likePrefix, nil // matches everything
	case pre && suf:
		l.kind = likeContains
	case pre:
		l.kind = likeSuffix
	case suf:
		l.kind = likePrefix
	default:
		l.kind = likeExact
	}
	if pre && len(pat)-len(bytes.TrimLeft(pat, "%")) > 1 || suf && len(pat)-len(bytes.TrimRight(pat, "%")) > 1 {
		l.kind = likeGeneral // '%%abc' is rare: keep the fast paths simple
	}
	return l
}

// match reports whether s matches; scratch holds s lowercased for ilike.
func (l *likeArg) match(s []byte, scratch *[]byte) bool {
	if l.fold {
		*scratch = appendCase((*scratch)[:0], s, false)
		s = *scratch
	}
	switch l.kind {
	case likeExact:
		return bytes.Equal(s, l.lit)
	case likePrefix:
		return bytes.HasPrefix(s, l.lit)
	case likeSuffix:
		return bytes.HasSuffix(s, l.lit)
	case likeContains:
		return bytes.Contains(s, l.lit)
	}
	return likeMatch(s, l.pat)
}

// likeMatch matches s against a LIKE pattern by characters, in
// O(len(s)·len(p)) at worst: after a %, a failed match restarts one
// character further along s from that %.
func likeMatch(s, p []byte) bool {
	i, j := 0, 0
	starJ, starI := -1, 0
	for i < len(s) {
		if j < len(p) {
			switch p[j] {
			case '%':
				starJ, starI = j, i
				j++
				continue
			case '_':
				_, n := utf8.DecodeRune(s[i:])
				i += n
				j++
				continue
			default:
				if s[i] == p[j] {
					i++
					j++
					continue
				}
			}
		}
		if starJ < 0 {
			return false
		}
		_, n := utf8.DecodeRune(s[starI:])
		starI += n
		i, j = starI, starJ+1
	}
	for j < len(p) && p[j] == '%' {
		j++
	}
	return j == len(p)
}
