package jsonin

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/internal/readahead"
)

// ErrClosed is returned by Next after Close.
var ErrClosed = errors.New("jsonin: source closed")

// ErrNoColumn is Project's error for a name not in the schema.
var ErrNoColumn = errors.New("jsonin: no such column")

// A Source reads NDJSON inputs in order. It implements pipeline.Source.
type Source struct {
	opts   Options
	inputs []Input
	schema *arrow.Schema // the columns decoded
	root   *node
	objs   int // nested objects in root
	kinds  []kind
	fields []arrow.Field // every leaf column, by its dotted name
	outs   []out         // every output column (shape)
	keep   []bool        // the leaf columns decoded (Project); nil: all

	// rd reads the inputs ahead, holds the sample for Next and owns the
	// chunk buffers.
	rd     *readahead.Reader
	closed bool

	cut cutter
}

// NewSource starts reading inputs (in order, as one stream of rows) and
// infers the schema from the first Options.SampleRows lines. It blocks until
// the sample is read: SampleRows lines or the end of the inputs, however
// long the input pauses; it reads the sample on the caller's goroutine and
// starts none. ctx bounds the life of the reader goroutine that the first
// Next starts (see readahead); Close stops it. When ctx ends while
// NewSource waits on an input that is an io.Closer, it closes it to unblock
// the Read. NewSource reports bad options, a line
// of the sample that is not one JSON object (as a *pipeline.DataError,
// unless Options.OnError is set: the decoders then report it in order) and
// read errors met while sampling.
func NewSource(ctx context.Context, inputs []Input, opts Options) (*Source, error) {
	if err := opts.withDefaults(); err != nil {
		return nil, err
	}
	if len(inputs) == 0 {
		return nil, ErrNoInput
	}
	ins := make([]readahead.Input, len(inputs))
	for i, in := range inputs {
		ins[i] = readahead.Input{Name: in.Name, R: newArrayText(in.R)}
	}
	s := &Source{
		opts:   opts,
		inputs: inputs,
		rd:     readahead.New(ctx, ins, opts.BatchBytes),
	}
	root := &inode{}
	if err := s.sample(ctx, root); err != nil {
		_ = s.Close()
		return nil, err
	}
	for _, f := range opts.Schema {
		if err := root.declare(f); err != nil {
			_ = s.Close()
			return nil, err
		}
	}
	var fields []arrow.Field
	s.root = build(root, "", &fields, &s.kinds, &s.objs)
	s.fields = fields
	all := make([]int, len(fields))
	for j := range all {
		all[j] = j
	}
	s.outs = shape(s.root, fields, all, opts.Flatten)
	s.schema = arrow.NewSchema(outFields(s.outs), nil)
	s.cut = cutter{maxRows: opts.BatchRows, maxBytes: opts.BatchBytes, line: 1}
	return s, nil
}

// Schema returns the inferred (and overridden) schema.
func (s *Source) Schema() *arrow.Schema { return s.schema }

// NewDecoder returns a decoder for this source's schema. Each decoder keeps
// its own builders and scratch: make one per worker.
func (s *Source) NewDecoder() pipeline.Decoder {
	d := newDecoder(s.fields, s.root, s.objs, s.kinds, s.keep, s.opts.Flatten, s.opts.Mem, s.opts.OnError)
	d.recycle = s.rd.Recycle
	d.layout = s.opts.TimestampLayout
	return d
}

// Project narrows the columns that decoders build to columns (names of
// the schema: a struct column whole, or with Options.Flatten dotted names
// such as "user.id"), in schema order; the schema shrinks to match. The
// values of the other keys are still checked to be JSON, but not
// converted, so a value of the wrong type there is no error. Call it after
// NewSource and before the first NewDecoder. nil restores every column.
func (s *Source) Project(columns []string) error {
	if columns == nil {
		s.keep, s.schema = nil, arrow.NewSchema(outFields(s.outs), nil)
		return nil
	}
	keep := make([]bool, len(s.fields))
	var leaves []int
	for _, name := range columns {
		i := slices.IndexFunc(s.outs, func(o out) bool { return o.field.Name == name })
		if i < 0 {
			return fmt.Errorf("%w: %q", ErrNoColumn, name)
		}
		for _, j := range leavesOf(leaves[:0], &s.outs[i]) {
			keep[j] = true
		}
	}
	pos := make([]int, len(s.fields))
	for j := range pos {
		pos[j] = -1
		if keep[j] {
			pos[j] = j
		}
	}
	s.keep, s.schema = keep, arrow.NewSchema(outFields(shape(s.root, s.fields, pos, s.opts.Flatten)), nil)
	return nil
}

