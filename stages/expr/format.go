package expr

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The format strings of format (DuckDB's, from the fmt library: {} and
// {:spec}) and printf (C's % codes), parsed once by Compile into pieces:
// literal text, each followed by at most one placeholder.

// fmtSpec is how one placeholder prints its argument.
type fmtSpec struct {
	fill  string // padding text, one character; "" means a space
	align byte   // '<', '>', '^', or 0 for the type's default
	sign  byte   // '+', ' ', or 0 (a sign for negative values only)
	alt   bool   // '#': 0x, 0 or 0b before x, o and b
	zero  bool   // '0': pad numbers with zeros after the sign
	width int
	comma bool // ',': group the integer digits by thousands
	prec  int  // -1: none
	verb  byte // the type letter, or 0 for the default form
	// cBits prints a negative integer under x, X and o as its 64 bits, as
	// C's printf does; format prints a sign and the magnitude.
	cBits bool
}

// fmtPiece is literal text, then (when arg >= 0) argument arg printed by
// spec.
type fmtPiece struct {
	lit  string
	arg  int
	spec fmtSpec
}

// errFormat is wrapped by every error of parseBraces and parsePrintf.
var errFormat = errors.New("invalid format string")

func formatErr(format string, a ...any) error {
	return fmt.Errorf("%w: %s", errFormat, fmt.Sprintf(format, a...))
}

// maxFormatWidth bounds a width or precision, so that a format string
// cannot ask for gigabytes per row.
const maxFormatWidth = 1 << 16

// parseBraces reads a format string of format(): {} takes the next
// argument, {N} argument N (0-based; the two cannot be mixed), {{ and }}
// are braces, and {:spec} or {N:spec} prints by
// [[fill]align][sign][#][0][width][,][.precision][type], as DuckDB's
// format (the fmt library) does.
func parseBraces(s string) ([]fmtPiece, error) {
	var out []fmtPiece
	var lit strings.Builder
	next, auto, manual := 0, false, false
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if ch == '}' {
			if i+1 < len(s) && s[i+1] == '}' {
				lit.WriteByte('}')
				i++
				continue
			}
			return nil, formatErr("unmatched '}' at byte %d", i+1)
		}
		if ch != '{' {
			lit.WriteByte(ch)
			continue
		}
		if i+1 < len(s) && s[i+1] == '{' {
			lit.WriteByte('{')
			i++
			continue
		}
		end := strings.IndexByte(s[i:], '}')
		if end < 0 {
			return nil, formatErr("'{' at byte %d has no '}'", i+1)
		}
		body := s[i+1 : i+end]
		idx, spec, hasSpec := strings.Cut(body, ":")
		p := fmtPiece{lit: lit.String()}
		lit.Reset()
		if idx == "" {
			if manual {
				return nil, formatErr("{} after {N}: arguments are numbered all or none")
			}
			auto, p.arg = true, next
			next++
		} else {
			k, err := strconv.Atoi(idx)
			if err != nil || k < 0 || k > 1000 {
				return nil, formatErr("{%s}: want {} or {N:spec}", body)
			}
			if auto {
				return nil, formatErr("{%s} after {}: arguments are numbered all or none", body)
			}
			manual, p.arg = true, k
		}
		p.spec = fmtSpec{prec: -1}
		if hasSpec {
			var err error
			if p.spec, err = parseBraceSpec(spec); err != nil {
				return nil, err
			}
		}
		out = append(out, p)
		i += end
	}
	if lit.Len() > 0 || len(out) == 0 {
		out = append(out, fmtPiece{lit: lit.String(), arg: -1})
	}
	return out, nil
}

// parseBraceSpec reads [[fill]align][sign][#][0][width][,][.precision][type].
func parseBraceSpec(s string) (fmtSpec, error) {
	sp := fmtSpec{prec: -1}
	orig := s
	isAlign := func(b byte) bool { return b == '<' || b == '>' || b == '^' }
	if r, size := utf8.DecodeRuneInString(s); size > 0 && size < len(s) && isAlign(s[size]) {
		if r == '{' || r == '}' {
			return sp, formatErr("fill %q in {:%s}", r, orig)
		}
		sp.fill, sp.align, s = s[:size], s[size], s[size+1:]
	} else if len(s) > 0 && isAlign(s[0]) {
		sp.align, s = s[0], s[1:]
	}
	if len(s) > 0 && (s[0] == '+' || s[0] == '-' || s[0] == ' ') {
		if s[0] != '-' {
			sp.sign = s[0]
		}
		s = s[1:]
	}
	if len(s) > 0 && s[0] == '#' {
		sp.alt, s = true, s[1:]
	}
	if len(s) > 0 && s[0] == '0' {
		sp.zero, s = true, s[1:]
	}
	var err error
	if sp.width, s, err = fmtNumber(s, orig); err != nil {
		return sp, err
	}
	if len(s) > 0 && s[0] == ',' {
		sp.comma, s = true, s[1:]
	}
	if len(s) > 0 && s[0] == '.' {
		if len(s) < 2 || s[1] < '0' || s[1] > '9' {
			return sp, formatErr("'.' without digits in {:%s}", orig)
		}
		if sp.prec, s, err = fmtNumber(s[1:], orig); err != nil {
			return sp, err
		}
	}
	if len(s) > 0 && strings.IndexByte("dxXobcfFeEgGs", s[0]) >= 0 {
		sp.verb, s = s[0], s[1:]
	}
	if s != "" {
		return sp, formatErr("unknown specifier %q in {:%s}", s, orig)
	}
	return sp, nil
}

