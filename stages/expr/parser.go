package expr

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/arrowpipe/arrowpipe/stages/textval"
)

// maxDepth bounds the depth of the syntax tree, so that hostile input
// cannot exhaust the stack of the compiler and evaluators. maxNesting
// bounds the parser's own recursion (parentheses, unary operators); it is
// larger because the canonical form of a tree of depth maxDepth (every
// operator parenthesized, see format) nests up to twice as deep.
const (
	maxDepth   = 500
	maxNesting = 4 * maxDepth
)

type parser struct {
	lx    lexer
	tok   token
	depth int
}

// parse turns src into a syntax tree.
func parse(src string) (astNode, error) {
	p := &parser{lx: lexer{src: src}}
	if err := p.advance(); err != nil {
		return nil, err
	}
	if p.tok.kind == tokEOF {
		return nil, p.errorf(p.tok.pos, "empty expression")
	}
	e, err := p.expr()
	if err != nil {
		return nil, err
	}
	if p.tok.kind != tokEOF {
		return nil, p.errorf(p.tok.pos, "unexpected "+p.describe())
	}
	if pos, ok := withinDepth(e, maxDepth); !ok {
		return nil, p.errorf(pos, "expression nested too deeply")
	}
	return e, nil
}

// withinDepth reports whether at most budget operators nest in the tree
// under n, and if not, the position of the first operator past the limit.
func withinDepth(n astNode, budget int) (int, bool) {
	var kids []astNode
	switch n := n.(type) {
	case *unaryExpr:
		kids = []astNode{n.x}
	case *binaryExpr:
		kids = []astNode{n.l, n.r}
	case *inExpr:
		kids = append([]astNode{n.x}, n.list...)
	case *isNullExpr:
		kids = []astNode{n.x}
	case *callExpr:
		kids = n.args
	}
	if len(kids) > 0 && budget == 0 {
		return n.position(), false
	}
	for _, k := range kids {
		if pos, ok := withinDepth(k, budget-1); !ok {
			return pos, false
		}
	}
	return 0, true
}

func (p *parser) errorf(pos int, msg string) *Error {
	return &Error{Src: p.lx.src, Pos: pos, Msg: msg}
}

func (p *parser) advance() error {
	t, err := p.lx.next()
	if err != nil {
		return err
	}
	p.tok = t
	return nil
}

func (p *parser) describe() string {
	switch p.tok.kind {
	case tokEOF:
		return "end of expression"
	case tokString:
		return "string " + strconv.Quote(p.tok.text)
	case tokOp:
		return strconv.Quote(p.tok.text)
	}
	return strconv.Quote(p.lx.src[p.tok.pos:p.lx.pos])
}

// keyword reports whether the current token is the (case-insensitive) word kw.
func (p *parser) keyword(kw string) bool {
	return p.tok.kind == tokIdent && strings.EqualFold(p.tok.text, kw) ||
		p.tok.kind == tokOp && p.tok.text == kw
}

func (p *parser) op(s string) bool { return p.tok.kind == tokOp && p.tok.text == s }

func (p *parser) expect(s string) error {
	if !p.op(s) {
		return p.errorf(p.tok.pos, "expected "+strconv.Quote(s)+", found "+p.describe())
	}
	return p.advance()
}

func (p *parser) expr() (astNode, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxNesting {
		return nil, p.errorf(p.tok.pos, "expression nested too deeply")
	}
	return p.or()
}

func (p *parser) or() (astNode, error) {
	l, err := p.and()
	for err == nil && p.keyword("or") {
		pos := p.tok.pos
		if err = p.advance(); err != nil {
			return nil, err
		}
		var r astNode
		if r, err = p.and(); err == nil {
			l = &binaryExpr{pos: pos, op: "or", l: l, r: r}
		}
	}
	return l, err
}

func (p *parser) and() (astNode, error) {
	l, err := p.not()
	for err == nil && p.keyword("and") {
		pos := p.tok.pos
		if err = p.advance(); err != nil {
			return nil, err
		}
		var r astNode
		if r, err = p.not(); err == nil {
			l = &binaryExpr{pos: pos, op: "and", l: l, r: r}
		}
	}
	return l, err
}

