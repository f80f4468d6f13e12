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

// lineEndAfterNewline reports whether b might hold a blank line: it
// reports true wherever a '\n' is followed by '\n' or '\r', and may also
// report true for a '\n' (or a '\v' right after one) followed by another
// byte up to 0x10, which text rarely holds (a tab after a newline is one:
// TSV with an empty first field): a caller that gets true must look
// closer. It tests 8 positions per word with 10 word operations (SWAR)
// and branches once per 64 bytes: ~8 GB/s, where bytes.Index for "\n\n"
// and "\n\r" stops at each newline and makes ~2–2.8 GB/s on lines of ~60
// bytes.
func lineEndAfterNewline(b []byte) bool {
	// found collects the high bit of each byte that might be a line end
	// after a newline; prev holds the newlines of the word before, for
	// the first byte of the next.
	var found, prev uint64
	i := 0
	for ; i+64 <= len(b); i += 64 {
		blk := b[i : i+64 : i+64]
		// Unrolled, with constant offsets: no bounds checks, no loop.
		var f uint64
		f, prev = afterNewline(binary.LittleEndian.Uint64(blk[0:]), prev)
		found |= f
		f, prev = afterNewline(binary.LittleEndian.Uint64(blk[8:]), prev)
		found |= f
		f, prev = afterNewline(binary.LittleEndian.Uint64(blk[16:]), prev)
		found |= f
		f, prev = afterNewline(binary.LittleEndian.Uint64(blk[24:]), prev)
		found |= f
		f, prev = afterNewline(binary.LittleEndian.Uint64(blk[32:]), prev)
		found |= f
		f, prev = afterNewline(binary.LittleEndian.Uint64(blk[40:]), prev)
		found |= f
		f, prev = afterNewline(binary.LittleEndian.Uint64(blk[48:]), prev)
		found |= f
		f, prev = afterNewline(binary.LittleEndian.Uint64(blk[56:]), prev)
		found |= f
		if found&hi != 0 {
			return true
		}
	}
	if i > 0 && b[i-1] == '\n' && i < len(b) && (b[i] == '\n' || b[i] == '\r') {
		return true
	}
	for ; i+1 < len(b); i++ {
		if b[i] == '\n' && (b[i+1] == '\n' || b[i+1] == '\r') {
			return true
		}
	}
	return false
}

// hi has the high bit of each byte of a word.
const hi = 0x8080808080808080

// afterNewline returns, for the word w (8 bytes, little-endian) and the
// newline tests of the word before it (prev), in the high bit of each byte
// of w, whether the byte is below 0x10 ('\n' and '\r' among them) right
// after a newline; and the newline tests of w. Only the high bits of the
// results mean anything (the caller masks with hi). The tests (x-k)&^x
// are exact up to the first match in a word and may flag bytes right above
// it (a borrow): false positives only.
func afterNewline(w, prev uint64) (found, nl uint64) {
	const nlPat = ones * '\n'
	x := w ^ nlPat
	nl = (x - ones) &^ x
	ctl := (w - ones*0x10) &^ w
	return (nl<<8 | prev>>56) & ctl, nl
}
