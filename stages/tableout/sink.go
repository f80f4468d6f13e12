package tableout

import (
	"bufio"
	"context"
	"fmt"
	"io"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/output/textfmt"
)

// A Sink writes batches as a table (see the package doc). It is used by
// one goroutine at a time, as a pipeline uses its sink.
type Sink struct {
	w      *bufio.Writer
	schema *arrow.Schema
	opts   Options
	isNum  []bool
	cols   []textfmt.Column
	// block holds the first rows until BlockRows of them fix the widths.
	block   [][]cell
	widths  []int // nil until fixed
	rows    int64
	scratch []byte
	closed  bool
}

// NewSink returns a Sink writing the table of schema's columns to w. It
// writes nothing before the first block of rows is complete or Close.
func NewSink(w io.Writer, schema *arrow.Schema, opts Options) (*Sink, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	s := &Sink{w: bufio.NewWriter(w), schema: schema, opts: opts, isNum: make([]bool, schema.NumFields())}
	for j, f := range schema.Fields() {
		s.isNum[j] = numeric(f.Type)
	}
	return s, nil
}

// NewEncoder returns nil: Write takes the batches themselves.
func (s *Sink) NewEncoder() pipeline.Encoder { return nil }

// Write adds c.Batch's rows to the table, and releases the batch. It
// blocks while the writer does.
func (s *Sink) Write(_ context.Context, c pipeline.Chunk) error {
	if c.Batch == nil {
		return nil
	}
	defer c.Batch.Release()
	var err error
	if s.cols, err = textfmt.Bind(s.cols, s.schema, c.Batch); err != nil {
		return fmt.Errorf("tableout: %w", err)
	}
	defer textfmt.Unbind(s.cols)
	for i := range int(c.Batch.NumRows()) {
		row := make([]cell, len(s.cols))
		for j := range s.cols {
			row[j], s.scratch = cellOf(&s.cols[j], i, s.scratch)
		}
		s.rows++
		if s.widths != nil {
			if err := s.writeRow(row); err != nil {
				return err
			}
			continue
		}
		s.block = append(s.block, row)
		if len(s.block) >= s.opts.BlockRows {
			if err := s.flushBlock(); err != nil {
				return err
			}
		}
	}
	return nil
}

// Close writes the rows still held (all of a short table), a count of
// the rows under a Box table, and flushes. It does not close the writer.
// Calling it again does nothing.
func (s *Sink) Close(context.Context) error {
	if s.closed {
		return nil
	}
	s.closed = true
	if s.widths == nil {
		if err := s.flushBlock(); err != nil {
			return err
		}
	}
	if s.opts.Format == Box {
		noun := "rows"
		if s.rows == 1 {
			noun = "row"
		}
		fmt.Fprintf(s.w, "(%d %s)\n", s.rows, noun)
	}
	if err := s.w.Flush(); err != nil {
		return fmt.Errorf("tableout: %w", err)
	}
	return nil
}

// flushBlock fixes the widths from the header and the block, and writes
// both.
func (s *Sink) flushBlock() error {
	s.widths = make([]int, len(s.isNum))
	for j, f := range s.schema.Fields() {
		s.widths[j] = s.display(cell{text: escape(f.Name)}, false)
	}
	for _, row := range s.block {
		for j, c := range row {
			s.widths[j] = max(s.widths[j], s.display(c, s.isNum[j]))
		}
	}
	if s.opts.Format == Box && s.opts.MaxWidth > 0 {
		// A line is every width plus 3 per column (" │ "), less 1.
		fitWidths(s.widths, s.isNum, 3, s.opts.MaxWidth+1)
	}
	if err := s.writeHeader(); err != nil {
		return err
	}
	for _, row := range s.block {
		if err := s.writeRow(row); err != nil {
			return err
		}
	}
	s.block = nil
	return nil
}

// display returns the width c takes before the table's limits (cut at
// MaxCellWidth unless a number, or in Markdown).
func (s *Sink) display(c cell, isNum bool) int {
	w := textWidth(s.text(c))
	if !isNum && s.opts.Format == Box {
		w = min(w, s.opts.MaxCellWidth)
	}
	return w
}

// text is c as the format shows it, before cutting and padding.
func (s *Sink) text(c cell) string {
	switch {
	case c.null && s.opts.Format == Markdown:
		return "*null*"
	case c.null:
		return "∅"
	case s.opts.Format == Markdown:
		return markdownEscape(c.text)
	}
	return c.text
}