// sample reads lines until SampleRows non-blank lines or the end of the
// inputs, observing them into root; the bytes stay in the read-ahead
// windows for Next. It waits through pauses of the input: the schema must
// not depend on when the bytes arrive. A line that is not one JSON object
// is the decoder's error for it, unless OnError is set: then the sample
// skips it and the decoder reports it in its turn. A read error ends the
// sample; Next reports it in order.
func (s *Source) sample(ctx context.Context, root *inode) error {
	var scratch []byte
	lines := 0
	for i, in := range s.inputs {
		// from: where the next line starts; scanned: held[:scanned] has
		// been searched for newlines.
		from, scanned, lineNo := 0, 0, int64(1)
		observeLine := func(line []byte) error {
			no, at := lineNo, int64(from)
			lineNo++
			if blank(line) {
				return nil
			}
			lines++
			j, serr := checkLine(line)
			if serr == nil {
				_, scratch = observe(line, j, root, scratch, s.opts.TimestampLayout)
				return nil
			}
			if s.opts.OnError != nil {
				return nil
			}
			return newDataError(serr, in.Name, no, at, line)
		}
		for {
			held, eof := s.rd.Held(i)
			for lines < s.opts.SampleRows {
				nl := bytes.IndexByte(held[scanned:], '\n')
				if nl < 0 {
					scanned = len(held)
					break
				}
				end := scanned + nl
				if err := observeLine(held[from:end]); err != nil {
					return err
				}
				from, scanned = end+1, end+1
			}
			if lines >= s.opts.SampleRows {
				return nil
			}
			if eof {
				if from < len(held) {
					if err := observeLine(held[from:]); err != nil {
						return err
					}
				}
				break
			}
			if _, err := s.rd.Sample(ctx, i); err != nil {
				return context.Cause(ctx) // nil after a read error: Next reports it
			}
		}
	}
	return nil
}

// Next returns the next chunk of whole lines, or io.EOF after the last.
// It blocks until a chunk is full, the current input ends, or complete
// lines have waited FlushInterval; it returns context.Cause(ctx) when ctx
// is done. Chunks never span two inputs.
func (s *Source) Next(ctx context.Context) (pipeline.Chunk, error) {
	if s.closed {
		return pipeline.Chunk{}, ErrClosed
	}
	c := &s.cut
	for {
		c.scan(s.rd.Bytes())
		if c.full {
			return s.emit(c.cutAt), nil
		}
		if s.rd.AtEOF() {
			if n := len(s.rd.Bytes()); n > 0 {
				return s.emit(n), nil
			}
			if s.rd.Input()+1 >= len(s.inputs) {
				return pipeline.Chunk{}, io.EOF
			}
			s.rd.NextInput()
			c.reset()
			continue
		}
		var deadline time.Time
		if c.lines > 0 && !s.opts.NoFlush {
			if deadline = c.since.Add(s.opts.FlushInterval); !time.Now().Before(deadline) {
				return s.emit(c.cutAt), nil
			}
		}
		_, ok, err := s.rd.Fill(ctx, deadline)
		if errors.Is(err, readahead.ErrClosed) {
			err = ErrClosed
		}
		switch {
		case err != nil:
			return pipeline.Chunk{}, err
		case !ok:
			return s.emit(c.cutAt), nil
		}
	}
}

// emit hands out the window's first n bytes as a chunk and keeps the rest
// for the next one.
func (s *Source) emit(n int) pipeline.Chunk {
	ch := s.cut.take(s.rd.Bytes(), n)
	ch.Data = s.rd.Cut(n)
	ch.File = s.inputs[s.rd.Input()].Name
	return ch
}

// Recycle gives a chunk's buffer back for reuse by later chunks. Decoders
// recycle the chunks they decode; call it only for a chunk dropped without
// decoding. Chunks not made by this source are ignored, and so is a chunk
// recycled twice only until its buffer is handed out again: after that,
// the second call would free a later chunk's bytes while in use, so a
// chunk must be recycled once. Safe for concurrent use.
func (s *Source) Recycle(c pipeline.Chunk) {
	s.rd.Recycle(c.Data)
}

// Close stops the reader goroutine and waits for it to end. To interrupt a
// Read blocked on an input (a pipe), Close first closes every input whose R
// is an io.Closer; an input.Input tolerates being closed again by its
// owner. Close is idempotent and must not run concurrently with Next.
func (s *Source) Close() error {
	s.closed = true
	return s.rd.Close()
}

var _ pipeline.Source = (*Source)(nil)
