package colname

import (
	"strings"
	"unicode/utf8"
)

// Closest returns the candidate nearest to name, ignoring case, or "" when
// none is a plausible typo of it: at most a third of name's length away
// (at least one edit), or, for a name of three or more letters, the start
// of exactly one candidate ("prod" for "product"). Every "did you mean"
// in arrowpipe uses this one rule.
func Closest(name string, candidates []string) string {
	ln := strings.ToLower(name)
	best, bestD := "", -1
	prefixOf, prefixes := "", 0
	for _, c := range candidates {
		lc := strings.ToLower(c)
		if d := editDistance(ln, lc); bestD < 0 || d < bestD {
			best, bestD = c, d
		}
		if lc != ln && strings.HasPrefix(lc, ln) {
			prefixOf, prefixes = c, prefixes+1
		}
	}
	n := utf8.RuneCountInString(name)
	if bestD >= 0 && bestD <= max(1, (n+2)/3) {
		return best
	}
	if n >= 3 && prefixes == 1 {
		return prefixOf
	}
	return ""
}

// editDistance is the Levenshtein distance between a and b in runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
