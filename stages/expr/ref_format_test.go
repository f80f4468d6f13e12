package expr

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The reference side of format and printf: the format string read with
// regular expressions, each value printed with Go's fmt or strconv and
// padded here, from the documented semantics (doc.go).

var (
	refPrintfCode = regexp.MustCompile(`%([-+ #0]*)(\d*)(?:\.(\d*))?([a-zA-Z%])`)
	refBraceCode  = regexp.MustCompile(`^\{(\d*)(?::([^}]*))?\}`)
	refBraceSpec  = regexp.MustCompile(`^(?:(.)?([<>^]))?([-+ ])?(#)?(0)?(\d*)(,)?(?:\.(\d+))?([a-zA-Z])?$`)
)

type refSpec struct {
	fill              string
	align, sign, verb byte
	alt, zero, comma  bool
	width, prec       int
	cBits             bool
}

// refFormat computes format or printf of non-null arguments (args[0] is the
// format string).
func refFormat(name string, args []any, types []typ) any {
	f := args[0].(string)
	var b strings.Builder
	next := 0
	if name == "printf" {
		last := 0
		for _, m := range refPrintfCode.FindAllStringSubmatchIndex(f, -1) {
			b.WriteString(f[last:m[0]])
			last = m[1]
			if f[m[8]] == '%' {
				b.WriteByte('%')
				continue
			}
			sp := refSpec{align: '>', prec: -1, cBits: true, verb: f[m[8]]}
			flags := f[m[2]:m[3]]
			if strings.Contains(flags, "-") {
				sp.align = '<'
			}
			if strings.Contains(flags, " ") {
				sp.sign = ' '
			}
			if strings.Contains(flags, "+") {
				sp.sign = '+'
			}
			sp.alt, sp.zero = strings.Contains(flags, "#"), strings.Contains(flags, "0") && sp.align != '<'
			sp.width, _ = strconv.Atoi(f[m[4]:m[5]])
			if m[6] >= 0 {
				sp.prec, _ = strconv.Atoi(f[m[6]:m[7]])
			}
			if sp.verb == 'i' {
				sp.verb = 'd'
			}
			b.WriteString(refFormatOne(args[next+1], types[next+1], sp))
			next++
		}
		b.WriteString(f[last:])
		return b.String()
	}
	for i := 0; i < len(f); {
		switch {
		case strings.HasPrefix(f[i:], "{{"):
			b.WriteByte('{')
			i += 2
			continue
		case strings.HasPrefix(f[i:], "}}"):
			b.WriteByte('}')
			i += 2
			continue
		case f[i] != '{':
			b.WriteByte(f[i])
			i++
			continue
		}
		m := refBraceCode.FindStringSubmatchIndex(f[i:])
		text := f[i:]
		i += m[1]
		k := next
		if m[3] > m[2] {
			k, _ = strconv.Atoi(text[m[2]:m[3]])
		}
		next++
		sp := refSpec{prec: -1}
		if m[4] >= 0 {
			p := refBraceSpec.FindStringSubmatch(text[m[4]:m[5]])
			sp.fill, sp.sign = p[1], map[string]byte{"+": '+', " ": ' '}[p[3]]
			if p[2] != "" {
				sp.align = p[2][0]
			}
			sp.alt, sp.zero, sp.comma = p[4] != "", p[5] != "", p[7] != ""
			sp.width, _ = strconv.Atoi(p[6])
			if p[8] != "" {
				sp.prec, _ = strconv.Atoi(p[8])
			}
			if p[9] != "" {
				sp.verb = p[9][0]
			}
		}
		b.WriteString(refFormatOne(args[k+1], types[k+1], sp))
	}
	return b.String()
}

