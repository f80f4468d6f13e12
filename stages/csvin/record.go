package csvin

import "bytes"

// recordEnd finds the end of the record that starts at data[start]: the
// index of the first '\n' after start preceded by an even number of quotes
// (a newline inside quotes belongs to a field), or len(data) when there is
// none. It also returns the number of newlines inside the record, the number
// of quotes in it, and whether it ended at a newline. A doubled quote counts
// twice, so parity alone tells whether a newline is inside a quoted field.
//
// The splitter and the decoder both cut records with this function, which
// is why they always agree on record boundaries, even for malformed input.
func recordEnd(data []byte, start int) (end, newlines, quotes int, complete bool) {
	pos := start
	for {
		j := bytes.IndexByte(data[pos:], '\n')
		if j < 0 {
			quotes += bytes.Count(data[pos:], quote)
			return len(data), newlines, quotes, false
		}
		quotes += bytes.Count(data[pos:pos+j], quote)
		if quotes&1 == 0 {
			return pos + j, newlines, quotes, true
		}
		newlines++
		pos += j + 1
	}
}

var quote = []byte{'"'}

// recordEndIn is recordEnd for a dialect: without quoting (quoting false)
// every newline ends a record.
func recordEndIn(data []byte, start int, quoting bool) (end, newlines, quotes int, complete bool) {
	if quoting {
		return recordEnd(data, start)
	}
	if j := bytes.IndexByte(data[start:], '\n'); j >= 0 {
		return start + j, 0, 0, true
	}
	return len(data), 0, 0, false
}

// trimCR removes the carriage returns that end a record's text, so that
// "\n", "\r\n" and "\r\r\n" all end a line.
func trimCR(b []byte) []byte {
	for len(b) > 0 && b[len(b)-1] == '\r' {
		b = b[:len(b)-1]
	}
	return b
}

// quoteError describes a quoting mistake in a record.
type quoteError uint8

const (
	quoteOK quoteError = iota
	quoteBare
	quoteExtra
	quoteUnterminated
)

func (e quoteError) String() string {
	switch e {
	case quoteBare:
		return `bare " in unquoted field (quote the field and double the quote)`
	case quoteExtra:
		return `unexpected text after the closing quote of a quoted field`
	case quoteUnterminated:
		return `quoted field not terminated before end of input`
	}
	return "ok"
}

// A span locates one field: rec[lo:hi], or unq[lo&^inUnq:hi] when lo has
// the inUnq bit (a quoted field whose doubled quotes were undone).
// Offsets rather than slices keep the per-field stores free of GC write
// barriers; they limit a record to 2 GiB.
type span struct{ lo, hi uint32 }

const inUnq = 1 << 31

// maxRecord is the longest record a fieldSplitter can cut.
const maxRecord = inUnq - 1

// fieldSplitter cuts one record's text into fields. Reused across records
// so that splitting does not allocate in steady state; field returns views
// that are valid until the next split.
type fieldSplitter struct {
	delim byte
	// quoting is false with Options.NoQuotes: '"' is then data.
	quoting bool
	rec     []byte
	spans   []span
	// quoted[i] tells whether field i was quoted; valid only when anyQuoted
	// is set (otherwise no field was).
	quoted    []bool
	anyQuoted bool
	unq       []byte
}

// nfields returns the number of fields of the last split record.
func (p *fieldSplitter) nfields() int { return len(p.spans) }

// field returns field i of the last split record.
func (p *fieldSplitter) field(i int) []byte {
	s := p.spans[i]
	if s.lo&inUnq != 0 {
		return p.unq[s.lo&^inUnq : s.hi : s.hi]
	}
	return p.rec[s.lo:s.hi:s.hi]
}

// splitPlain splits a record that contains no quote character.
func (p *fieldSplitter) splitPlain(rec []byte) {
	p.rec = rec
	p.spans = p.spans[:0]
	p.anyQuoted = false
	start := 0
	for {
		i := bytes.IndexByte(rec[start:], p.delim)
		if i < 0 {
			p.spans = append(p.spans, span{uint32(start), uint32(len(rec))})
			return
		}
		p.spans = append(p.spans, span{uint32(start), uint32(start + i)})
		start += i + 1
	}
}

// split splits any record (shorter than maxRecord). On a quoting mistake it
// returns the error and the 1-based index of the field where it was found.
func (p *fieldSplitter) split(rec []byte) (quoteError, int) {
	p.rec = rec
	p.spans = p.spans[:0]
	p.quoted = p.quoted[:0]
	p.anyQuoted = true
	p.unq = p.unq[:0]
	i := 0
	for {
		if i < len(rec) && rec[i] == '"' {
			i++
			start := i
			copied := false
			ustart := 0
			var sp span
			for {
				j := bytes.IndexByte(rec[i:], '"')
				if j < 0 {
					return quoteUnterminated, len(p.spans) + 1
				}
				k := i + j
				if k+1 < len(rec) && rec[k+1] == '"' {
					if !copied {
						copied = true
						ustart = len(p.unq)
						p.unq = append(p.unq, rec[start:k+1]...)
					} else {
						p.unq = append(p.unq, rec[i:k+1]...)
					}
					i = k + 2
					continue
				}
				if copied {
					p.unq = append(p.unq, rec[i:k]...)
					sp = span{uint32(ustart) | inUnq, uint32(len(p.unq))}
				} else {
					sp = span{uint32(start), uint32(k)}
				}
				i = k + 1
				break
			}
			p.spans = append(p.spans, sp)
			p.quoted = append(p.quoted, true)
			if i == len(rec) {
				return quoteOK, 0
			}
			if rec[i] != p.delim {
				return quoteExtra, len(p.spans)
			}
			i++
			continue
		}
		j := bytes.IndexByte(rec[i:], p.delim)
		end := len(rec)
		if j >= 0 {
			end = i + j
		}
		p.spans = append(p.spans, span{uint32(i), uint32(end)})
		p.quoted = append(p.quoted, false)
		if bytes.IndexByte(rec[i:end], '"') >= 0 {
			return quoteBare, len(p.spans)
		}
		if j < 0 {
			return quoteOK, 0
		}
		i = end + 1
	}
}

// isQuoted reports whether field i of the last split record was quoted.
func (p *fieldSplitter) isQuoted(i int) bool {
	return p.anyQuoted && p.quoted[i]
}
