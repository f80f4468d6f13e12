package arrowio

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/input"
	"github.com/arrowpipe/arrowpipe/stages/internal/batchcheck"
	"github.com/arrowpipe/arrowpipe/stages/internal/ipcmeta"
)

// ErrSchemaMismatch is returned when inputs do not share one schema.
var ErrSchemaMismatch = errors.New("arrowio: inputs have different schemas")

// An Input is one Arrow IPC input. With At set (a regular file of Size
// bytes) a file in the IPC file format is read through its footer; anything
// else is read from R as a stream. A file-format input read from R (a pipe,
// a decompressed stream) is read sequentially too: its leading magic is
// skipped and its footer ignored.
type Input struct {
	Name string
	R    io.Reader
	At   io.ReaderAt
	Size int64
}

// Options configure a Source.
type Options struct {
	// Mem allocates the batches read; nil means memory.DefaultAllocator.
	Mem memory.Allocator
}

// fileMagic starts (and ends) the IPC file format, padded to 8 bytes.
var fileMagic = []byte("ARROW1")

// paddedMagic is how a file starts.
var paddedMagic = []byte("ARROW1\x00\x00")

// ErrCorrupt is wrapped by the error for a batch whose buffers do not hold
// what its metadata claims (an offset past the data, offsets that go
// backwards, a string that is not UTF-8, a dictionary index out of range):
// such a batch would panic, or carry garbage, in the first verb that reads
// it, so it is refused when read.
var ErrCorrupt = errors.New("arrowio: corrupt record batch")

// A reader is one opened input.
type reader struct {
	name   string
	stream *ipc.Reader
	msgs   *eosChecker // the stream's messages, for offsets
	file   *ipc.FileReader
	next   int // index of the next batch
	// A file's record batch blocks, its bytes and size, read by message
	// for the decoders.
	blocks []ipcmeta.Block
	at     io.ReaderAt
	size   int64
}

func (r *reader) schema() *arrow.Schema {
	if r.file != nil {
		return r.file.Schema()
	}
	return r.stream.Schema()
}

// read returns the next batch, owned by the caller and checked by
// batchcheck (one pass over each column's offsets, dictionary indices and
// UTF-8), or io.EOF.
func (r *reader) read() (arrow.RecordBatch, error) {
	rec, err := r.readRaw()
	if err != nil {
		return nil, err
	}
	if err := batchcheck.Check(rec); err != nil {
		rec.Release()
		where := fmt.Sprintf("batch %d", r.next-1)
		if r.msgs != nil {
			where += fmt.Sprintf(", message ending at byte %d", r.msgs.skipped+r.msgs.src.off)
		}
		return nil, fmt.Errorf("%w (%s): %w", ErrCorrupt, where, err)
	}
	return rec, nil
}

func (r *reader) readRaw() (arrow.RecordBatch, error) {
	if r.file != nil {
		if r.next >= r.file.NumRecords() {
			return nil, io.EOF
		}
		if err := r.checkBlock(r.next); err != nil {
			return nil, err
		}
		rec, err := recordBatchAt(r.file, r.next)
		r.next++
		return rec, err
	}
	if !r.stream.Next() {
		if err := r.stream.Err(); err != nil {
			return nil, err
		}
		return nil, io.EOF
	}
	r.next++
	rec := r.stream.RecordBatch()
	rec.Retain()
	return rec, nil
}

func (r *reader) close() {
	if r.file != nil {
		_ = r.file.Close()
	}
	if r.stream != nil {
		r.stream.Release()
	}
}

func open(in Input, mem memory.Allocator) (*reader, error) {
	r := &reader{name: in.Name}
	if in.At != nil {
		head := make([]byte, len(fileMagic))
		if n, _ := in.At.ReadAt(head, 0); n == len(head) && bytes.Equal(head, fileMagic) {
			f, blocks, err := openFooter(in.At, in.Size, mem)
			if err != nil {
				return nil, err
			}
			r.file, r.blocks, r.at, r.size = f, blocks, in.At, in.Size
			return r, nil
		}
		if in.R == nil {
			in.R = io.NewSectionReader(in.At, 0, in.Size)
		}
	}
	br := bufioReader(in.R)
	var skipped int64
	head, _ := br.Peek(8)
	switch {
	case bytes.HasPrefix(head, fileMagic):
		_, _ = br.Discard(8) // magic and padding; the stream follows
		skipped = 8
	case len(head) > 0 && len(head) < 8 && bytes.HasPrefix(paddedMagic, head):
		return nil, &truncatedError{"file's magic is cut short", int64(len(head))}
	}
	opts := []ipc.Option{ipc.WithAllocator(mem)}
	if in.Size > 0 {
		// No message of a file is longer than the file: a corrupt length
		// must not allocate arrow-go's default limit of 256 MiB.
		opts = append(opts, ipc.WithBodySizeLimit(in.Size), ipc.WithMetadataSizeLimit(in.Size))
	}
	msgs := newEOSChecker(br, skipped, opts...)
	s, err := ipc.NewReaderFromMessageReader(msgs, ipc.WithAllocator(mem))
	if err != nil {
		if msgs.err != nil {
			return nil, msgs.err // arrow-go's wrapping adds nothing
		}
		return nil, err
	}
	r.stream, r.msgs = s, msgs
	return r, nil
}

