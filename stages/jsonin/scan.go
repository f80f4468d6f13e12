package jsonin

import (
	"encoding/binary"
	"math"
	"math/bits"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/arrowpipe/arrowpipe/stages/internal/rawview"
)

// maxDepth bounds the nesting of arrays and objects, like encoding/json.
const maxDepth = 10000

// A syntaxError is a problem at a byte offset of the line being parsed.
// It is made only on the error path.
type syntaxError struct {
	pos         int
	field       string
	msg         string
	want, found string // set for a value of the wrong type
	unknown     bool   // field is a key that the schema does not have
	// elemKey is set for a key of an array's object elements: the error
	// is about key elemKey of the elements of the array at field, which
	// the caller fills in.
	elemKey string
}

func errAt(pos int, msg string) *syntaxError { return &syntaxError{pos: pos, msg: msg} }

// String byte classes: 0 plain ASCII, then the bytes that end a fast scan.
const (
	clPlain = iota
	clQuote
	clEscape
	clControl
	clHigh
)

var strClass = func() (t [256]uint8) {
	for c := 0; c < 0x20; c++ {
		t[c] = clControl
	}
	t['"'] = clQuote
	t['\\'] = clEscape
	for c := 0x80; c < 0x100; c++ {
		t[c] = clHigh
	}
	return t
}()

const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// plainRun returns the offset of the first byte at or after i that ends a
// plain ASCII run in a string (a quote, a backslash, a control character or
// a non-ASCII byte), or len(b). It tests 8 bytes at a time: the lowest
// flagged byte of each SWAR test is exact, so the lowest of all is too.
func plainRun(b []byte, i int) int {
	for i+8 <= len(b) {
		w := binary.LittleEndian.Uint64(b[i:])
		quote := w ^ (lsb * '"')
		slash := w ^ (lsb * '\\')
		m := (w - lsb*0x20) & ^w & msb // bytes < 0x20
		m |= (quote - lsb) & ^quote & msb
		m |= (slash - lsb) & ^slash & msb
		m |= w & msb // non-ASCII
		if m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
		i += 8
	}
	for i < len(b) && strClass[b[i]] == clPlain {
		i++
	}
	return i
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

func skipSpace(b []byte, i int) int {
	for i < len(b) && b[i] <= ' ' && isSpace(b[i]) {
		i++
	}
	return i
}

// scanString reads the JSON string whose opening quote is at b[i]. Without
// escapes the content is b[s:e] and esc is false; with escapes the unescaped
// content is appended to buf as buf[s:e] and esc is true. next is the offset
// after the closing quote.
func scanString(b []byte, i int, buf []byte) (s, e int, esc bool, out []byte, next int, err *syntaxError) {
	open := i
	i++
	start := i
	high := false
	for {
		i = plainRun(b, i)
		if i >= len(b) {
			return 0, 0, false, buf, 0, errAt(open, "unterminated string")
		}
		switch strClass[b[i]] {
		case clQuote:
			if high {
				if err := checkUTF8(b, start, i); err != nil {
					return 0, 0, false, buf, 0, err
				}
			}
			return start, i, false, buf, i + 1, nil
		case clHigh:
			high = true
			i++
		case clControl:
			return 0, 0, false, buf, 0, errAt(i, "control character in string")
		case clEscape:
			return unescape(b, open, start, i, buf)
		}
	}
}

// unescape continues scanString from the first backslash at b[i].
func unescape(b []byte, open, start, i int, buf []byte) (s, e int, esc bool, out []byte, next int, err *syntaxError) {
	s = len(buf)
	buf = append(buf, b[start:i]...)
	high := false
	for {
		run := i
		for i < len(b) && strClass[b[i]] == clPlain {
			i++
		}
		buf = append(buf, b[run:i]...)
		if i >= len(b) {
			return 0, 0, false, buf, 0, errAt(open, "unterminated string")
		}
		switch strClass[b[i]] {
		case clQuote:
			if high {
				if err := checkUTF8(b, start, i); err != nil {
					return 0, 0, false, buf, 0, err
				}
			}
			return s, len(buf), true, buf, i + 1, nil
		case clHigh:
			high = true
			buf = append(buf, b[i])
			i++
		case clControl:
			return 0, 0, false, buf, 0, errAt(i, "control character in string")
		case clEscape:
			if i+1 >= len(b) {
				return 0, 0, false, buf, 0, errAt(open, "unterminated string")
			}
			switch c := b[i+1]; c {
			case '"', '\\', '/':
				buf = append(buf, c)
			case 'b':
				buf = append(buf, '\b')
			case 'f':
				buf = append(buf, '\f')
			case 'n':
				buf = append(buf, '\n')
			case 'r':
				buf = append(buf, '\r')
			case 't':
				buf = append(buf, '\t')
			case 'u':
				r, ok := hex4(b, i+2)
				if !ok {
					return 0, 0, false, buf, 0, errAt(i, "invalid \\u escape")
				}
				i += 6
				if utf16.IsSurrogate(r) {
					if r2, ok := hex4(b, i+2); ok && i+1 < len(b) && b[i] == '\\' && b[i+1] == 'u' {
						if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
							r = d
							i += 6
						} else {
							r = utf8.RuneError
						}
					} else {
						r = utf8.RuneError
					}
				}
				buf = utf8.AppendRune(buf, r)
				continue
			default:
				return 0, 0, false, buf, 0, errAt(i, "invalid escape")
			}
			i += 2
		}
	}
}

