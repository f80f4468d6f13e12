package expr

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

type tokKind uint8

const (
	tokEOF tokKind = iota
	tokIdent
	tokQuotedIdent // `name`
	tokInt
	tokFloat
	tokString
	tokTime // ts'...'
	tokDate // date'...'
	tokOp   // operators and punctuation; text holds the canonical spelling
)

type token struct {
	kind tokKind
	pos  int
	text string // identifier, canonical operator, unescaped string or number text
}

type lexer struct {
	src string
	pos int
}

func (lx *lexer) errorf(pos int, msg string) *Error {
	return &Error{Src: lx.src, Pos: pos, Msg: msg}
}

func isIdentStart(r rune) bool { return r == '_' || unicode.IsLetter(r) }
func isIdentPart(r rune) bool  { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }

// next returns the next token.
func (lx *lexer) next() (token, error) {
	src := lx.src
	for lx.pos < len(src) {
		r, size := utf8.DecodeRuneInString(src[lx.pos:])
		if !unicode.IsSpace(r) {
			break
		}
		lx.pos += size
	}
	start := lx.pos
	if start >= len(src) {
		return token{kind: tokEOF, pos: start}, nil
	}
	c := src[start]
	r, size := utf8.DecodeRuneInString(src[start:])
	switch {
	case isIdentStart(r):
		end := start + size
		for end < len(src) {
			r2, s2 := utf8.DecodeRuneInString(src[end:])
			if !isIdentPart(r2) {
				break
			}
			end += s2
		}
		word := src[start:end]
		if end < len(src) && (src[end] == '\'' || src[end] == '"') {
			switch strings.ToLower(word) {
			case "ts", "timestamp", "date":
				lx.pos = end
				s, err := lx.quoted()
				if err != nil {
					return token{}, err
				}
				k := tokTime
				if strings.ToLower(word) == "date" {
					k = tokDate
				}
				return token{kind: k, pos: start, text: s}, nil
			}
		}
		lx.pos = end
		return token{kind: tokIdent, pos: start, text: word}, nil
	case c >= '0' && c <= '9' || c == '.' && start+1 < len(src) && src[start+1] >= '0' && src[start+1] <= '9':
		return lx.number()
	case c == '\'' || c == '"':
		s, err := lx.quoted()
		if err != nil {
			return token{}, err
		}
		return token{kind: tokString, pos: start, text: s}, nil
	case c == '`':
		var b strings.Builder
		p := start + 1
		for {
			i := strings.IndexByte(src[p:], '`')
			if i < 0 {
				return token{}, lx.errorf(start, "unterminated quoted name")
			}
			b.WriteString(src[p : p+i])
			p += i + 1
			if p < len(src) && src[p] == '`' { // `` is a literal backtick
				b.WriteByte('`')
				p++
				continue
			}
			break
		}
		lx.pos = p
		if b.Len() == 0 {
			return token{}, lx.errorf(start, "empty quoted name")
		}
		return token{kind: tokQuotedIdent, pos: start, text: b.String()}, nil
	}
	two := ""
	if start+1 < len(src) {
		two = src[start : start+2]
	}
	switch two {
	case "==", "!=", "<=", ">=", "&&", "||", "<>":
		lx.pos = start + 2
		canon := map[string]string{"&&": "and", "||": "or", "<>": "!="}[two]
		if canon == "" {
			canon = two
		}
		return token{kind: tokOp, pos: start, text: canon}, nil
	}
	switch c {
	case '+', '-', '*', '/', '%', '<', '>', '(', ')', ',', '[', ']':
		lx.pos = start + 1
		return token{kind: tokOp, pos: start, text: string(c)}, nil
	case '=':
		lx.pos = start + 1
		return token{kind: tokOp, pos: start, text: "=="}, nil
	case '!':
		lx.pos = start + 1
		return token{kind: tokOp, pos: start, text: "not"}, nil
	}
	return token{}, lx.errorf(start, "unexpected character "+strconv.QuoteRune(r))
}

func (lx *lexer) number() (token, error) {
	src, start := lx.src, lx.pos
	p := start
	digits := func() {
		for p < len(src) && (src[p] >= '0' && src[p] <= '9' || src[p] == '_') {
			p++
		}
	}
	digits()
	isFloat := false
	if p < len(src) && src[p] == '.' {
		isFloat = true
		p++
		digits()
	}
	if p < len(src) && (src[p] == 'e' || src[p] == 'E') {
		q := p + 1
		if q < len(src) && (src[q] == '+' || src[q] == '-') {
			q++
		}
		if q < len(src) && src[q] >= '0' && src[q] <= '9' {
			isFloat = true
			p = q
			digits()
		}
	}
	if p < len(src) {
		if r, _ := utf8.DecodeRuneInString(src[p:]); isIdentPart(r) {
			return token{}, lx.errorf(start, "malformed number "+strconv.Quote(src[start:p+1]))
		}
	}
	lx.pos = p
	text := strings.ReplaceAll(src[start:p], "_", "")
	if isFloat {
		return token{kind: tokFloat, pos: start, text: text}, nil
	}
	return token{kind: tokInt, pos: start, text: text}, nil
}

// quoted scans a '...' or "..." literal at lx.pos and returns its unescaped
// value. Escapes: \\ \' \" \n \t \r \a \b \f \v \0 \xHH \uHHHH \UHHHHHHHH.
func (lx *lexer) quoted() (string, error) {
	src, start := lx.src, lx.pos
	q := src[start]
	var b strings.Builder
	p := start + 1
	for {
		if p >= len(src) {
			return "", lx.errorf(start, "unterminated string")
		}
		c := src[p]
		if c == q {
			p++
			break
		}
		if c != '\\' {
			b.WriteByte(c)
			p++
			continue
		}
		if p+1 >= len(src) {
			return "", lx.errorf(start, "unterminated string")
		}
		e := src[p+1]
		p += 2
		switch e {
		case '\\', '\'', '"':
			b.WriteByte(e)
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case 'r':
			b.WriteByte('\r')
		case 'a':
			b.WriteByte('\a')
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'v':
			b.WriteByte('\v')
		case '0':
			b.WriteByte(0)
		case 'x', 'u', 'U':
			n := map[byte]int{'x': 2, 'u': 4, 'U': 8}[e]
			if p+n > len(src) {
				return "", lx.errorf(p-2, "bad escape")
			}
			v, err := strconv.ParseUint(src[p:p+n], 16, 32)
			if err != nil {
				return "", lx.errorf(p-2, "bad escape")
			}
			if e == 'x' {
				b.WriteByte(byte(v))
			} else {
				if !utf8.ValidRune(rune(v)) {
					return "", lx.errorf(p-2, "bad escape: invalid code point")
				}
				b.WriteRune(rune(v))
			}
			p += n
		default:
			return "", lx.errorf(p-2, "unknown escape \\"+string(e)+" (a regular expression's \\"+string(e)+" is written \\\\"+string(e)+")")
		}
	}
	lx.pos = p
	return b.String(), nil
}