// A Source reads the batches of one or more IPC inputs in order. It
// implements pipeline.Source.
type Source struct {
	readers []*reader
	cur     int
	schema  *arrow.Schema
	mem     memory.Allocator
	// byMessage: Next hands out record batch messages, which the decoders
	// decompress and assemble (a schema without dictionaries, in native
	// byte order); else Next reads batches itself. schemaMeta is the
	// schema's message metadata, for the decoders' readers.
	byMessage  bool
	schemaMeta []byte
}

// NewSource opens every input and reads its schema (blocking on pipes until
// the schema message arrives). All inputs must have the first one's schema,
// else the error wraps ErrSchemaMismatch and names the first that differs.
func NewSource(inputs []Input, opts Options) (*Source, error) {
	if len(inputs) == 0 {
		return nil, errors.New("arrowio: no input")
	}
	mem := opts.Mem
	if mem == nil {
		mem = memory.DefaultAllocator
	}
	s := &Source{mem: mem}
	for _, in := range inputs {
		r, err := open(in, mem)
		if err != nil {
			_ = s.Close()
			return nil, inputError(in.Name, err)
		}
		s.readers = append(s.readers, r)
		if s.schema == nil {
			s.schema = r.schema()
		} else if !s.schema.Equal(r.schema()) {
			_ = s.Close()
			return nil, fmt.Errorf("%s: %w: %s, but %s has %s", input.DisplayName(in.Name), ErrSchemaMismatch,
				r.schema(), input.DisplayName(inputs[0].Name), s.schema)
		}
	}
	if s.byMessage = byMessage(s.schema); s.byMessage {
		p := ipc.GetSchemaPayload(s.schema, memory.DefaultAllocator)
		meta := p.Meta()
		s.schemaMeta = bytes.Clone(meta.Bytes())
		meta.Release()
		p.Release()
	}
	return s, nil
}

// Schema returns the inputs' schema.
func (s *Source) Schema() *arrow.Schema { return s.schema }

// Next returns the next batch in Chunk.Batch, owned by the caller, or io.EOF
// after the last one. It blocks on reading; ctx is checked between reads.
func (s *Source) Next(ctx context.Context) (pipeline.Chunk, error) {
	for s.cur < len(s.readers) {
		if err := ctx.Err(); err != nil {
			return pipeline.Chunk{}, context.Cause(ctx)
		}
		r := s.readers[s.cur]
		if s.byMessage {
			c, err := r.message()
			if err == nil {
				return c, nil
			}
			if err != io.EOF {
				return pipeline.Chunk{}, inputError(r.name, err)
			}
			r.close()
			s.readers[s.cur] = nil
			s.cur++
			continue
		}
		rec, err := r.read()
		if err == io.EOF {
			r.close()
			s.readers[s.cur] = nil
			s.cur++
			continue
		}
		if err != nil {
			return pipeline.Chunk{}, inputError(r.name, err)
		}
		return pipeline.Chunk{Batch: rec, File: r.name, Rows: int(rec.NumRows())}, nil
	}
	return pipeline.Chunk{}, io.EOF
}

// NewDecoder returns a decoder of the messages Next hands out, for one
// decode worker; or nil when Next reads the batches itself (a schema with
// dictionaries, whose batches depend on the dictionary messages before
// them), and the pipeline hands them on without a decode step.
func (s *Source) NewDecoder() pipeline.Decoder {
	if !s.byMessage {
		return nil
	}
	return &decoder{s: s}
}

// Close releases the readers not yet exhausted. It does not close the
// inputs' readers, which belong to the caller.
func (s *Source) Close() error {
	for i, r := range s.readers {
		if r != nil {
			r.close()
			s.readers[i] = nil
		}
	}
	return nil
}

// ioReadsAt reports whether b was filled from r at off.
func ioReadsAt(r io.ReaderAt, b []byte, off int64) bool {
	n, _ := r.ReadAt(b, off)
	return n == len(b)
}

// inputError names the input in err; arrow-go's errors say "arrow" too.
func inputError(name string, err error) error {
	if errors.Is(err, ErrEmpty) || errors.Is(err, ErrTruncated) || errors.Is(err, ErrDataAfterEnd) || errors.Is(err, ErrCorrupt) || errors.Is(err, ipcmeta.ErrCorrupt) {
		return fmt.Errorf("%s: %w", input.DisplayName(name), err)
	}
	return fmt.Errorf("%s: arrow: %w", input.DisplayName(name), err)
}

var _ pipeline.Source = (*Source)(nil)
