package cluster

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
)

// A Range is the part of a text file that one task reads: the records
// that start in [Start, End), End being just after a record's newline or
// the file's end.
type Range struct {
	Start int64 `json:"start"`
	End   int64 `json:"end"`
	// Header is the length of the file's header record, which a range
	// after the first reads before its own bytes (0: none).
	Header int64 `json:"header,omitempty"`
	// Line is the file's line number at Start, for errors.
	Line int64 `json:"line"`
}

// rangeScanBytes is the read size of the boundary scan.
const rangeScanBytes = 4 << 20

// cutter finds record boundaries in a byte stream fed to it in order: a
// newline outside quotes (an even number of '"' since the file's start,
// as csvin's splitter counts them; NDJSON has no raw newline in a string,
// so every newline ends a record there). It cuts at the first boundary at
// or after target, then sets the next target size bytes on.
type cutter struct {
	quoted bool
	header bool // the first boundary ends the header, not a range
	size   int64

	off    int64 // file offset of the next byte fed
	odd    bool  // an odd number of quotes so far
	lines  int64 // newlines so far
	target int64

	headerEnd int64
	ranges    []Range
}

func newCutter(size int64, quoted, header bool) *cutter {
	c := &cutter{quoted: quoted, header: header, size: size, target: size}
	if header {
		c.target = 0
	}
	c.ranges = []Range{{Line: 1}}
	return c
}

func (c *cutter) count(b []byte) {
	c.lines += int64(bytes.Count(b, newline))
	if c.quoted && bytes.Count(b, quote)&1 == 1 {
		c.odd = !c.odd
	}
}

var (
	newline = []byte{'\n'}
	quote   = []byte{'"'}
)

func (c *cutter) feed(b []byte) {
	for len(b) > 0 {
		if c.off < c.target {
			n := int(min(int64(len(b)), c.target-c.off))
			c.count(b[:n])
			b, c.off = b[n:], c.off+int64(n)
			continue
		}
		j := bytes.IndexByte(b, '\n')
		if j < 0 {
			c.count(b)
			c.off += int64(len(b))
			return
		}
		c.count(b[:j+1])
		b, c.off = b[j+1:], c.off+int64(j+1)
		if c.odd {
			continue
		}
		if c.header && c.headerEnd == 0 {
			c.headerEnd = c.off
			c.target = c.size
			continue
		}
		last := &c.ranges[len(c.ranges)-1]
		last.End = c.off
		c.ranges = append(c.ranges, Range{Start: c.off, Line: c.lines + 1})
		c.target = c.off + c.size
	}
}

// finish closes the last range at the file's end and returns the ranges
// (nil when there is only one: the whole file is one task).
func (c *cutter) finish() []Range {
	rs := c.ranges
	last := &rs[len(rs)-1]
	last.End = c.off
	if last.Start == last.End {
		rs = rs[:len(rs)-1]
	}
	if len(rs) < 2 {
		return nil
	}
	if c.header {
		for i := 1; i < len(rs); i++ {
			rs[i].Header = c.headerEnd
		}
	}
	return rs
}

// splitText cuts a CSV (quoted) or TSV or NDJSON file into ranges of at
// least size bytes, each ending at a record boundary, reading the whole
// file once (~0.25 s of CPU per GB from the page cache). It returns nil, meaning
// one task for the file, when the file is not larger than size, is
// compressed, or starts in a way a range cannot repeat (a blank line, or
// lines ended by a lone '\r', which the CSV reader turns into records its
// own way).
func splitText(ctx context.Context, path string, size int64, quoted, header bool) ([]Range, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() || st.Size() <= size {
		return nil, nil
	}
	buf := make([]byte, rangeScanBytes)
	n, err := io.ReadFull(f, buf)
	if err != nil && err != io.ErrUnexpectedEOF {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if !splittable(buf[:n]) {
		return nil, nil
	}
	c := newCutter(size, quoted, header)
	for n > 0 {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		c.feed(buf[:n])
		n, err = io.ReadFull(f, buf)
		if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	}
	return c.finish(), nil
}

// splittable reports whether a file starting with head can be read in
// ranges: not gzip or zstd compressed, not starting with a blank line,
// and with '\n' line ends ('\r\n' included).
func splittable(head []byte) bool {
	switch {
	case len(head) == 0 || head[0] == '\n' || head[0] == '\r':
		return false
	case bytes.HasPrefix(head, []byte{0x1f, 0x8b}), bytes.HasPrefix(head, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		return false
	}
	i := bytes.IndexAny(head, "\r\n")
	return i >= 0 && (head[i] == '\n' || i+1 < len(head) && head[i+1] == '\n')
}
