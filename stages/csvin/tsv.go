package csvin

import "bytes"

// unescapeTSV appends field f of a TSV input to dst with its escapes
// decoded, as Miller and the IANA TSV convention write them: \t is a tab,
// \n a line feed, \r a carriage return and \\ a backslash. A backslash
// before any other byte, or at the end, stays as it is.
func unescapeTSV(dst, f []byte) []byte {
	for {
		i := bytes.IndexByte(f, '\\')
		if i < 0 || i+1 == len(f) {
			return append(dst, f...)
		}
		dst = append(dst, f[:i]...)
		switch f[i+1] {
		case 't':
			dst = append(dst, '\t')
		case 'n':
			dst = append(dst, '\n')
		case 'r':
			dst = append(dst, '\r')
		case '\\':
			dst = append(dst, '\\')
		default:
			dst = append(dst, f[i], f[i+1])
		}
		f = f[i+2:]
	}
}

// sniffDelimiter chooses the delimiter of a CSV input from its first
// line: ',' when the line has a comma outside quotes (or none of the
// others), else whichever of ';', '|' and tab it holds most of, so that a
// European export (a;b;c) or a pipe-separated file named .csv reads as
// its columns.
func sniffDelimiter(line []byte) byte {
	var counts [256]int
	inQuote := false
	for _, c := range line {
		if c == '"' {
			inQuote = !inQuote
		} else if !inQuote {
			counts[c]++
		}
	}
	if counts[','] > 0 {
		return ','
	}
	best := byte(',')
	for _, c := range []byte{';', '|', '\t'} {
		if counts[c] > counts[best] {
			best = c
		}
	}
	return best
}
