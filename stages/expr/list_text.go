package expr

import (
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/arrowpipe/arrowpipe/stages/output/textfmt"
)

// appendListText appends row r of list vec v (element type et) as the
// JSON array the CSV and NDJSON writers write for a list field: strings
// JSON-quoted (no HTML escapes), floats marked as floats (2.0) with NaN and
// infinities as null, timestamps and dates as quoted RFC 3339 text, null
// elements as null. to_string of a list gives it.
func appendListText(dst []byte, v *vec, et typ, r int) []byte {
	dst = append(dst, '[')
	for e := v.loffs[r]; e < v.loffs[r+1]; e++ {
		if e > v.loffs[r] {
			dst = append(dst, ',')
		}
		if !v.elemValid(e) {
			dst = append(dst, "null"...)
			continue
		}
		switch et {
		case tString:
			dst = appendJSONString(dst, v.data[v.offs[e]:v.offs[e+1]])
		case tFloat:
			f := v.f[e]
			if math.IsNaN(f) || math.IsInf(f, 0) {
				dst = append(dst, "null"...)
				break
			}
			dst = textfmt.MarkFloat(textfmt.AppendFloat(dst, f, 64), len(dst))
		case tTime, tTimeNs, tDate:
			dst = append(dst, '"')
			switch et {
			case tTime:
				dst = textfmt.AppendTimestamp(dst, v.i[e], arrow.Microsecond)
			case tTimeNs:
				dst = textfmt.AppendTimestamp(dst, v.i[e], arrow.Nanosecond)
			default:
				dst = textfmt.AppendDate(dst, v.i[e])
			}
			dst = append(dst, '"')
		case tUint:
			dst = strconv.AppendUint(dst, uint64(v.i[e]), 10)
		default:
			dst = appendElemText(dst, v, et, e)
		}
	}
	return append(dst, ']')
}

// appendJSONString appends s as a JSON string: " and \ escaped, control
// characters as \n \r \t \b \f or \u00XX, bytes that are not UTF-8 as
// \ufffd, everything else as it is.
func appendJSONString(dst, s []byte) []byte {
	dst = append(dst, '"')
	for i := 0; i < len(s); {
		b := s[i]
		if b >= utf8.RuneSelf {
			r, size := utf8.DecodeRune(s[i:])
			if r == utf8.RuneError && size == 1 {
				dst = append(dst, `\ufffd`...)
			} else {
				dst = append(dst, s[i:i+size]...)
			}
			i += size
			continue
		}
		switch {
		case b == '"' || b == '\\':
			dst = append(dst, '\\', b)
		case b == '\n':
			dst = append(dst, `\n`...)
		case b == '\r':
			dst = append(dst, `\r`...)
		case b == '\t':
			dst = append(dst, `\t`...)
		case b == '\b':
			dst = append(dst, `\b`...)
		case b == '\f':
			dst = append(dst, `\f`...)
		case b < 0x20:
			dst = append(dst, `\u00`...)
			dst = append(dst, "0123456789abcdef"[b>>4], "0123456789abcdef"[b&0xf])
		default:
			dst = append(dst, b)
		}
		i++
	}
	return append(dst, '"')
}
