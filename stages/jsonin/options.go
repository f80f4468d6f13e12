package jsonin

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/textval"
)

// An Input is one named byte stream of NDJSON. Name appears in errors and in
// Chunk.File ("" is shown as <stdin>).
type Input struct {
	Name string
	R    io.Reader
}

// A Field declares the type of one column by its dotted name ("user.id").
// A declared field that the sample does not show is added to the schema.
type Field struct {
	Name string
	Type arrow.DataType
}

// Options configure a Source. The zero value is usable.
type Options struct {
	// Schema overrides inferred column types and declares columns that the
	// sample may not show. Supported types: int8…int64, uint8…uint64,
	// float32, float64, bool, utf8, large_utf8, date32, timestamp (any
	// unit and zone), list of utf8, int64, float64 or bool, and struct of
	// these (the same as declaring each field by its dotted name).
	Schema []Field
	// TimestampLayout, when set, also reads date-time strings written in a
	// user's strftime-style layout (--timestamp-format): inference takes a
	// string it reads as a date-time (zoned when the layout reads a zone),
	// and a timestamp column reads such strings besides the ISO forms.
	TimestampLayout *textval.Layout
	// Flatten reads a nested object as one column per key under dotted
	// names ("user.id", "user.geo.lat") instead of one struct column.
	Flatten bool
	// SampleRows is how many lines the schema is inferred from; 0 means
	// 1000. Sampling also ends at the end of the inputs, but not when the
	// input pauses, so no row is emitted before: types must not depend on
	// when the bytes arrive.
	SampleRows int
	// BatchRows bounds the lines per chunk (and so rows per batch); 0 means
	// 65536.
	BatchRows int
	// BatchBytes bounds the bytes per chunk; 0 means 2 MiB, as for CSV. A
	// single longer line still makes one chunk. Every chunk in flight holds
	// a buffer of BatchBytes plus 256 KiB: at 8 MiB, NDJSON to CSV on 2
	// workers peaked at ~155 MB RSS, at 2 MiB ~63 MB, for the same CPU time.
	// A line of ~140 bytes fills 2 MiB at ~15000 rows.
	BatchBytes int
	// FlushInterval is how long Next waits for more input before it emits
	// the complete lines it holds, once the sample is read; 0 means 200ms.
	FlushInterval time.Duration
	// NoFlush cuts chunks by BatchRows and BatchBytes only, never early by
	// time, so that the same bytes give the same batches on every run. For
	// inputs that cannot trickle, such as regular files.
	NoFlush bool
	// OnError decides what happens to a bad line; nil fails on the first.
	OnError pipeline.RejectFunc
	// Mem allocates the batches; nil means memory.DefaultAllocator.
	Mem memory.Allocator
}

// ErrUnsupportedType is returned for a Field whose type the reader cannot
// fill from JSON.
var ErrUnsupportedType = errors.New("jsonin: unsupported column type")

// ErrNoInput is returned by NewSource without inputs.
var ErrNoInput = errors.New("jsonin: no input")

func (o *Options) withDefaults() error {
	if o.SampleRows == 0 {
		o.SampleRows = 1000
	}
	if o.BatchRows == 0 {
		o.BatchRows = 65536
	}
	if o.BatchBytes == 0 {
		o.BatchBytes = 2 << 20
	}
	if o.FlushInterval == 0 {
		o.FlushInterval = 200 * time.Millisecond
	}
	if o.Mem == nil {
		o.Mem = memory.DefaultAllocator
	}
	if o.SampleRows < 0 || o.BatchRows < 0 || o.BatchBytes < 0 || o.FlushInterval < 0 {
		return errors.New("jsonin: negative SampleRows, BatchRows, BatchBytes or FlushInterval")
	}
	o.Schema = expandStructs(o.Schema)
	for _, f := range o.Schema {
		if f.Name == "" || f.Type == nil {
			return fmt.Errorf("jsonin: schema field %q: empty name or type", f.Name)
		}
		if _, ok := kindOf(f.Type); !ok {
			return fmt.Errorf("%w: %s for %q", ErrUnsupportedType, f.Type, f.Name)
		}
	}
	return nil
}

// expandStructs declares each field of a struct-typed Field by its dotted
// name, recursively, so that a schema this package inferred can be given
// back to it.
func expandStructs(fields []Field) []Field {
	if !slices.ContainsFunc(fields, func(f Field) bool { return f.Type != nil && f.Type.ID() == arrow.STRUCT }) {
		return fields
	}
	var out []Field
	for _, f := range fields {
		st, ok := f.Type.(*arrow.StructType)
		if !ok {
			out = append(out, f)
			continue
		}
		var kids []Field
		for _, c := range st.Fields() {
			kids = append(kids, Field{Name: f.Name + "." + c.Name, Type: c.Type})
		}
		out = append(out, expandStructs(kids)...)
	}
	return out
}
