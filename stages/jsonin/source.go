package jsonin

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"
	"time"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/input"
)

// blockSize is the size of the reads of the reader goroutine.
const blockSize = 256 << 10

// ErrClosed is returned by Next after Close.
var ErrClosed = errors.New("jsonin: source closed")

// ErrNoColumn is Project's error for a name not in the schema.
var ErrNoColumn = errors.New("jsonin: no such column")

// A block is one read of the reader goroutine, or the end of an input.
type block struct {
	input int
	data  []byte
	eof   bool
	err   error
}

// A Source reads NDJSON inputs in order. It implements pipeline.Source.
type Source struct {
	opts   Options
	inputs []Input
	schema *arrow.Schema // the columns decoded
	root   *node
	kinds  []kind
	fields []arrow.Field // every column
	keep   []bool        // the columns decoded (Project); nil: all

	blocks  chan block
	free    chan []byte // read buffers
	bufs    chan []byte // chunk buffers, see Recycle
	stop    chan struct{}
	done    chan struct{}
	once    sync.Once
	held    []block // read while sampling, replayed by Next
	timer   *time.Timer
	closed  bool
	lastLen int // bytes of the last chunk
	// readCtx is NewSource's ctx, which bounds the reader goroutine.
	readCtx context.Context

	cut cutter
}

// NewSource starts reading inputs (in order, as one stream of rows) and
// infers the schema from the first Options.SampleRows lines. It blocks until
// the sample is read: SampleRows lines or the end of the inputs, however
// long the input pauses. ctx bounds the life of the reader goroutine that
// NewSource starts; Close stops it. NewSource reports bad options, a line
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
	s := &Source{
		opts:   opts,
		inputs: inputs,
		blocks: make(chan block, 4),
		free:   make(chan []byte, 8),
		bufs:   make(chan []byte, 16),
		stop:   make(chan struct{}),
		done:   make(chan struct{}),
		timer:  time.NewTimer(time.Hour),
	}
	s.timer.Stop()
	s.readCtx = ctx
	go s.read(ctx)
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
	s.root = build(root, "", &fields, &s.kinds)
	s.fields = fields
	s.schema = arrow.NewSchema(fields, nil)
	s.cut = cutter{maxRows: opts.BatchRows, maxBytes: opts.BatchBytes, line: 1}
	s.cut.pend = s.getBuf()
	return s, nil
}

// Schema returns the inferred (and overridden) schema.
func (s *Source) Schema() *arrow.Schema { return s.schema }

// NewDecoder returns a decoder for this source's schema. Each decoder keeps
// its own builders and scratch: make one per worker.
func (s *Source) NewDecoder() pipeline.Decoder {
	return newDecoder(s.schema, s.root, s.kinds, s.keep, s.opts.Mem, s.opts.OnError)
}

// Project narrows the columns that decoders build to columns (flattened
// names such as "user.id"), in schema order; the schema shrinks to match.
// The values of the other keys are still checked to be JSON, but not
// converted, so a value of the wrong type there is no error. Call it after
// NewSource and before the first NewDecoder. nil restores every column.
func (s *Source) Project(columns []string) error {
	if columns == nil {
		s.keep, s.schema = nil, arrow.NewSchema(s.fields, nil)
		return nil
	}
	keep := make([]bool, len(s.fields))
	var kept []arrow.Field
	for _, name := range columns {
		i := slices.IndexFunc(s.fields, func(f arrow.Field) bool { return f.Name == name })
		if i < 0 {
			return fmt.Errorf("%w: %q", ErrNoColumn, name)
		}
		keep[i] = true
	}
	for i, f := range s.fields {
		if keep[i] {
			kept = append(kept, f)
		}
	}
	s.keep, s.schema = keep, arrow.NewSchema(kept, nil)
	return nil
}

// read is the reader goroutine: it reads the inputs in order into blocks.
func (s *Source) read(ctx context.Context) {
	defer close(s.done)
	for idx, in := range s.inputs {
		for {
			var buf []byte
			select {
			case buf = <-s.free:
			default:
				buf = make([]byte, blockSize)
			}
			n, err := in.R.Read(buf)
			if n > 0 && !s.send(ctx, block{input: idx, data: buf[:n]}) {
				return
			}
			if err == io.EOF {
				if !s.send(ctx, block{input: idx, eof: true}) {
					return
				}
				break
			}
			if err != nil {
				s.send(ctx, block{input: idx, err: fmt.Errorf("%s: %w", input.DisplayName(in.Name), err)})
				return
			}
		}
	}
}

func (s *Source) send(ctx context.Context, b block) bool {
	select {
	case s.blocks <- b:
		return true
	case <-ctx.Done():
		return false
	case <-s.stop:
		return false
	}
}

// recv returns the next block: a held one first, else one from the reader
// (see recvBlock).
func (s *Source) recv(ctx context.Context, wait time.Duration) (b block, timedOut bool, err error) {
	if len(s.held) > 0 {
		b = s.held[0]
		s.held = s.held[1:]
		return b, false, nil
	}
	return s.recvBlock(ctx, wait)
}