func (p *parser) not() (astNode, error) {
	if !p.keyword("not") {
		return p.comparison()
	}
	pos := p.tok.pos
	if err := p.advance(); err != nil {
		return nil, err
	}
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxNesting {
		return nil, p.errorf(pos, "expression nested too deeply")
	}
	x, err := p.not()
	if err != nil {
		return nil, err
	}
	return &unaryExpr{pos: pos, op: "not", x: x}, nil
}

func isCmpOp(s string) bool {
	switch s {
	case "==", "!=", "<", "<=", ">", ">=":
		return true
	}
	return false
}

func (p *parser) comparison() (astNode, error) {
	l, err := p.additive()
	if err != nil {
		return nil, err
	}
	pos := p.tok.pos
	switch {
	case p.tok.kind == tokOp && isCmpOp(p.tok.text):
		op := p.tok.text
		if err := p.advance(); err != nil {
			return nil, err
		}
		r, err := p.additive()
		if err != nil {
			return nil, err
		}
		l = &binaryExpr{pos: pos, op: op, l: l, r: r}
	case p.keyword("is"):
		if err := p.advance(); err != nil {
			return nil, err
		}
		not := false
		if p.keyword("not") {
			not = true
			if err := p.advance(); err != nil {
				return nil, err
			}
		}
		if !p.keyword("null") {
			return nil, p.errorf(p.tok.pos, "expected null after is, found "+p.describe())
		}
		if err := p.advance(); err != nil {
			return nil, err
		}
		l = &isNullExpr{pos: pos, not: not, x: l}
	case p.keyword("in") || p.keyword("not") || p.keyword("like") || p.keyword("ilike"):
		not := p.keyword("not")
		if not {
			if err := p.advance(); err != nil {
				return nil, err
			}
			if !p.keyword("in") && !p.keyword("like") && !p.keyword("ilike") {
				return nil, p.errorf(p.tok.pos, "expected in, like or ilike after not, found "+p.describe())
			}
		}
		if p.keyword("like") || p.keyword("ilike") {
			// s like p is like(s, p): one function, one kernel
			name := strings.ToLower(p.tok.text)
			if err := p.advance(); err != nil {
				return nil, err
			}
			r, err := p.additive()
			if err != nil {
				return nil, err
			}
			l = &callExpr{pos: pos, name: name, args: []astNode{l, r}}
			if not {
				l = &unaryExpr{pos: pos, op: "not", x: l}
			}
			break
		}
		if err := p.advance(); err != nil {
			return nil, err
		}
		if err := p.expect("("); err != nil {
			return nil, err
		}
		list, err := p.list()
		if err != nil {
			return nil, err
		}
		if len(list) == 0 {
			return nil, p.errorf(pos, "empty in list")
		}
		l = &inExpr{pos: pos, not: not, x: l, list: list}
	default:
		return l, nil
	}
	if p.tok.kind == tokOp && isCmpOp(p.tok.text) || p.keyword("is") || p.keyword("in") || p.keyword("like") || p.keyword("ilike") {
		return nil, p.errorf(p.tok.pos, "comparisons cannot be chained; use parentheses or and")
	}
	return l, nil
}

// list parses "a, b, c)" after an opening parenthesis.
func (p *parser) list() ([]astNode, error) {
	var list []astNode
	if p.op(")") {
		return list, p.advance()
	}
	for {
		e, err := p.expr()
		if err != nil {
			return nil, err
		}
		list = append(list, e)
		if p.op(")") {
			return list, p.advance()
		}
		if err := p.expect(","); err != nil {
			return nil, err
		}
	}
}

