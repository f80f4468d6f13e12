package jsonin

import (
	"bytes"
	"time"

	"github.com/arrowpipe/arrowpipe/pipeline"
)

// A cutter accumulates the bytes of one input and finds where to cut them
// into chunks of whole lines: at most maxRows lines and maxBytes bytes, or
// one longer line.
type cutter struct {
	maxRows, maxBytes int

	input   int
	pend    []byte
	scanned int  // pend[:scanned] has been searched for newlines
	cutAt   int  // end of the last complete line accepted for the chunk
	lines   int  // lines in pend[:cutAt]
	rows    int  // non-blank lines among them
	full    bool // the chunk pend[:cutAt] cannot grow
	eof     bool // the input ended: pend holds its last bytes
	since   time.Time
	offset  int64 // of pend[0] in the input
	line    int64 // line number of pend[0]
}

// reset starts the next input.
func (c *cutter) reset() {
	c.pend = c.pend[:0]
	c.scanned, c.cutAt, c.lines, c.rows = 0, 0, 0, 0
	c.full, c.eof = false, false
	c.offset, c.line = 0, 1
}

// add appends data and accepts the complete lines that fit.
func (c *cutter) add(data []byte) {
	c.pend = append(c.pend, data...)
	c.scan()
}

func (c *cutter) scan() {
	for !c.full {
		if c.lines >= c.maxRows {
			c.full = true
			break
		}
		j := bytes.IndexByte(c.pend[c.scanned:], '\n')
		if j < 0 {
			c.scanned = len(c.pend)
			break
		}
		nl := c.scanned + j
		if c.lines > 0 && nl+1 > c.maxBytes {
			c.full = true
			break
		}
		if !blank(c.pend[c.cutAt:nl]) {
			c.rows++
		}
		if c.lines == 0 {
			c.since = time.Now()
		}
		c.lines++
		c.cutAt, c.scanned = nl+1, nl+1
	}
	if c.lines > 0 && len(c.pend) > c.maxBytes {
		c.full = true
	}
}

// take returns pend[:n] as a chunk (n is cutAt, or len(pend) at the end of
// the input, which may end without a newline) and continues in next, a
// buffer that receives the rest.
func (c *cutter) take(n int, next []byte) pipeline.Chunk {
	lines, rows := c.lines, c.rows
	if n > c.cutAt { // the last line of the input, without a newline
		lines++
		if !blank(c.pend[c.cutAt:n]) {
			rows++
		}
	}
	ch := pipeline.Chunk{Data: c.pend[:n], Offset: c.offset, Line: c.line, Rows: rows}
	rest := c.pend[n:]
	c.pend = append(next, rest...)
	c.offset += int64(n)
	c.line += int64(lines)
	c.scanned -= n
	if c.scanned < 0 {
		c.scanned = 0
	}
	c.cutAt, c.lines, c.rows, c.full = 0, 0, 0, false
	c.scan()
	return ch
}
