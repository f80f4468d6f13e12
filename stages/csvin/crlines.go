package csvin

import "bytes"

// crLineEnds tells whether the input that starts with b ends its lines
// with a lone '\r' (classic Mac OS files): its first line end outside
// quotes is a '\r' (or several) followed by something other than '\n'.
// "\n", "\r\n" and "\r\r\n" are ordinary line ends. It reports ok false
// when b does not reach the first line end yet and more input may come
// (atEOF false).
func crLineEnds(b []byte, quoting, atEOF bool) (cr, ok bool) {
	inQuote := false
	for i := 0; i < len(b); i++ {
		switch b[i] {
		case '"':
			inQuote = quoting && !inQuote
		case '\n':
			if !inQuote {
				return false, true
			}
		case '\r':
			if inQuote {
				continue
			}
			j := i + 1
			for j < len(b) && b[j] == '\r' {
				j++
			}
			if j == len(b) {
				// At the end of the input, CRs alone end its lines.
				return true, atEOF
			}
			return b[j] != '\n', true
		}
	}
	return false, atEOF
}

// crToLF turns, in place, every '\r' of b outside a quoted field into
// '\n', so that the splitter and the decoders, which end records at '\n',
// read an input with lone-'\r' line ends; a '\r' inside quotes stays data.
// inQuote tells whether b starts inside a quoted field; it returns whether
// b ends inside one. Without quoting every '\r' is a line end. The length
// and so the byte offsets do not change; a "\r\n" is left as it is (one
// line end). It costs two SIMD scans per line.
func crToLF(b []byte, quoting, inQuote bool) bool {
	for {
		i := bytes.IndexByte(b, '\r')
		if i < 0 {
			if quoting && bytes.Count(b, quote)&1 == 1 {
				inQuote = !inQuote
			}
			return inQuote
		}
		if quoting && bytes.Count(b[:i], quote)&1 == 1 {
			inQuote = !inQuote
		}
		if !inQuote && (i+1 == len(b) || b[i+1] != '\n') {
			b[i] = '\n'
		}
		b = b[i+1:]
	}
}