// listLiteral reads the elements of [x, y, ...] after its '['.
func (p *parser) listLiteral(pos int) (astNode, error) {
	if err := p.advance(); err != nil {
		return nil, err
	}
	if p.op("]") {
		return nil, p.errorf(pos, "an empty list [] has no element type")
	}
	var elems []astNode
	for {
		e, err := p.expr()
		if err != nil {
			return nil, err
		}
		elems = append(elems, e)
		if p.op("]") {
			return &callExpr{pos: pos, name: "list_value", args: elems}, p.advance()
		}
		if err := p.expect(","); err != nil {
			return nil, err
		}
	}
}

func (p *parser) additive() (astNode, error) {
	l, err := p.multiplicative()
	for err == nil && (p.op("+") || p.op("-")) {
		pos, op := p.tok.pos, p.tok.text
		if err = p.advance(); err != nil {
			return nil, err
		}
		var r astNode
		if r, err = p.multiplicative(); err == nil {
			l = &binaryExpr{pos: pos, op: op, l: l, r: r}
		}
	}
	return l, err
}

func (p *parser) multiplicative() (astNode, error) {
	l, err := p.unary()
	for err == nil && (p.op("*") || p.op("/") || p.op("%")) {
		pos, op := p.tok.pos, p.tok.text
		if err = p.advance(); err != nil {
			return nil, err
		}
		var r astNode
		if r, err = p.unary(); err == nil {
			l = &binaryExpr{pos: pos, op: op, l: l, r: r}
		}
	}
	return l, err
}

func (p *parser) unary() (astNode, error) {
	if !p.op("-") {
		return p.primary()
	}
	pos := p.tok.pos
	if err := p.advance(); err != nil {
		return nil, err
	}
	// A minus directly before a number is part of the literal, so that
	// -9223372036854775808 is a valid int64.
	switch p.tok.kind {
	case tokInt, tokFloat:
		tok := p.tok
		tok.text = "-" + tok.text
		tok.pos = pos
		p.tok = tok
		return p.primary()
	}
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxNesting {
		return nil, p.errorf(pos, "expression nested too deeply")
	}
	x, err := p.unary()
	if err != nil {
		return nil, err
	}
	return &unaryExpr{pos: pos, op: "-", x: x}, nil
}

