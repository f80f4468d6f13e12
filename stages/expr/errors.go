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
	// TypeColumn is the column whose type the expression cannot take
	// (Msg: `column "c": unsupported column type T...`), so that a verb
	// reports the refusal as a limit of that column; "" for any other
	// error.
	TypeColumn string
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
