package csvin

import "bytes"

// splitter accumulates one input's bytes and finds chunk boundaries.
// buf[0] is at byte offset off and line line of input file.
type splitter struct {
	buf  []byte
	off  int64
	line int64
	file string

	scan      int   // bytes of buf scanned for record ends
	scanLines int64 // newlines in buf[:scan]
	inQuote   bool  // buf[:scan] ends inside a quoted field
	recStart  int   // start of the record being scanned
	cut       int   // end of the last complete record in buf
	cutLines  int64 // newlines in buf[:cut]
	// rows counts the records (without blankRows, the non-blank ones) in
	// buf[:cut], except after a
	// cutBytes that did not count them (fewer lines than maxRows): then
	// it is the number of lines there, an upper bound.
	rows int

	// buf[scan:qz] holds no quote; qfound tells that buf[qz] is one.
	qz     int
	qfound bool
	// slowUntil stops bulk scanning before that offset (see scanBulk).
	slowUntil int
	// noQuotes: every newline ends a record (Options.NoQuotes).
	noQuotes bool
	// blankRows: a blank line is a record (a null) rather than nothing,
	// as in an input of one column.
	blankRows bool
	// byRows tells that the last chunk was cut at its row bound rather than
	// its byte bound: the next one is then scanned record by record as
	// bytes arrive (scanFor), since cutting by bytes (cutBytes) would count
	// too many records.
	byRows bool
}

// reset forgets the scan state (buf is unchanged).
func (sp *splitter) reset() {
	*sp = splitter{buf: sp.buf, off: sp.off, line: sp.line, file: sp.file, noQuotes: sp.noQuotes, blankRows: sp.blankRows, byRows: sp.byRows}
}

// drop removes n bytes holding lines newlines from the front of an unscanned
// buf. It reslices rather than moves the rest, which a read in flight into
// the room after buf requires.
func (sp *splitter) drop(n int, lines int64) {
	sp.buf = sp.buf[n:]
	sp.off += int64(n)
	sp.line += lines
}

// scanFor scans buf for record ends and reports whether buf[:cut] is a full
// chunk: maxRows records, or as many as fit in maxBytes (at least one).
//
// A record ends at a newline preceded by an even number of quotes since its
// start; scanning is a bytes.IndexByte for the newline and a bytes.Count of
// the quotes per line (both SIMD), or, across stretches without quotes, a
// few calls for many lines at once (scanBulk).
func (sp *splitter) scanFor(maxRows, maxBytes int) bool {
	buf := sp.buf
	for sp.scan < len(buf) {
		if !sp.inQuote && sp.scan >= sp.slowUntil {
			if full, ok := sp.scanBulk(maxRows, maxBytes); ok {
				if full {
					return true
				}
				continue
			}
		}
		j := bytes.IndexByte(buf[sp.scan:], '\n')
		if j < 0 {
			if !sp.noQuotes && bytes.Count(buf[sp.scan:], quote)&1 == 1 {
				sp.inQuote = !sp.inQuote
			}
			sp.scan = len(buf)
			return false
		}
		nl := sp.scan + j
		if !sp.noQuotes && bytes.Count(buf[sp.scan:nl], quote)&1 == 1 {
			sp.inQuote = !sp.inQuote
		}
		sp.scan = nl + 1
		sp.scanLines++
		if sp.inQuote {
			continue
		}
		if sp.rows > 0 && sp.scan > maxBytes {
			sp.byRows = false
			return true
		}
		if sp.blankRows || len(trimCR(buf[sp.recStart:nl])) > 0 {
			sp.rows++
		}
		sp.cut, sp.cutLines, sp.recStart = sp.scan, sp.scanLines, sp.scan
		if sp.rows >= maxRows {
			sp.byRows = true
			return true
		}
	}
	return false
}

// bulkMin is the shortest stretch without quotes that scanBulk takes on:
// ~10 lines of 100 bytes.
const bulkMin = 1024