func (p *parser) primary() (astNode, error) {
	t := p.tok
	switch t.kind {
	case tokInt:
		v, err := strconv.ParseInt(t.text, 10, 64)
		if err != nil {
			// Above MaxInt64 and up to MaxUint64 the literal is a uint64.
			if u, uerr := strconv.ParseUint(t.text, 10, 64); uerr == nil {
				return &litExpr{pos: t.pos, kind: litUint, u: u}, p.advance()
			}
			return nil, p.errorf(t.pos, "integer "+t.text+" out of range of int64 and uint64")
		}
		return &litExpr{pos: t.pos, kind: litInt, i: v}, p.advance()
	case tokFloat:
		v, err := strconv.ParseFloat(t.text, 64)
		if err != nil || math.IsInf(v, 0) {
			return nil, p.errorf(t.pos, "number "+t.text+" out of range")
		}
		return &litExpr{pos: t.pos, kind: litFloat, f: v}, p.advance()
	case tokString:
		return &litExpr{pos: t.pos, kind: litString, s: t.text}, p.advance()
	case tokTime:
		if fractionDigits(t.text) <= 6 {
			v, ok := textval.ParseTimestamp([]byte(t.text))
			if !ok {
				return nil, p.errorf(t.pos, "bad timestamp "+strconv.Quote(t.text)+" (want RFC 3339, e.g. 2026-01-02T03:04:05Z)")
			}
			if !printableYear(time.UnixMicro(int64(v))) {
				return nil, p.errorf(t.pos, "timestamp "+strconv.Quote(t.text)+" is outside the years 0000 to 9999 in UTC")
			}
			return &litExpr{pos: t.pos, kind: litTime, i: int64(v)}, p.advance()
		}
		if fractionDigits(t.text) > 9 {
			return nil, p.errorf(t.pos, "timestamp "+strconv.Quote(t.text)+" has more than 9 fraction digits")
		}
		v, ok := textval.ParseTimestampNano([]byte(t.text))
		if !ok {
			if _, inRange := textval.ParseTimestamp(microsOnly(t.text)); inRange {
				return nil, p.errorf(t.pos, "timestamp "+strconv.Quote(t.text)+" has ns digits but is outside the range of timestamps in ns (1677-09-21T00:12:43.145224192Z to 2262-04-11T23:47:16.854775807Z)")
			}
			return nil, p.errorf(t.pos, "bad timestamp "+strconv.Quote(t.text)+" (want RFC 3339, e.g. 2026-01-02T03:04:05.123456789Z)")
		}
		if !printableYear(time.Unix(0, int64(v))) {
			return nil, p.errorf(t.pos, "timestamp "+strconv.Quote(t.text)+" is outside the years 0000 to 9999 in UTC")
		}
		return &litExpr{pos: t.pos, kind: litTimeNs, i: int64(v)}, p.advance()
	case tokDate:
		v, ok := parseDate(t.text)
		if !ok {
			return nil, p.errorf(t.pos, "bad date "+strconv.Quote(t.text)+" (want YYYY-MM-DD)")
		}
		return &litExpr{pos: t.pos, kind: litDate, i: v}, p.advance()
	case tokQuotedIdent:
		return &colExpr{pos: t.pos, name: t.text}, p.advance()
	case tokIdent:
		if err := p.advance(); err != nil {
			return nil, err
		}
		switch strings.ToLower(t.text) {
		case "true", "false":
			return &litExpr{pos: t.pos, kind: litBool, b: strings.EqualFold(t.text, "true")}, nil
		case "null":
			return &litExpr{pos: t.pos, kind: litNull}, nil
		case "like", "ilike": // the function form, like(s, pattern)
			if !p.op("(") {
				return nil, p.errorf(t.pos, "unexpected "+strconv.Quote(t.text))
			}
		case "and", "or", "not", "in", "is", "when", "then", "else", "end":
			return nil, p.errorf(t.pos, "unexpected "+strconv.Quote(t.text))
		case "case":
			return p.caseExpr(t.pos)
		}
		if p.op("(") {
			if err := p.advance(); err != nil {
				return nil, err
			}
			args, err := p.list()
			if err != nil {
				return nil, err
			}
			return &callExpr{pos: t.pos, name: strings.ToLower(t.text), args: args}, nil
		}
		return &colExpr{pos: t.pos, name: t.text}, nil
	case tokOp:
		if t.text == "[" { // [x, y, ...] is list_value(x, y, ...)
			return p.listLiteral(t.pos)
		}
		if t.text == "(" {
			if err := p.advance(); err != nil {
				return nil, err
			}
			e, err := p.expr()
			if err != nil {
				return nil, err
			}
			return e, p.expect(")")
		}
	}
	return nil, p.errorf(t.pos, "unexpected "+p.describe())
}

// printableYear reports whether t's UTC year has the four digits that a
// literal's canonical form (RFC 3339) can write and read back.
func printableYear(t time.Time) bool {
	y := t.UTC().Year()
	return y >= 0 && y <= 9999
}

// microsOnly returns s with its fraction cut to 6 digits, to tell a
// timestamp outside the ns range from text that is no timestamp.
func microsOnly(s string) []byte {
	k := strings.IndexByte(s, '.')
	if k < 0 {
		return []byte(s)
	}
	end := k + 1
	for end < len(s) && s[end] >= '0' && s[end] <= '9' {
		end++
	}
	return []byte(s[:min(end, k+7)] + s[end:])
}

// fractionDigits returns the number of digits after the seconds' point of
// a timestamp's text (0 when it has none).
func fractionDigits(s string) int {
	k := strings.IndexByte(s, '.')
	if k < 0 {
		return 0
	}
	n := 0
	for _, c := range []byte(s[k+1:]) {
		if c < '0' || c > '9' {
			break
		}
		n++
	}
	return n
}

// parseDate parses YYYY-MM-DD into days since the epoch, as the readers
// do (textval).
func parseDate(s string) (int64, bool) {
	d, ok := textval.ParseDate([]byte(s))
	return int64(d), ok
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}
