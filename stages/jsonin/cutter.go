package jsonin

import (
	"bytes"
	"time"

	"github.com/arrowpipe/arrowpipe/pipeline"
)

// A cutter finds where to cut the bytes of one input (the read-ahead
// window, pend) into chunks of whole lines: at most maxRows lines and
// maxBytes bytes, or one longer line.
type cutter struct {
	maxRows, maxBytes int

	scanned int  // pend[:scanned] has been searched for newlines
	cutAt   int  // end of the last complete line accepted for the chunk
	lines   int  // lines in pend[:cutAt]
	rows    int  // non-blank lines among them
	full    bool // the chunk pend[:cutAt] cannot grow
	since   time.Time
	offset  int64 // of pend[0] in the input
	line    int64 // line number of pend[0]
}

// reset starts the next input.
func (c *cutter) reset() {
	c.scanned, c.cutAt, c.lines, c.rows = 0, 0, 0, 0
	c.full = false
	c.offset, c.line = 0, 1
}

// scan accepts the complete lines of pend that fit, from where the last
// scan stopped.
func (c *cutter) scan(pend []byte) {
	for !c.full {
		if c.lines >= c.maxRows {
			c.full = true
			break
		}
		j := bytes.IndexByte(pend[c.scanned:], '\n')
		if j < 0 {
			c.scanned = len(pend)
			break
		}
		nl := c.scanned + j
		if c.lines > 0 && nl+1 > c.maxBytes {
			c.full = true
			break
		}
		if !blank(pend[c.cutAt:nl]) {
			c.rows++
		}
		if c.lines == 0 {
			c.since = time.Now()
		}
		c.lines++
		c.cutAt, c.scanned = nl+1, nl+1
	}
	if c.lines > 0 && len(pend) > c.maxBytes {
		c.full = true
	}
}

// take places pend[:n] as a chunk (n is cutAt, or len(pend) at the end of
// the input, which may end without a newline) and goes on after it; the
// caller cuts the bytes off pend. The chunk has no Data yet.
func (c *cutter) take(pend []byte, n int) pipeline.Chunk {
	lines, rows := c.lines, c.rows
	if n > c.cutAt { // the last line of the input, without a newline
		lines++
		if !blank(pend[c.cutAt:n]) {
			rows++
		}
	}
	ch := pipeline.Chunk{Offset: c.offset, Line: c.line, Rows: rows}
	c.offset += int64(n)
	c.line += int64(lines)
	c.scanned = max(0, c.scanned-n)
	c.cutAt, c.lines, c.rows, c.full = 0, 0, 0, false
	return ch
}
