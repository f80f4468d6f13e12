package jsonout

import (
	"context"
	"fmt"
	"io"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/output/textfmt"
)

// A Sink writes NDJSON to an io.Writer. It implements pipeline.Sink; see
// the package doc for the format and the concurrency contract.
type Sink struct {
	w      io.Writer
	flush  func() error // w's Flush method, or nil
	schema *arrow.Schema
	// keys[j] is what precedes column j's value on a line: `{"name":` for
	// the first column, `,"name":` for the others.
	keys   []string
	free   textfmt.Buffers
	closed bool
}

// NewSink returns a Sink that writes batches of schema to w. The Sink does
// not close w; if w has a Flush() error method, Close calls it.
func NewSink(w io.Writer, schema *arrow.Schema) *Sink {
	s := &Sink{w: w, schema: schema, keys: make([]string, schema.NumFields())}
	if f, ok := w.(interface{ Flush() error }); ok {
		s.flush = f.Flush
	}
	for j := range schema.NumFields() {
		sep := byte(',')
		if j == 0 {
			sep = '{'
		}
		key := appendString([]byte{sep}, schema.Field(j).Name)
		s.keys[j] = string(append(key, ':'))
	}
	return s
}

// NewEncoder returns an Encoder for one worker. It is safe to call from any
// goroutine.
func (s *Sink) NewEncoder() pipeline.Encoder {
	return &Encoder{sink: s}
}

// Write writes c.Data and puts it back on the free list for the encoders.
// It blocks while the writer does. It must not be called after Close.
func (s *Sink) Write(_ context.Context, c pipeline.Chunk) error {
	if len(c.Data) > 0 {
		if _, err := s.w.Write(c.Data); err != nil {
			return fmt.Errorf("jsonout: %w", err)
		}
	}
	s.free.Put(c.Data)
	return nil
}

// Close flushes the writer; it does not close it. Calling Close again does
// nothing.
func (s *Sink) Close(_ context.Context) error {
	if s.closed {
		return nil
	}
	s.closed = true
	if s.flush != nil {
		if err := s.flush(); err != nil {
			return fmt.Errorf("jsonout: %w", err)
		}
	}
	return nil
}
