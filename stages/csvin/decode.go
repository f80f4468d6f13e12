package csvin

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/textval"
)

// Errors wrapped by the Err of the *pipeline.DataError for a bad record.
var (
	ErrFieldCount = errors.New("wrong number of fields")
	ErrQuote      = errors.New("bad quoting")
	ErrValue      = errors.New("value does not fit the column type")
	ErrUTF8       = errors.New("invalid UTF-8")
	ErrTooLong    = errors.New("record longer than 2 GiB")
)

// A decoder turns chunks of a source into record batches. It keeps its
// scratch (field slices, column values) from one chunk to the next, so that
// in steady state decoding allocates only the Arrow buffers of the batch.
type decoder struct {
	src  *Source
	p    fieldSplitter
	cols []column
	// countOnly: no column is decoded, so a record only needs its fields
	// counted; needUTF8: a string column is decoded, whose values must be
	// valid UTF-8.
	countOnly, needUTF8 bool
	// blankRows: a blank line is a row of nulls (an input of one column).
	blankRows bool
	// tsv: fields hold TSV escapes (Options.TSV), decoded into unesc.
	tsv   bool
	unesc []byte
	// recordBytes is the mean record size of the last chunk decoded (at
	// first, of the source's sample): the batch's columns are sized from
	// it, since a chunk does not say how many records it holds.
	recordBytes int
}

func newDecoder(s *Source) *decoder {
	d := &decoder{src: s, cols: make([]column, len(s.kinds)), recordBytes: s.sampleRecordBytes}
	if d.recordBytes <= 0 {
		d.recordBytes = 64
	}
	d.p.delim = s.opts.Delimiter
	d.p.quoting = !s.opts.NoQuotes
	d.tsv = s.opts.TSV
	d.countOnly = true
	d.blankRows = len(s.kinds) == 1
	for i, k := range s.kinds {
		d.cols[i] = column{kind: k, dtype: s.fields[i].Type, strict: s.inferred[i], layout: s.opts.TimestampLayout}
		d.cols[i].dec, _ = s.fields[i].Type.(*arrow.Decimal128Type)
		if s.keep[i] {
			d.countOnly = false
			d.needUTF8 = d.needUTF8 || k == textval.KindString
		}
	}
	return d
}

// Decode parses the records of c into one batch with the source's schema,
// owned by the caller; nil when c holds no record (or every record was
// rejected). c must be a chunk of this decoder's source; Decode consumes it,
// recycling c.Data. A bad record fails Decode with a *pipeline.DataError
// unless Options.OnError accepts it (then it is left out of the batch).
func (d *decoder) Decode(ctx context.Context, c pipeline.Chunk) (arrow.RecordBatch, error) {
	defer d.src.Recycle(c)
	if err := ctx.Err(); err != nil {
		return nil, context.Cause(ctx)
	}
	data := c.Data
	mem := d.src.opts.Mem
	rows := c.Rows
	if rows <= 0 {
		// An eighth more than the estimate, so that a chunk of slightly
		// shorter records fits without the columns growing.
		est := len(data) / d.recordBytes
		rows = est + est/8 + 16
	}
	for i := range d.cols {
		if d.src.keep[i] {
			d.cols[i].start(mem, rows, len(data), len(d.cols))
		}
	}
	checkUTF8 := d.needUTF8 && !utf8.Valid(data)
	ncols := len(d.cols)
	n := 0
	line := c.Line
	if line == 0 {
		line = 1
	}
	pos := 0
	for pos < len(data) {
		start := pos
		recLine := line
		var rec []byte
		var col int
		var err error
		if d.countOnly {
			// A one-line record without quotes has the right number of
			// fields when it has ncols-1 delimiters: countPlain checks
			// runs of such records without splitting them. The record it
			// stops at takes the full path.
			next, records, lines := countPlain(data, pos, d.p.delim, d.p.quoting, ncols-1)
			if next > pos {
				pos, n, line = next, n+records, line+lines
				continue
			}
		}
		if k, ok := d.p.scanPlain(data, pos); ok {
			// A record without quotes: one line.
			rec = trimCR(data[pos:k])
			pos = k + 1
			line++
			if len(rec) == 0 {
				if d.blankRows {
					d.nullRow()
					n++
				}
				continue
			}
			// Carriage returns before the newline end the last field.
			d.p.spans[len(d.p.spans)-1].hi = uint32(len(rec))
			d.p.rec = rec
			col, err = d.convert(checkUTF8)
		} else {
			end, nls, quotes, complete := recordEndIn(data, pos, d.p.quoting)
			line += int64(nls)
			pos = end
			if complete {
				line++
				pos++
			}
			rec = trimCR(data[start:end])
			if len(rec) == 0 {
				if d.blankRows {
					d.nullRow()
					n++
				}
				continue
			}
			if len(rec) > maxRecord {
				col, err = 0, ErrTooLong
			} else {
				col, err = d.record(rec, quotes, checkUTF8)
			}
		}
		if err == nil {
			n++
			continue
		}
		de := &pipeline.DataError{File: c.File, Line: recLine, Column: col, Offset: c.Offset + int64(start), Record: string(rec), Seq: c.Seq, Err: err}
		if col > 0 && col <= ncols {
			de.Field = d.src.names[col-1]
		}
		for i := range d.cols {
			if d.src.keep[i] {
				d.cols[i].truncate(n)
			}
		}
		if d.src.opts.OnError == nil {
			d.release()
			return nil, de
		}
		if err := d.src.opts.OnError(de); err != nil {
			d.release()
			return nil, err
		}
	}
	if n == 0 {
		d.release()
		return nil, nil
	}
	d.recordBytes = max(1, len(data)/n)
	arrs := make([]arrow.Array, 0, ncols)
	for i := range d.cols {
		if d.src.keep[i] {
			arrs = append(arrs, d.cols[i].build(mem))
		}
	}
	rec := array.NewRecordBatch(d.src.schema, arrs, int64(n))
	for _, a := range arrs {
		a.Release()
	}
	return rec, nil
}

