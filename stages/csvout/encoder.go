package csvout

import (
	"context"
	"fmt"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/internal/rawview"
	"github.com/arrowpipe/arrowpipe/stages/jsonout"
	"github.com/arrowpipe/arrowpipe/stages/output/textfmt"
)

// An Encoder turns batches into CSV text for its Sink. It keeps per-column
// scratch state between batches and is used by one goroutine at a time.
type Encoder struct {
	sink *Sink
	cols []textfmt.Column
	// rowBytes is the text size per row of the last batch.
	rowBytes int
	// structs[j] writes column j when it is a struct, lists[j] when it
	// is a list or map: bound once per batch, not per value.
	structs []jsonout.StructText
	lists   []jsonout.ListText
	// list is scratch for the JSON text of a list or struct field.
	list []byte
}

// Encode returns rec's rows as CSV lines in c.Data, in a buffer from the
// Sink's free list, and their number in c.Rows. It borrows rec. A batch
// whose columns do not match the Sink's schema is an error.
func (e *Encoder) Encode(_ context.Context, rec arrow.RecordBatch) (pipeline.Chunk, error) {
	n := int(rec.NumRows())
	if n == 0 {
		return pipeline.Chunk{}, checkOnly(e.sink.schema, rec)
	}
	var err error
	if e.cols, err = textfmt.Bind(e.cols, e.sink.schema, rec); err != nil {
		return pipeline.Chunk{}, fmt.Errorf("csvout: %w", err)
	}
	// Size the buffer from the last batch's bytes per row: growing it by
	// doubling while appending costs a copy of everything written so far.
	buf := e.sink.free.Get(n * e.rowBytes * 9 / 8)
	if len(e.structs) != len(e.cols) {
		e.structs = make([]jsonout.StructText, len(e.cols))
		e.lists = make([]jsonout.ListText, len(e.cols))
	}
	buf = e.appendRows(buf, n)
	for j := range e.structs {
		e.structs[j].Reset(nil) // holds no array between batches
		e.lists[j].Reset(nil)
	}
	e.rowBytes = len(buf)/n + 1
	textfmt.Unbind(e.cols)
	return pipeline.Chunk{Data: buf, Rows: n}, nil
}

func (e *Encoder) appendRows(buf []byte, n int) []byte {
	s := e.sink
	delim, eol, quote := s.delim, s.eol, s.quote
	cols := e.cols
	for i := range n {
		for j := range cols {
			if j > 0 {
				buf = append(buf, delim)
			}
			c := &cols[j]
			if c.IsNull(i) {
				continue
			}
			switch c.Kind() {
			case textfmt.KindString:
				if s.tsv {
					buf = appendTSV(buf, c.Text(i))
					continue
				}
				buf = appendField(buf, c.Text(i), quote)
			case textfmt.KindFloat:
				buf = appendFloat(buf, c, i)
			case textfmt.KindOther:
				if l, ok := c.Array().(array.ListLike); ok {
					w := &e.lists[j]
					if w.Array() != l {
						w.Reset(l)
					}
					if text, ok := w.Append(e.list[:0], i); ok {
						e.list = text
						buf = s.appendText(buf, rawview.String(text)) // not kept
						continue
					}
				}
				if st, ok := c.Array().(*array.Struct); ok {
					// A struct is one cell: its JSON object, as NDJSON writes it.
					w := &e.structs[j]
					if w.Array() != st {
						w.Reset(st)
					}
					if text, err := w.Append(e.list[:0], i); err == nil {
						e.list = text
						buf = s.appendText(buf, rawview.String(text)) // not kept
						continue
					}
				}
				buf = s.appendText(buf, c.Array().ValueStr(i))
			default:
				buf = c.AppendText(buf, i)
			}
		}
		buf = append(buf, eol...)
	}
	return buf
}

// appendTSV appends v with the escapes of the IANA TSV convention, as
// Miller writes them: a tab as \t, a line feed as \n, a carriage return
// as \r and a backslash as \\, so that no field holds a delimiter or a
// line end. Quotes are written as they are. An empty string is an empty
// field, like a null: TSV cannot tell them apart.
func appendTSV(dst []byte, v string) []byte {
	for i := 0; i < len(v); i++ {
		switch c := v[i]; c {
		case '\t':
			dst = append(dst, '\\', 't')
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		case '\\':
			dst = append(dst, '\\', '\\')
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

// appendField appends v, quoted when it contains a byte marked in quote
// or is empty.
func appendField(dst []byte, v string, quote *[256]bool) []byte {
	i := 0
	for i < len(v) && !quote[v[i]] {
		i++
	}
	if i == len(v) && len(v) > 0 {
		return append(dst, v...)
	}
	dst = append(dst, '"')
	for {
		j := i
		for j < len(v) && v[j] != '"' {
			j++
		}
		if j == len(v) {
			dst = append(dst, v...)
			break
		}
		dst = append(dst, v[:j+1]...)
		dst = append(dst, '"')
		v = v[j+1:]
		i = 0
	}
	return append(dst, '"')
}

// checkOnly checks an empty batch against the output schema.
func checkOnly(want *arrow.Schema, rec arrow.RecordBatch) error {
	if _, err := textfmt.Bind(nil, want, rec); err != nil {
		return fmt.Errorf("csvout: %w", err)
	}
	return nil
}

// appendFloat appends value i of a float column as DuckDB and Polars both
// read it back as a float: NaN, inf and -inf for the specials (Polars'
// CSV reader takes only these spellings; DuckDB takes any case), other
// values with a ".0" mark (textfmt.MarkFloat), so that 2.0 is not read
// back as the integer 2.
func appendFloat(buf []byte, c *textfmt.Column, i int) []byte {
	switch v := c.Float(i); {
	case math.IsNaN(v):
		return append(buf, "NaN"...)
	case math.IsInf(v, 1):
		return append(buf, "inf"...)
	case math.IsInf(v, -1):
		return append(buf, "-inf"...)
	}
	return textfmt.MarkFloat(c.AppendText(buf, i), len(buf))
}
