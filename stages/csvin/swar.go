package csvin

import (
	"bytes"
	"encoding/binary"
	"math/bits"
)

const (
	lo7  = 0x7f7f7f7f7f7f7f7f
	ones = 0x0101010101010101
)

// zeroBytes returns a word with the high bit set in exactly the bytes of w
// that are zero (no carries cross bytes, so no false positives).
func zeroBytes(w uint64) uint64 {
	t := (w & lo7) + lo7
	return ^(t | w | lo7)
}

// scanPlain splits the record that starts at data[pos], if it is one line
// without quotes: it returns the index of the record's '\n' (len(data) if
// none) and true. If the line holds a quote it returns false, and the caller
// splits the record with recordEnd and split. The line end and the quote
// check use bytes.IndexByte (SIMD); delimiters are found 8 bytes at a time
// (SWAR), which saves a function call per field: fields are short.
func (p *fieldSplitter) scanPlain(data []byte, pos int) (int, bool) {
	end := len(data)
	if j := bytes.IndexByte(data[pos:], '\n'); j >= 0 {
		end = pos + j
	}
	line := data[pos:end:end]
	if (p.quoting && bytes.IndexByte(line, '"') >= 0) || len(line) > maxRecord {
		return 0, false
	}
	spans := p.spans[:0]
	delimPat := ones * uint64(p.delim)
	start := 0
	i := 0
	for ; i+8 <= len(line); i += 8 {
		md := zeroBytes(binary.LittleEndian.Uint64(line[i:]) ^ delimPat)
		for md != 0 {
			k := i + bits.TrailingZeros64(md)>>3
			spans = append(spans, span{uint32(start), uint32(k)})
			start = k + 1
			md &= md - 1
		}
	}
	for ; i < len(line); i++ {
		if line[i] == p.delim {
			spans = append(spans, span{uint32(start), uint32(i)})
			start = i + 1
		}
	}
	p.spans = append(spans, span{uint32(start), uint32(len(line))})
	p.rec = line
	p.anyQuoted = false
	return end, true
}