// nullRow appends a row of nulls: a blank line of a one-column input.
func (d *decoder) nullRow() {
	for i := range d.cols {
		if d.src.keep[i] {
			d.cols[i].appendNull()
		}
	}
}

func (d *decoder) release() {
	for i := range d.cols {
		if d.src.keep[i] {
			d.cols[i].release()
		}
	}
}

// record appends one record's values to the columns. On error it returns
// the 1-based column of the bad field (columns may then hold part of the
// record: the caller truncates them).
func (d *decoder) record(rec []byte, quotes int, checkUTF8 bool) (int, error) {
	p := &d.p
	if quotes == 0 {
		p.splitPlain(rec)
	} else if qe, col := p.split(rec); qe != quoteOK {
		return col, fmt.Errorf("%w: %s", ErrQuote, qe)
	}
	return d.convert(checkUTF8)
}

// convert appends the fields of the record just split to the columns.
func (d *decoder) convert(checkUTF8 bool) (int, error) {
	p := &d.p
	if p.nfields() != len(d.cols) {
		col := min(p.nfields(), len(d.cols)) + 1
		return col, fmt.Errorf("%w: record has %d fields, header has %d", ErrFieldCount, p.nfields(), len(d.cols))
	}
	nulls := &d.src.nulls
	keep := d.src.keep
	for i := range p.spans {
		if !keep[i] {
			continue
		}
		f := p.field(i)
		if d.tsv && bytes.IndexByte(f, '\\') >= 0 {
			d.unesc = unescapeTSV(d.unesc[:0], f)
			f = d.unesc
		}
		c := &d.cols[i]
		if len(f) == 0 || (nulls.any && nulls.has(f)) {
			// Null rules: see the package documentation. A quoted null
			// value (say "NA") is data and goes on below.
			quoted := p.isQuoted(i)
			switch {
			case len(f) == 0 && quoted && c.kind == textval.KindString:
				c.appendValue(f)
				continue
			case len(f) == 0 || !quoted:
				c.appendNull()
				continue
			}
		}
		if c.n >= c.capRows {
			c.grow()
		}
		// The common kinds are handled inline: a call per field costs more
		// than parsing a short number.
		switch c.kind {
		case textval.KindInt64:
			v, ok := textval.ParseInt64(f)
			if !ok {
				return i + 1, d.valueError(i, f)
			}
			// '+', '-' and '0' sort at or below '0': only those may start
			// a number that reads as a different text.
			if c.strict && f[0] <= '0' && len(f) > 1 && !textval.Keeps(c.kind, f) {
				return i + 1, d.changeError(i, f)
			}
			c.i64[c.n] = v
		case textval.KindFloat64:
			v, ok := textval.ParseFloat64(f)
			if !ok {
				return i + 1, d.valueError(i, f)
			}
			// An integer that float64 rounds has 16 digits or more.
			if c.strict && (f[0] <= '0' || len(f) > 15) && len(f) > 1 && !textval.Keeps(c.kind, f) {
				return i + 1, d.changeError(i, f)
			}
			c.f64[c.n] = v
		case textval.KindTimestamp:
			v, ok := c.dates.ParseTimestamp(f)
			if !ok {
				if v, ok = c.parseLayout(f, false); !ok {
					return i + 1, d.valueError(i, f)
				}
			}
			c.i64[c.n] = int64(v)
		case textval.KindString:
			if checkUTF8 && !utf8.Valid(f) {
				return i + 1, ErrUTF8
			}
			if c.dlen+len(f) > len(c.draw) {
				c.growData(len(f))
			}
			c.dlen += copy(c.draw[c.dlen:], f)
			c.i32[c.n+1] = int32(c.dlen)
		default:
			if !c.appendValue(f) {
				return i + 1, d.valueError(i, f)
			}
			continue
		}
		if c.hasNull {
			c.valid = append(c.valid, 1)
		}
		c.n++
	}
	return 0, nil
}