// refFormatOne prints one value: sign, prefix and digits, then padding.
func refFormatOne(v any, t typ, sp refSpec) string {
	sign, prefix, body, numeric := "", "", "", true
	floatBody := func(x float64) {
		if math.Signbit(x) && !math.IsNaN(x) {
			sign, x = "-", -x
		}
		switch {
		case math.IsNaN(x) || math.IsInf(x, 0):
			body = map[bool]string{true: "nan", false: "inf"}[math.IsNaN(x)]
			if strings.IndexByte("FEG", sp.verb) >= 0 {
				body = strings.ToUpper(body)
			}
			return
		case sp.verb == 0 || sp.verb == 's':
			if sp.prec >= 0 {
				body = fmt.Sprintf("%.*g", max(sp.prec, 1), x)
				return
			}
			e := strings.Index(strconv.FormatFloat(x, 'e', -1, 64), "e")
			exp, _ := strconv.Atoi(strconv.FormatFloat(x, 'e', -1, 64)[e+1:])
			if exp < -4 || exp >= 16 {
				body = strconv.FormatFloat(x, 'e', -1, 64)
				return
			}
			body = strconv.FormatFloat(x, 'f', -1, 64)
			if !strings.Contains(body, ".") {
				body += ".0"
			}
			return
		}
		prec := sp.prec
		if prec < 0 {
			prec = 6
		}
		if sp.verb == 'g' || sp.verb == 'G' {
			prec = max(prec, 1)
		}
		body = fmt.Sprintf("%.*"+string(sp.verb), prec, x)
		if sp.comma {
			intPart, frac, _ := strings.Cut(body, ".")
			body = refGroup(intPart)
			if frac != "" || strings.Contains(body, ".") {
				body += "." + frac
			}
		}
	}
	switch x := v.(type) {
	case int64, uint64:
		switch {
		case strings.IndexByte("fFeEgG", sp.verb) >= 0 && sp.verb != 0:
			floatBody(refFloat(x))
		case sp.verb == 's':
			body = refToString(x, t)
			if strings.HasPrefix(body, "-") {
				sign, body = "-", body[1:]
			}
		case sp.verb == 'c':
			body, numeric = string(rune(refBig(x).Int64())), false
		default:
			n := refBig(x)
			base := map[byte]int{'x': 16, 'X': 16, 'o': 8, 'b': 2}[sp.verb]
			if base == 0 {
				base = 10
			}
			if n.Sign() < 0 && sp.cBits && base != 10 {
				n.SetUint64(uint64(n.Int64()))
			}
			if n.Sign() < 0 {
				sign = "-"
				n.Neg(n)
			}
			body = n.Text(base)
			if sp.verb == 'X' {
				body = strings.ToUpper(body)
			}
			if sp.alt && base != 10 {
				prefix = map[byte]string{'x': "0x", 'X': "0X", 'o': "0", 'b': "0b"}[sp.verb]
			}
			if sp.comma && base == 10 {
				body = refGroup(body)
			}
		}
	case float64:
		floatBody(x)
	case bool:
		if sp.verb == 'd' {
			body = map[bool]string{true: "1", false: "0"}[x]
		} else {
			body, numeric = strconv.FormatBool(x), false
		}
	case string:
		body, numeric = x, false
		if sp.prec >= 0 && utf8.RuneCountInString(x) > sp.prec {
			body = string([]rune(x)[:sp.prec])
		}
	default:
		body, numeric = refToString(x, t), false
	}
	if numeric && sign == "" && sp.sign != 0 {
		sign = string(sp.sign)
	}
	text := sign + prefix + body
	pad := sp.width - utf8.RuneCountInString(text)
	if pad <= 0 {
		return text
	}
	if numeric && sp.zero && (sp.align == 0 || sp.cBits) && !strings.ContainsAny(body, "naNA") {
		return sign + prefix + strings.Repeat("0", pad) + body
	}
	fill := sp.fill
	if fill == "" {
		fill = " "
	}
	align := sp.align
	if align == 0 {
		align = map[bool]byte{true: '>', false: '<'}[numeric]
	}
	before := map[byte]int{'<': 0, '>': pad, '^': pad / 2}[align]
	return strings.Repeat(fill, before) + text + strings.Repeat(fill, pad-before)
}

func refGroup(digits string) string {
	var b strings.Builder
	for i, c := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
