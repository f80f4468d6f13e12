package expr

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// An Error reports a syntax or type error in an expression. Pos is the byte
// offset of the offending token in Src; Error renders it as line:column
// followed by the source line and a caret under the token, for example
//
//	unknown column "qtty" at 1:1, did you mean "qty"?
//	qtty > 5
//	^
type Error struct {
	Src  string
	Pos  int
	Msg  string
	Hint string // a suggested name, "" when there is none
}

// Line and Column return the 1-based place of Pos; Column counts bytes.
func (e *Error) Line() int { return strings.Count(e.Src[:e.clampPos()], "\n") + 1 }

// Column returns the 1-based byte column of Pos within its line.
func (e *Error) Column() int {
	p := e.clampPos()
	return p - (strings.LastIndexByte(e.Src[:p], '\n') + 1) + 1
}

func (e *Error) clampPos() int {
	switch {
	case e.Pos < 0:
		return 0
	case e.Pos > len(e.Src):
		return len(e.Src)
	}
	return e.Pos
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Msg)
	b.WriteString(" at ")
	b.WriteString(strconv.Itoa(e.Line()))
	b.WriteByte(':')
	b.WriteString(strconv.Itoa(e.Column()))
	if e.Hint != "" {
		b.WriteString(", did you mean ")
		b.WriteString(strconv.Quote(e.Hint))
		b.WriteByte('?')
	}
	p := e.clampPos()
	start := strings.LastIndexByte(e.Src[:p], '\n') + 1
	end := strings.IndexByte(e.Src[p:], '\n')
	if end < 0 {
		end = len(e.Src)
	} else {
		end += p
	}
	b.WriteByte('\n')
	b.WriteString(e.Src[start:end])
	b.WriteByte('\n')
	for _, r := range e.Src[start:p] {
		if r == '\t' {
			b.WriteByte('\t')
		} else if utf8.RuneLen(r) > 0 {
			b.WriteByte(' ')
		}
	}
	b.WriteByte('^')
	return b.String()
}

// closest returns the candidate nearest to name by edit distance (case
// folded), or "" when none is near enough to be a plausible typo.
func closest(name string, candidates []string) string {
	best, bestD := "", -1
	ln := strings.ToLower(name)
	for _, c := range candidates {
		d := editDistance(ln, strings.ToLower(c))
		if bestD < 0 || d < bestD {
			best, bestD = c, d
		}
	}
	limit := max(1, (utf8.RuneCountInString(name)+2)/3)
	if bestD < 0 || bestD > limit {
		return ""
	}
	return best
}

// Closest returns the candidate nearest to name by edit distance, ignoring
// case, or "" when none is close enough to be a plausible typo (more than
// a third of name's length away). Verbs use it to suggest column names.
func Closest(name string, candidates []string) string { return closest(name, candidates) }

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
