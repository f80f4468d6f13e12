package csvin

import (
	"bytes"
)

// countPlain counts the records of data from pos on that need no
// splitting to be checked, when no column is decoded: one line each,
// ended by '\n', without quotes (when quoting), with exactly want
// delimiters. Blank lines (empty, or a lone '\r') are skipped, as the full
// path skips them, except in an input of one column (want 0), where a blank
// line is a record (a null). It stops at the first record that is anything else and
// returns where that record starts, the records counted and the lines
// consumed (records plus blank lines); the caller takes that record
// through the full path, which reports it if it is bad.
//
// A record costs two SIMD scans (its line end, its delimiters): the next
// quote is looked for once for all the records before it, where a scan of
// each record for quotes made a third.
func countPlain(data []byte, pos int, delim byte, quoting bool, want int) (next, records int, lines int64) {
	nextQuote := len(data)
	if quoting {
		if q := bytes.IndexByte(data[pos:], '"'); q >= 0 {
			nextQuote = pos + q
		}
	}
	delims := []byte{delim}
	for {
		k := bytes.IndexByte(data[pos:], '\n')
		if k < 0 || pos+k > nextQuote {
			return pos, records, lines
		}
		line := data[pos : pos+k]
		switch {
		case len(line) == 0 || (len(line) == 1 && line[0] == '\r'):
			// Blank line: no record, except with one column.
			if want == 0 {
				records++
			}
		case bytes.Count(line, delims) == want:
			records++
		default:
			return pos, records, lines
		}
		lines++
		pos += k + 1
	}
}