// recvBlock waits for the reader goroutine's next block, at most wait when
// wait > 0 (timedOut is then true).
func (s *Source) recvBlock(ctx context.Context, wait time.Duration) (b block, timedOut bool, err error) {
	var tc <-chan time.Time
	if wait > 0 {
		s.timer.Reset(wait)
		defer s.timer.Stop()
		tc = s.timer.C
	}
	select {
	case b = <-s.blocks:
		return b, false, nil
	case <-tc:
		return block{}, true, nil
	case <-ctx.Done():
		return block{}, false, context.Cause(ctx)
	case <-s.done:
		// The reader ended early (NewSource's ctx is done): take what it
		// sent before, then report why it stopped.
		select {
		case b = <-s.blocks:
			return b, false, nil
		default:
		}
		if err := context.Cause(s.readCtx); err != nil {
			return block{}, false, err
		}
		return block{}, false, ErrClosed
	}
}

// recycleBlock gives a read buffer back to the reader goroutine.
func (s *Source) recycleBlock(b block) {
	if cap(b.data) != blockSize {
		return
	}
	select {
	case s.free <- b.data[:blockSize]:
	default:
	}
}

// sample reads lines until SampleRows non-blank lines or the end of the
// inputs, observing them into root; the blocks are held for Next. It waits
// through pauses of the input: the schema must not depend on when the bytes
// arrive. A line that is not one JSON object is the decoder's error for
// it, unless OnError is set: then the sample skips it and the decoder
// reports it in its turn.
func (s *Source) sample(ctx context.Context, root *inode) error {
	var partial, scratch []byte
	from, lines := 0, 0
	input, lineNo, off := 0, int64(1), int64(0) // where the next line starts
	observeLine := func(line []byte) error {
		no, at := lineNo, off
		lineNo, off = lineNo+1, off+int64(len(line))+1
		if blank(line) {
			return nil
		}
		lines++
		i, serr := checkLine(line)
		if serr == nil {
			_, scratch = observe(line, i, root, scratch)
			return nil
		}
		if s.opts.OnError != nil {
			return nil
		}
		return newDataError(serr, s.inputs[input].Name, no, at, line)
	}
	for lines < s.opts.SampleRows {
		b, _, err := s.recvBlock(ctx, 0)
		if err != nil {
			return err
		}
		s.held = append(s.held, b)
		switch {
		case b.err != nil:
			return nil // Next reports it in order
		case b.eof:
			if len(partial) > 0 {
				if err := observeLine(partial); err != nil {
					return err
				}
			}
			partial, from = partial[:0], 0
			input, lineNo, off = b.input+1, 1, 0
			if b.input == len(s.inputs)-1 {
				return nil
			}
			continue
		}
		input = b.input
		partial = append(partial, b.data...)
		start := 0
		for lines < s.opts.SampleRows {
			nl := bytes.IndexByte(partial[from:], '\n')
			if nl < 0 {
				from = len(partial)
				break
			}
			if err := observeLine(partial[start : from+nl]); err != nil {
				return err
			}
			start = from + nl + 1
			from = start
		}
		partial = partial[:copy(partial, partial[start:])]
		from -= start
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
		if c.full {
			return s.emit(c.cutAt), nil
		}
		if c.eof {
			if len(c.pend) > 0 {
				return s.emit(len(c.pend)), nil
			}
			c.input++
			if c.input >= len(s.inputs) {
				return pipeline.Chunk{}, io.EOF
			}
			c.reset()
			continue
		}
		var wait time.Duration
		if c.lines > 0 {
			if wait = s.opts.FlushInterval - time.Since(c.since); wait <= 0 {
				return s.emit(c.cutAt), nil
			}
		}
		b, timedOut, err := s.recv(ctx, wait)
		switch {
		case err != nil:
			return pipeline.Chunk{}, err
		case timedOut:
			return s.emit(c.cutAt), nil
		case b.err != nil:
			return pipeline.Chunk{}, b.err
		case b.eof:
			c.eof = true
		default:
			c.add(b.data)
			s.recycleBlock(b)
		}
	}
}

// emit hands out pend[:n] as a chunk and keeps the rest for the next one.
func (s *Source) emit(n int) pipeline.Chunk {
	c := &s.cut
	s.lastLen = n
	next := s.getBuf()
	ch := c.take(n, next)
	ch.File = s.inputs[c.input].Name
	return ch
}

// getBuf returns an empty chunk buffer, recycled when possible, else sized
// after the last chunk (small chunks, cut by BatchRows or by a flush, do not
// cost BatchBytes each).
func (s *Source) getBuf() []byte {
	select {
	case b := <-s.bufs:
		return b[:0]
	default:
		return make([]byte, 0, min(s.lastLen+s.lastLen/4, s.opts.BatchBytes)+blockSize)
	}
}

// Recycle gives a chunk's Data back once its decoder is done with it, so
// that the next chunks reuse the memory. It is optional, and safe to call
// from any goroutine.
func (s *Source) Recycle(c pipeline.Chunk) {
	if cap(c.Data) < blockSize || cap(c.Data) > 4*(s.opts.BatchBytes+blockSize) {
		return
	}
	select {
	case s.bufs <- c.Data[:0]:
	default:
	}
}

// Close stops the reader goroutine and waits for it to end. To interrupt a
// Read blocked on an input (a pipe), Close first closes every input whose R
// is an io.Closer; an input.Input tolerates being closed again by its
// owner. Close is idempotent and must not run concurrently with Next.
func (s *Source) Close() error {
	var err error
	s.once.Do(func() {
		s.closed = true
		close(s.stop)
		for _, in := range s.inputs {
			if c, ok := in.R.(io.Closer); ok {
				if cerr := c.Close(); cerr != nil && err == nil {
					err = fmt.Errorf("%s: %w", input.DisplayName(in.Name), cerr)
				}
			}
		}
		<-s.done
	})
	return err
}

var _ pipeline.Source = (*Source)(nil)