// scanBulk takes, at a record boundary, all the whole lines before the next
// quote at once, when they fit in the chunk and none is blank: every
// newline there ends a record. It reports ok false when the line-by-line
// scan must take the next line, and then keeps out of the stretch it
// looked at, so that no byte is examined by it twice.
func (sp *splitter) scanBulk(maxRows, maxBytes int) (full, ok bool) {
	buf := sp.buf
	if sp.qz < sp.scan {
		sp.qz, sp.qfound = sp.scan, false
	}
	if sp.noQuotes {
		sp.qz = len(buf)
	} else if !sp.qfound && sp.qz < len(buf) {
		if j := bytes.IndexByte(buf[sp.qz:], '"'); j < 0 {
			sp.qz = len(buf)
		} else {
			sp.qz += j
			sp.qfound = true
		}
	}
	if sp.qfound && sp.qz-sp.scan < bulkMin {
		// The next quote is near: bulk calls would cost more than they
		// save.
		sp.slowUntil = sp.qz
		return false, false
	}
	limit := min(sp.qz, max(maxBytes, sp.scan))
	region := buf[sp.scan:limit]
	last := bytes.LastIndexByte(region, '\n')
	if last < 0 {
		return false, false
	}
	region = region[:last+1]
	n := bytes.Count(region, []byte{'\n'})
	if sp.rows+n > maxRows || region[0] == '\n' || region[0] == '\r' ||
		bytes.Contains(region, []byte("\n\n")) || bytes.Contains(region, []byte("\n\r")) {
		sp.slowUntil = sp.scan + len(region)
		return false, false
	}
	sp.scan += len(region)
	sp.scanLines += int64(n)
	sp.rows += n
	sp.cut, sp.cutLines, sp.recStart = sp.scan, sp.scanLines, sp.scan
	if sp.rows >= maxRows {
		sp.byRows = true
		return true, true
	}
	if sp.scan >= maxBytes {
		sp.byRows = false
		return true, true
	}
	return false, true
}

// cutBytes cuts a chunk at the last record end within maxBytes of an
// unscanned buf, with a few passes over the whole chunk rather than calls
// per line: a bytes.Count of the quotes, a walk back from maxBytes to the
// last newline after an even number of them (a newline after an even
// number of quotes since the chunk's start ends a record, as in recordEnd,
// since every record before it ended after an even number), and a
// bytes.Count of the newlines, which places the next chunk's first line.
// It does not count the records: while the chunk has fewer lines than
// maxRows it holds fewer records too (blank lines and newlines inside
// quotes only lower the count), and the decoders count them in parallel.
// Only with maxRows lines or more does it count them, leaving out blank
// lines (a SWAR test) and newlines inside quoted fields (two
// bytes.IndexByte per quoted field). BenchmarkCut measures it against
// scanFor. With final set, buf is the rest of the input and may be shorter
// than maxBytes.
//
// It reports false when it cannot tell the cut cheaply: no record ends
// within maxBytes (a record longer than the chunk), the chunk starts with
// a blank line (scanFor then cuts past maxBytes to take a record), or it
// may hold more than maxRows records (it then sets byRows when it does).
// scanFor then scans record by record.
func (sp *splitter) cutBytes(maxRows, maxBytes int, final bool) bool {
	if sp.scan != 0 || (len(sp.buf) < maxBytes && !final) {
		return false
	}
	if len(sp.buf) <= maxBytes && final && !bytes.HasSuffix(sp.buf, []byte{'\n'}) {
		// The last record lacks its line end: scanFor and Next put it in
		// the same chunk as the records before it.
		return false
	}
	region := sp.buf[:min(len(sp.buf), maxBytes)]
	cut := -1
	if sp.noQuotes {
		cut = bytes.LastIndexByte(region, '\n')
	} else {
		odd := bytes.Count(region, quote)&1 == 1
		for end := len(region); ; {
			nl := bytes.LastIndexByte(region[:end], '\n')
			if nl < 0 {
				break
			}
			if bytes.Count(region[nl:end], quote)&1 == 1 {
				odd = !odd
			}
			if !odd {
				cut = nl
				break
			}
			end = nl
		}
	}
	if cut < 0 {
		return false
	}
	chunk := region[:cut+1]
	if chunk[0] == '\n' || chunk[0] == '\r' {
		return false
	}
	lines := bytes.Count(chunk, []byte{'\n'})
	rows := lines
	if lines >= maxRows {
		// A blank line is a newline followed by line ends only: it can
		// only be where a newline is followed by '\n' or '\r'.
		if !sp.blankRows && lineEndAfterNewline(chunk) {
			return false
		}
		if !sp.noQuotes {
			rows -= quotedNewlines(chunk)
		}
		if rows > maxRows {
			sp.byRows = true
			return false
		}
	}
	sp.scan, sp.scanLines = len(chunk), int64(lines)
	sp.cut, sp.cutLines, sp.recStart = sp.scan, sp.scanLines, sp.scan
	sp.rows = rows
	sp.byRows = false
	return true
}

// quotedNewlines counts the newlines of b that are inside quoted fields,
// that is after an odd number of quotes. b holds an even number of quotes.
func quotedNewlines(b []byte) int {
	n := 0
	for pos := 0; ; {
		open := bytes.IndexByte(b[pos:], '"')
		if open < 0 {
			return n
		}
		open += pos + 1
		end := bytes.IndexByte(b[open:], '"')
		if end < 0 {
			return n
		}
		end += open
		n += bytes.Count(b[open:end], []byte{'\n'})
		pos = end + 1
	}
}
