package csvout

import (
	"context"
	"fmt"
	"io"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/output/textfmt"
)

// A Sink writes CSV to an io.Writer. It implements pipeline.Sink; see the
// package doc for the concurrency contract.
type Sink struct {
	w      io.Writer
	flush  func() error // w's Flush method, or nil
	schema *arrow.Schema
	delim  byte
	eol    string
	header bool
	// quote[b] is true for the bytes that make a field need quotes.
	quote *[256]bool
	// tsv: the delimiter is a tab, and text is escaped (see appendTSV),
	// never quoted.
	tsv  bool
	free textfmt.Buffers

	headerDone bool
	closed     bool
}

// NewSink returns a Sink that writes batches of schema to w. The Sink does
// not close w; if w has a Flush() error method, Close calls it. It returns
// ErrDelimiter for a bad Options.Delimiter.
func NewSink(w io.Writer, schema *arrow.Schema, opts Options) (*Sink, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	s := &Sink{
		w:      w,
		schema: schema,
		delim:  opts.Delimiter,
		eol:    "\n",
		header: !opts.NoHeader,
		quote:  new([256]bool),
		tsv:    opts.Delimiter == '\t',
	}
	if f, ok := w.(interface{ Flush() error }); ok {
		s.flush = f.Flush
	}
	if opts.CRLF {
		s.eol = "\r\n"
	}
	for _, b := range []byte{s.delim, '"', '\r', '\n'} {
		s.quote[b] = true
	}
	return s, nil
}

// NewEncoder returns an Encoder for one worker. It is safe to call from any
// goroutine.
func (s *Sink) NewEncoder() pipeline.Encoder {
	return &Encoder{sink: s}
}

// Write writes the header if it is still due, then c.Data, and puts c.Data
// back on the free list for the encoders. It blocks while the writer does.
// It must not be called after Close.
func (s *Sink) Write(_ context.Context, c pipeline.Chunk) error {
	if err := s.writeHeader(); err != nil {
		return err
	}
	if len(c.Data) > 0 {
		if _, err := s.w.Write(c.Data); err != nil {
			return fmt.Errorf("csvout: %w", err)
		}
	}
	s.free.Put(c.Data)
	return nil
}

// Close writes the header if no chunk came and flushes the writer. It does
// not close the writer. Calling Close again does nothing.
func (s *Sink) Close(_ context.Context) error {
	if s.closed {
		return nil
	}
	s.closed = true
	if err := s.writeHeader(); err != nil {
		return err
	}
	if s.flush != nil {
		if err := s.flush(); err != nil {
			return fmt.Errorf("csvout: %w", err)
		}
	}
	return nil
}

func (s *Sink) writeHeader() error {
	if s.headerDone {
		return nil
	}
	s.headerDone = true
	// No columns (an empty NDJSON input): no header line, not an empty one.
	if !s.header || s.schema.NumFields() == 0 {
		return nil
	}
	var line []byte
	for i, f := range s.schema.Fields() {
		if i > 0 {
			line = append(line, s.delim)
		}
		line = s.appendText(line, f.Name)
	}
	line = append(line, s.eol...)
	if _, err := s.w.Write(line); err != nil {
		return fmt.Errorf("csvout: header: %w", err)
	}
	return nil
}

// appendText appends a text field: escaped in TSV, else quoted when it
// needs quotes.
func (s *Sink) appendText(dst []byte, v string) []byte {
	if s.tsv {
		return appendTSV(dst, v)
	}
	return appendField(dst, v, s.quote)
}