func hex4(b []byte, i int) (rune, bool) {
	if i+4 > len(b) {
		return 0, false
	}
	var r rune
	for _, c := range b[i : i+4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// checkUTF8 validates b[s:e] and points at the first bad byte.
func checkUTF8(b []byte, s, e int) *syntaxError {
	if utf8.Valid(b[s:e]) {
		return nil
	}
	for i := s; i < e; {
		r, n := utf8.DecodeRune(b[i:e])
		if r == utf8.RuneError && n == 1 {
			return errAt(i, "invalid UTF-8")
		}
		i += n
	}
	return errAt(s, "invalid UTF-8")
}

// scanNumber checks the JSON number grammar at b[i] and returns its end and
// whether it is an integer (no fraction, no exponent). It also takes the
// bare NaN, Infinity and -Infinity that DuckDB's JSON writer writes for a
// DOUBLE's specials (and its reader reads): JSON has no such numbers, but
// writing them as null would lose them.
func scanNumber(b []byte, i int) (end int, isInt bool, err *syntaxError) {
	if end := specialEnd(b, i); end > i {
		return end, false, nil
	}
	start := i
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && '1' <= b[i] && b[i] <= '9':
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
	default:
		return 0, false, errAt(start, "invalid number")
	}
	isInt = true
	if i < len(b) && b[i] == '.' {
		isInt = false
		i++
		d := i
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
		if i == d {
			return 0, false, errAt(start, "invalid number")
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		isInt = false
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		d := i
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
		if i == d {
			return 0, false, errAt(start, "invalid number")
		}
	}
	return i, isInt, nil
}

// specialEnd returns the end of a NaN, Infinity or -Infinity at b[i], or
// i when there is none.
func specialEnd(b []byte, i int) int {
	rest := b[i:]
	for _, w := range [...]string{"NaN", "Infinity", "-Infinity"} {
		if len(rest) >= len(w) && string(rest[:len(w)]) == w {
			return i + len(w)
		}
	}
	return i
}

// isSpecial reports whether a number span is NaN, Infinity or -Infinity.
func isSpecial(num []byte) bool {
	return num[0] == 'N' || num[0] == 'I' || len(num) > 1 && num[1] == 'I'
}

// startsNumber reports whether c can start a number (specials included).
func startsNumber(c byte) bool {
	return c == '-' || ('0' <= c && c <= '9') || c == 'N' || c == 'I'
}

// parseInt converts a span that scanNumber found to be an integer.
func parseInt(num []byte) (int64, bool) {
	neg := num[0] == '-'
	d := num
	if neg {
		d = d[1:]
	}
	if len(d) <= 18 {
		var v int64
		for _, c := range d {
			v = v*10 + int64(c-'0')
		}
		if neg {
			v = -v
		}
		return v, true
	}
	v, err := strconv.ParseInt(rawview.String(num), 10, 64)
	return v, err == nil
}

// parseUint converts a non-negative integer span.
func parseUint(num []byte) (uint64, bool) {
	if num[0] == '-' {
		return 0, false
	}
	v, err := strconv.ParseUint(rawview.String(num), 10, 64)
	return v, err == nil
}

var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// parseFloat converts a span that scanNumber accepted. Decimals of at most
// 15 digits without exponent take the exact fast path (Clinger); the rest go
// to strconv. ok is false beyond float64's range; a number too small for it
// rounds to zero, as IEEE 754 rounds any decimal to the nearest float64.
func parseFloat(num []byte) (f float64, ok bool) {
	if isSpecial(num) {
		switch num[0] {
		case 'N':
			return math.NaN(), true
		case 'I':
			return math.Inf(1), true
		}
		return math.Inf(-1), true
	}
	var mant uint64
	digits, frac := 0, 0
	i := 0
	neg := num[0] == '-'
	if neg {
		i++
	}
	dot := false
	for ; i < len(num); i++ {
		switch c := num[i]; {
		case '0' <= c && c <= '9':
			mant = mant*10 + uint64(c-'0')
			digits++
			if dot {
				frac++
			}
		case c == '.':
			dot = true
		default:
			goto slow
		}
	}
	if digits <= 15 && frac <= 22 {
		f := float64(mant) / pow10[frac]
		if neg {
			f = -f
		}
		return f, true
	}
slow:
	f, err := strconv.ParseFloat(rawview.String(num), 64)
	return f, err == nil // the syntax is checked: err is ErrRange
}

// skipValue validates the JSON value at b[i] and returns its end.
func skipValue(b []byte, i, depth int) (int, *syntaxError) {
	if i >= len(b) {
		return 0, errAt(i, "unexpected end of line, want a value")
	}
	switch c := b[i]; {
	case c == '"':
		_, _, _, _, next, err := scanString(b, i, nil)
		return next, err
	case startsNumber(c):
		end, _, err := scanNumber(b, i)
		return end, err
	case c == 't':
		return literal(b, i, "true")
	case c == 'f':
		return literal(b, i, "false")
	case c == 'n':
		return literal(b, i, "null")
	case c == '[' || c == '{':
		if depth >= maxDepth {
			return 0, errAt(i, "nesting too deep")
		}
		closer := byte(']')
		if c == '{' {
			closer = '}'
		}
		i = skipSpace(b, i+1)
		if i < len(b) && b[i] == closer {
			return i + 1, nil
		}
		for {
			if c == '{' {
				if i >= len(b) || b[i] != '"' {
					return 0, errAt(i, "want a key string")
				}
				_, _, _, _, next, err := scanString(b, i, nil)
				if err != nil {
					return 0, err
				}
				i = skipSpace(b, next)
				if i >= len(b) || b[i] != ':' {
					return 0, errAt(i, "want ':' after key")
				}
				i = skipSpace(b, i+1)
			}
			end, err := skipValue(b, i, depth+1)
			if err != nil {
				return 0, err
			}
			i = skipSpace(b, end)
			if i < len(b) && b[i] == ',' {
				i = skipSpace(b, i+1)
				continue
			}
			if i < len(b) && b[i] == closer {
				return i + 1, nil
			}
			return 0, errAt(i, "want ',' or '"+string(closer)+"'")
		}
	}
	return 0, errAt(i, "invalid character, want a value")
}

func literal(b []byte, i int, lit string) (int, *syntaxError) {
	if len(b)-i >= len(lit) && string(b[i:i+len(lit)]) == lit {
		return i + len(lit), nil
	}
	return 0, errAt(i, "invalid literal, want "+lit)
}
