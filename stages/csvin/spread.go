package csvin

import (
	"bytes"
	"io"

	"github.com/arrowpipe/arrowpipe/stages/textval"
)

// Inference from rows spread across a regular file: besides the head
// sample, a few blocks at even offsets and the file's tail, so that a value
// that only appears late (a code column whose first thousand values are
// digits) is seen before the types are fixed. Each block costs one ReadAt
// of spreadBlockBytes (~0.1 ms cached).
const (
	spreadBlocks     = 4 // the tail and 3 blocks between the head and it
	spreadBlockBytes = 64 << 10
)

// sampleSpread adds to inf the records of blocks spread across the first
// input past its head sample (headEnd bytes of records, which end a
// little further in the file, after the header line: blocks may overlap
// the sample, which adds nothing, and since each block drops its first,
// partial, line, none holds the header), when that input is a regular, uncompressed file (randomAccess).
// A block starts after its first newline and ends at its last, so it holds
// whole lines; it is used only when lines are records there: with quoting
// off, or when neither the head sample nor the block holds a quote (a
// quoted field could hold a newline that a block would cut mid-field).
// Lines whose field count differs from ncols are not counted.
func (s *Source) sampleSpread(inf *textval.Inferrer, p *fieldSplitter, ncols int, headEnd int64, headQuotes bool) {
	if s.cur != 0 || (p.quoting && headQuotes) {
		return
	}
	ra, ok := s.inputs[0].R.(randomAccess)
	if !ok {
		return
	}
	r, size, ok := ra.ReaderAt()
	if !ok || size <= headEnd+spreadBlockBytes {
		return
	}
	buf := make([]byte, spreadBlockBytes)
	for i := 1; i <= spreadBlocks; i++ {
		off := headEnd + (size-headEnd)*int64(i)/spreadBlocks - spreadBlockBytes
		off = max(off, headEnd)
		n, err := r.ReadAt(buf, off)
		if err != nil && err != io.EOF {
			return
		}
		block := buf[:n]
		if p.quoting && bytes.IndexByte(block, '"') >= 0 {
			continue
		}
		first := bytes.IndexByte(block, '\n')
		if first < 0 {
			continue
		}
		block = block[first+1:]
		if off+int64(n) < size {
			last := bytes.LastIndexByte(block, '\n')
			block = block[:last+1]
		}
		s.inferLines(inf, p, ncols, block)
	}
}

// inferLines adds the fields of each line of block to inf.
func (s *Source) inferLines(inf *textval.Inferrer, p *fieldSplitter, ncols int, block []byte) {
	for len(block) > 0 {
		line := block
		if j := bytes.IndexByte(block, '\n'); j >= 0 {
			line, block = block[:j], block[j+1:]
		} else {
			block = nil
		}
		line = trimCR(line)
		if len(line) == 0 {
			continue
		}
		p.splitPlain(line)
		if p.nfields() != ncols {
			continue
		}
		for i := range ncols {
			f := p.field(i)
			if len(f) == 0 || s.nulls.has(f) {
				continue
			}
			inf.Add(i, f)
		}
	}
}
