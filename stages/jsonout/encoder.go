package jsonout

import (
	"context"
	"fmt"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/output/textfmt"
)

// An Encoder turns batches into NDJSON lines for its Sink. It keeps
// per-column scratch state between batches and is used by one goroutine at
// a time.
type Encoder struct {
	sink *Sink
	cols []textfmt.Column
	// nested[j] writes column j when it is a struct, list or map.
	nested []valueText
	// rowBytes is the text size per row of the last batch.
	rowBytes int
}

// Encode returns rec's rows as NDJSON lines in c.Data, in a buffer from the
// Sink's free list, and their number in c.Rows. It borrows rec. A batch
// whose columns do not match the Sink's schema is an error.
func (e *Encoder) Encode(_ context.Context, rec arrow.RecordBatch) (pipeline.Chunk, error) {
	n := int(rec.NumRows())
	if n == 0 {
		return pipeline.Chunk{}, checkOnly(e.sink.schema, rec)
	}
	var err error
	if e.cols, err = textfmt.Bind(e.cols, e.sink.schema, rec); err != nil {
		return pipeline.Chunk{}, fmt.Errorf("jsonout: %w", err)
	}
	// Size the buffer from the last batch's bytes per row: growing it by
	// doubling while appending costs a copy of everything written so far.
	buf := e.sink.free.Get(n * e.rowBytes * 9 / 8)
	e.bindNested()
	buf, err = e.appendRows(buf, n)
	textfmt.Unbind(e.cols)
	for j := range e.nested {
		e.nested[j].reset(nil) // holds no array between batches
	}
	if err != nil {
		e.sink.free.Put(buf)
		return pipeline.Chunk{}, err
	}
	e.rowBytes = len(buf)/n + 1
	return pipeline.Chunk{Data: buf, Rows: n}, nil
}

func (e *Encoder) appendRows(buf []byte, n int) ([]byte, error) {
	keys, cols := e.sink.keys, e.cols
	for i := range n {
		if len(cols) == 0 {
			buf = append(buf, '{')
		}
		for j := range cols {
			buf = append(buf, keys[j]...)
			c := &cols[j]
			if c.IsNull(i) {
				buf = append(buf, "null"...)
				continue
			}
			switch c.Kind() {
			case textfmt.KindString:
				buf = appendString(buf, c.Text(i))
			case textfmt.KindFloat:
				buf = appendFloat(buf, c, i)
			case textfmt.KindInt, textfmt.KindBool:
				buf = c.AppendText(buf, i)
			default:
				var err error
				if v := &e.nested[j]; v.col.Array() != nil {
					buf, err = v.append(buf, i)
				} else {
					buf, err = appendValue(buf, c, i)
				}
				if err != nil {
					return buf, fmt.Errorf("jsonout: column %q, row %d: %w", e.sink.schema.Field(j).Name, i+1, err)
				}
			}
		}
		buf = append(buf, '}', '\n')
	}
	return buf, nil
}

// checkOnly checks an empty batch against the output schema.
func checkOnly(want *arrow.Schema, rec arrow.RecordBatch) error {
	if _, err := textfmt.Bind(nil, want, rec); err != nil {
		return fmt.Errorf("jsonout: %w", err)
	}
	return nil
}

// appendFloat appends value i of a float column: NaN and the infinities
// as the bare NaN, Infinity and -Infinity that DuckDB's JSON writer writes
// and its reader reads back as DOUBLE (JSON itself has no such numbers;
// Polars' NDJSON reader refuses them), other values with a ".0" mark
// (textfmt.MarkFloat) so that they read back as floats.
func appendFloat(buf []byte, c *textfmt.Column, i int) []byte {
	switch v := c.Float(i); {
	case math.IsNaN(v):
		return append(buf, "NaN"...)
	case math.IsInf(v, 1):
		return append(buf, "Infinity"...)
	case math.IsInf(v, -1):
		return append(buf, "-Infinity"...)
	}
	return textfmt.MarkFloat(c.AppendText(buf, i), len(buf))
}

// appendFloat64 appends v as appendFloat appends a float64 value.
func appendFloat64(buf []byte, v float64) []byte {
	switch {
	case math.IsNaN(v):
		return append(buf, "NaN"...)
	case math.IsInf(v, 1):
		return append(buf, "Infinity"...)
	case math.IsInf(v, -1):
		return append(buf, "-Infinity"...)
	}
	return textfmt.MarkFloat(textfmt.AppendFloat(buf, v, 64), len(buf))
}

// bindNested binds a writer to each struct, list or map column of the
// bound batch, so that their values are written without views per value.
func (e *Encoder) bindNested() {
	if len(e.nested) != len(e.cols) {
		e.nested = make([]valueText, len(e.cols))
	}
	for j := range e.cols {
		switch a := e.cols[j].Array().(type) {
		case *array.Struct, array.ListLike:
			e.nested[j].reset(a)
		}
	}
}
