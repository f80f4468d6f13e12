package expr

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// format renders a syntax tree as canonical source text: every operator
// parenthesized, names quoted when needed. parse(format(t)) yields a tree
// that formats identically.
func format(n astNode) string {
	var b strings.Builder
	writeNode(&b, n)
	return b.String()
}

func writeNode(b *strings.Builder, n astNode) {
	switch n := n.(type) {
	case *litExpr:
		switch n.kind {
		case litNull:
			b.WriteString("null")
		case litBool:
			b.WriteString(strconv.FormatBool(n.b))
		case litInt:
			b.WriteString(strconv.FormatInt(n.i, 10))
		case litUint:
			b.WriteString(strconv.FormatUint(n.u, 10))
		case litFloat:
			s := strconv.FormatFloat(n.f, 'g', -1, 64)
			if !strings.ContainsAny(s, ".eEN") { // N: NaN/Inf cannot come from the parser
				s += ".0"
			}
			b.WriteString(s)
		case litString:
			b.WriteString(strconv.Quote(n.s))
		case litTime:
			b.WriteString("ts'")
			b.WriteString(time.UnixMicro(n.i).UTC().Format(time.RFC3339Nano))
			b.WriteByte('\'')
		case litTimeNs: // all 9 digits, so that it reads back as ns
			b.WriteString("ts'")
			b.WriteString(time.Unix(0, n.i).UTC().Format("2006-01-02T15:04:05.000000000Z07:00"))
			b.WriteByte('\'')
		case litDate:
			b.WriteString("date'")
			b.WriteString(time.Unix(n.i*86400, 0).UTC().Format(time.DateOnly))
			b.WriteByte('\'')
		}
	case *colExpr:
		writeName(b, n.name)
	case *unaryExpr:
		b.WriteByte('(')
		if n.op == "not" {
			b.WriteString("not ")
		} else {
			b.WriteString("- ")
		}
		if l, ok := n.x.(*litExpr); ok && (l.kind == litInt || l.kind == litUint || l.kind == litFloat) {
			// "- 5" would read back as the literal -5
			b.WriteByte('(')
			writeNode(b, n.x)
			b.WriteByte(')')
		} else {
			writeNode(b, n.x)
		}
		b.WriteByte(')')
	case *binaryExpr:
		b.WriteByte('(')
		writeNode(b, n.l)
		b.WriteByte(' ')
		b.WriteString(n.op)
		b.WriteByte(' ')
		writeNode(b, n.r)
		b.WriteByte(')')
	case *inExpr:
		b.WriteByte('(')
		writeNode(b, n.x)
		if n.not {
			b.WriteString(" not")
		}
		b.WriteString(" in (")
		for i, e := range n.list {
			if i > 0 {
				b.WriteString(", ")
			}
			writeNode(b, e)
		}
		b.WriteString("))")
	case *isNullExpr:
		b.WriteByte('(')
		writeNode(b, n.x)
		if n.not {
			b.WriteString(" is not null)")
		} else {
			b.WriteString(" is null)")
		}
	case *callExpr:
		b.WriteString(n.name)
		b.WriteByte('(')
		for i, e := range n.args {
			if i > 0 {
				b.WriteString(", ")
			}
			writeNode(b, e)
		}
		b.WriteByte(')')
	}
}

func writeName(b *strings.Builder, name string) {
	if plainName(name) {
		b.WriteString(name)
		return
	}
	b.WriteByte('`')
	b.WriteString(strings.ReplaceAll(name, "`", "``"))
	b.WriteByte('`')
}

// plainName reports whether name can be written without backticks.
func plainName(name string) bool {
	switch strings.ToLower(name) {
	case "", "and", "or", "not", "in", "is", "null", "true", "false", "ts", "timestamp", "date":
		return false
	}
	for i, r := range name {
		if r == utf8.RuneError || !(i == 0 && isIdentStart(r) || i > 0 && isIdentPart(r)) {
			return false
		}
	}
	return true
}