// fmtNumber reads leading decimal digits (none gives 0).
func fmtNumber(s, orig string) (int, string, error) {
	k := 0
	for k < len(s) && s[k] >= '0' && s[k] <= '9' {
		k++
	}
	if k == 0 {
		return 0, s, nil
	}
	n, err := strconv.Atoi(s[:k])
	if err != nil || n > maxFormatWidth {
		return 0, s, formatErr("%s in %q is more than %d", s[:k], orig, maxFormatWidth)
	}
	return n, s[k:], nil
}

// parsePrintf reads a format string of printf(): %[flags][width][.precision]
// verb, flags among - + space # 0, verbs d i x X o c f F e E g G s, and %%
// for a percent sign, each % code taking the next argument.
func parsePrintf(s string) ([]fmtPiece, error) {
	var out []fmtPiece
	var lit strings.Builder
	next := 0
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			lit.WriteByte(s[i])
			continue
		}
		if i+1 < len(s) && s[i+1] == '%' {
			lit.WriteByte('%')
			i++
			continue
		}
		start := i
		sp := fmtSpec{prec: -1, align: '>', cBits: true}
		i++
	flags:
		for ; i < len(s); i++ {
			switch s[i] {
			case '-':
				sp.align = '<'
			case '+':
				sp.sign = '+'
			case ' ':
				if sp.sign == 0 {
					sp.sign = ' '
				}
			case '#':
				sp.alt = true
			case '0':
				sp.zero = true
			default:
				break flags
			}
		}
		var err error
		rest := s[i:]
		if sp.width, rest, err = fmtNumber(rest, s[start:]); err != nil {
			return nil, err
		}
		if len(rest) > 0 && rest[0] == '.' {
			if sp.prec, rest, err = fmtNumber(rest[1:], s[start:]); err != nil {
				return nil, err
			}
		}
		i = len(s) - len(rest)
		if i >= len(s) {
			return nil, formatErr("%q at byte %d has no verb", s[start:], start+1)
		}
		v := s[i]
		if v == 'i' {
			v = 'd'
		}
		if strings.IndexByte("dxXocfFeEgGs", v) < 0 {
			r, _ := utf8.DecodeRuneInString(s[i:])
			return nil, formatErr("unknown verb %q in %q at byte %d (want d i x X o c f F e E g G s or %%%%)", r, s[start:i+1], start+1)
		}
		if sp.align == '<' {
			sp.zero = false // C: '-' overrides '0'
		}
		sp.verb = v
		out = append(out, fmtPiece{lit: lit.String(), arg: next, spec: sp})
		lit.Reset()
		next++
	}
	if lit.Len() > 0 || len(out) == 0 {
		out = append(out, fmtPiece{lit: lit.String(), arg: -1})
	}
	return out, nil
}

// checkSpec reports why spec cannot print a value of type t ("" if it
// can).
func checkSpec(sp fmtSpec, t typ) string {
	v := sp.verb
	numeric := false
	switch t {
	case tNull:
		return ""
	case tInt, tUint:
		numeric = true
		if strings.IndexByte("dxXobcfFeEgGs", v) < 0 && v != 0 {
			return fmt.Sprintf("%q does not print an integer", v)
		}
		if sp.prec >= 0 && strings.IndexByte("fFeEgG", v) < 0 && v != 's' {
			return "an integer takes a precision only with f, e or g"
		}
	case tFloat:
		numeric = true
		switch v {
		case 'd', 'x', 'X', 'o', 'b', 'c':
			return fmt.Sprintf("%q does not print a float (to_int(x) or round(x) first, or f)", v)
		}
	case tBool:
		if v != 0 && v != 's' && v != 'd' {
			return fmt.Sprintf("%q does not print a bool", v)
		}
		if sp.prec >= 0 {
			return "a bool takes no precision"
		}
	case tString, tTime, tTimeNs, tDate:
		if v != 0 && v != 's' {
			return fmt.Sprintf("%q does not print a %s (s or none)", v, t)
		}
		if t != tString && sp.prec >= 0 {
			return fmt.Sprintf("a %s takes no precision", t)
		}
	default:
		return fmt.Sprintf("cannot print a %s", t)
	}
	if !numeric && (sp.zero || sp.comma || sp.alt || sp.sign != 0) {
		if t == tBool && v == 'd' {
			return ""
		}
		return fmt.Sprintf("0, ',', '#' and signs are for numbers, not a %s", t)
	}
	if sp.comma && strings.IndexByte("dfF", v) < 0 && v != 0 {
		return fmt.Sprintf("',' goes with d or f, not %q", v)
	}
	return ""
}