func (d *decoder) valueError(i int, f []byte) error {
	q := quoteValue(f)
	name := d.src.names[i]
	kind := d.cols[i].kind
	if dec := d.cols[i].dec; dec != nil {
		return decimalError(f, name, dec)
	}
	if kind == textval.KindTimestamp {
		if _, ok := textval.ParseTimestampNano(f); ok {
			return fmt.Errorf("%w: %s has more than 6 fraction digits, which a timestamp (microseconds) column would cut (read it with --schema %s:timestamp_ns)", ErrValue, q, name)
		}
	}
	if d.cols[i].strict {
		return fmt.Errorf("%w: %s is not a valid %s (override the inferred type with --schema %s:string, or infer it from every row with --infer-rows all)", ErrValue, q, kind, name)
	}
	return fmt.Errorf("%w: %s is not a valid %s (override the inferred type with --schema %s:string)", ErrValue, q, kind, name)
}

// decimalError says why f does not fit decimal column name: not a
// number, more integer digits than the type holds, or fraction digits it
// would round (which DuckDB's CAST does and this reader does not).
func decimalError(f []byte, name string, dec *arrow.Decimal128Type) error {
	q := quoteValue(f)
	t := fmt.Sprintf("decimal(%d,%d)", dec.Precision, dec.Scale)
	switch textval.DecimalFaultOf(f, dec.Precision, dec.Scale) {
	case textval.DecimalNotNumber:
		return fmt.Errorf("%w: %s is not a number, which the %s column %s needs", ErrValue, q, t, name)
	case textval.DecimalIntegerDigits:
		return fmt.Errorf("%w: %s has more than %d integer digits, which %s holds (give column %s a larger precision in --schema)", ErrValue, q, dec.Precision-dec.Scale, t, name)
	}
	return fmt.Errorf("%w: %s has more than %d fraction digits, which %s would round (give column %s a larger scale in --schema)", ErrValue, q, dec.Scale, t, name)
}

// changeError reports a value after the inference sample that the inferred
// type would read as a different text (a leading zero or '+' lost, an
// integer rounded): the sample did not have such values, or it would have
// chosen a string.
func (d *decoder) changeError(i int, f []byte) error {
	name := d.src.names[i]
	return fmt.Errorf("%w: %s would not be kept as written in the %s column inferred from the first rows (read it as text with --schema %s:string, or as a number with --schema %s:%s)",
		ErrValue, quoteValue(f), d.cols[i].kind, name, name, d.cols[i].kind)
}

// quoteValue quotes a value for an error message, cut after 40 bytes.
func quoteValue(f []byte) string {
	v := f
	if len(v) > 40 {
		v = v[:40]
	}
	q := strconv.Quote(string(v))
	if len(v) < len(f) {
		q += "..."
	}
	return q
}
