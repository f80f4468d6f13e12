package expr

import (
	"math"
	"strconv"
	"unicode/utf8"
)

// appendFormatted appends row r of v (type t, not null) as sp prints it:
// the body, a sign and a prefix (0x ...), then the padding to sp.width
// characters. scratch is reused for the body.
func appendFormatted(dst []byte, v *vec, t typ, r int, sp *fmtSpec, scratch *[]byte) []byte {
	body := (*scratch)[:0]
	sign, prefix := "", ""
	numeric := false
	switch t {
	case tInt, tUint:
		numeric = true
		x := intAt(v, r)
		switch sp.verb {
		case 'f', 'F', 'e', 'E', 'g', 'G':
			f := float64(x)
			if t == tUint {
				f = float64(uint64(x))
			}
			sign, body = appendFloatBody(body, f, sp)
		case 's':
			body = appendString(body, v, t, r)
			if body[0] == '-' {
				sign, body = "-", append(body[:0], body[1:]...)
			}
		case 'c':
			body = utf8.AppendRune(body, rune(x))
			numeric = false
		default:
			var mag uint64
			switch {
			case t == tUint:
				mag = uint64(x)
			case x < 0 && sp.cBits && sp.verb != 0 && sp.verb != 'd':
				mag = uint64(x)
			case x < 0:
				sign, mag = "-", uint64(-(x+1))+1
			default:
				mag = uint64(x)
			}
			base := 10
			switch sp.verb {
			case 'x', 'X':
				base = 16
			case 'o':
				base = 8
			case 'b':
				base = 2
			}
			body = strconv.AppendUint(body, mag, base)
			if sp.verb == 'X' {
				upper(body)
			}
			if sp.alt && base != 10 {
				prefix = altPrefix(sp.verb)
			}
			if sp.comma && base == 10 {
				body = groupThousands(body, len(body))
			}
		}
	case tFloat:
		numeric = true
		sign, body = appendFloatBody(body, floatAt(v, r), sp)
	case tBool:
		if sp.verb == 'd' {
			body = append(body, '0'+b2u(v.boolAt(r)))
			numeric = true
		} else {
			body = strconv.AppendBool(body, v.boolAt(r))
		}
	case tString:
		s := v.str(r)
		if sp.prec >= 0 {
			s = s[:byteIndexOfRune(s, sp.prec)]
		}
		body = append(body, s...)
	default:
		body = appendString(body, v, t, r)
	}
	*scratch = body
	if numeric && sign == "" && sp.sign != 0 {
		sign = string(sp.sign)
	}
	n := len(sign) + len(prefix) + utf8.RuneCount(body)
	pad := sp.width - n
	if pad <= 0 {
		dst = append(dst, sign...)
		dst = append(dst, prefix...)
		return append(dst, body...)
	}
	if numeric && sp.zero && (sp.align == 0 || sp.cBits) && !isNonFinite(body) {
		dst = append(dst, sign...)
		dst = append(dst, prefix...)
		for ; pad > 0; pad-- {
			dst = append(dst, '0')
		}
		return append(dst, body...)
	}
	align := sp.align
	if align == 0 {
		align = '<'
		if numeric {
			align = '>'
		}
	}
	fill := sp.fill
	if fill == "" {
		fill = " "
	}
	before := 0
	switch align {
	case '>':
		before = pad
	case '^':
		before = pad / 2
	}
	for k := 0; k < before; k++ {
		dst = append(dst, fill...)
	}
	dst = append(dst, sign...)
	dst = append(dst, prefix...)
	dst = append(dst, body...)
	for k := before; k < pad; k++ {
		dst = append(dst, fill...)
	}
	return dst
}

// appendFloatBody appends |x| as sp's verb prints it and returns the sign
// ("-" or ""). With no verb and no precision it is the shortest text that
// reads back, in fixed notation from 1e-4 to below 1e16 with at least one
// decimal (100.0), else with an exponent (1e+20), as DuckDB's format
// prints a double; with a precision and no verb, as g. Infinities and NaN
// are inf and nan (INF, NAN under F, E and G).
func appendFloatBody(body []byte, x float64, sp *fmtSpec) (string, []byte) {
	sign := ""
	if math.Signbit(x) && !math.IsNaN(x) {
		sign, x = "-", -x
	}
	verb := sp.verb
	if verb == 's' {
		verb = 0
	}
	if math.IsInf(x, 0) || math.IsNaN(x) {
		s := "inf"
		if math.IsNaN(x) {
			s = "nan"
		}
		body = append(body, s...)
		if verb == 'F' || verb == 'E' || verb == 'G' {
			upper(body)
		}
		return sign, body
	}
	prec := sp.prec
	switch verb {
	case 0:
		if prec >= 0 {
			return sign, strconv.AppendFloat(body, x, 'g', max(prec, 1), 64)
		}
		body = strconv.AppendFloat(body, x, 'e', -1, 64)
		e := len(body) - 1
		for body[e] != 'e' {
			e--
		}
		exp, _ := strconv.Atoi(string(body[e+1:]))
		if exp < -4 || exp >= 16 {
			return sign, body
		}
		body = strconv.AppendFloat(body[:0], x, 'f', -1, 64)
		for _, ch := range body {
			if ch == '.' {
				return sign, body
			}
		}
		return sign, append(body, '.', '0')
	case 'f', 'F':
		if prec < 0 {
			prec = 6
		}
		body = strconv.AppendFloat(body, x, 'f', prec, 64)
		if sp.comma {
			k := 0
			for k < len(body) && body[k] != '.' {
				k++
			}
			body = groupThousands(body, k)
		}
		return sign, body
	case 'e', 'E':
		if prec < 0 {
			prec = 6
		}
		body = strconv.AppendFloat(body, x, 'e', prec, 64)
	case 'g', 'G':
		if prec < 0 {
			prec = 6
		}
		body = strconv.AppendFloat(body, x, 'g', max(prec, 1), 64)
	}
	if verb == 'E' || verb == 'G' {
		upper(body)
	}
	return sign, body
}

// groupThousands puts a ',' between every three of the first k digits of b.
func groupThousands(b []byte, k int) []byte {
	commas := (k - 1) / 3
	if commas <= 0 {
		return b
	}
	out := make([]byte, 0, len(b)+commas)
	for i := 0; i < k; i++ {
		if i > 0 && (k-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, b[i])
	}
	out = append(out, b[k:]...)
	return append(b[:0], out...)
}

func upper(b []byte) {
	for i, ch := range b {
		if ch >= 'a' && ch <= 'z' {
			b[i] = ch - 'a' + 'A'
		}
	}
}

func isNonFinite(b []byte) bool {
	return len(b) == 3 && (b[0]|0x20 == 'i' || b[0]|0x20 == 'n')
}

// byteIndexOfRune returns the byte offset of character k of s (len(s)
// when s is shorter).
func byteIndexOfRune(s []byte, k int) int {
	i := 0
	for ; k > 0 && i < len(s); k-- {
		_, size := utf8.DecodeRune(s[i:])
		i += size
	}
	return i
}

func altPrefix(verb byte) string {
	switch verb {
	case 'x':
		return "0x"
	case 'X':
		return "0X"
	case 'o':
		return "0"
	}
	return "0b"
}
