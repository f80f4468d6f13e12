package arrowio

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/arrowpipe/arrowpipe/pipeline"
)

// SinkOptions configure a Sink.
type SinkOptions struct {
	// File selects the IPC file format (random access, for -o x.arrow);
	// false writes the stream format.
	File bool
	// Compression of the batch bodies: "" or "none", "zstd" or "lz4".
	// zstd costs ~7 ms per MB written.
	Compression string
	// Mem allocates scratch; nil means memory.DefaultAllocator.
	Mem memory.Allocator
}

type ipcWriter interface {
	Write(arrow.RecordBatch) error
	Close() error
}

// A Sink writes batches as Arrow IPC. It implements pipeline.Sink.
//
// Compressed output of a schema without dictionaries is written by
// message: the encode workers encode and compress each batch into its
// message (Encoder), and Write places the messages in order, then Close
// the end-of-stream marker and, for the file format, a footer listing
// each batch's block. The bytes are those arrow-go's writer writes, and
// never depend on the worker count. Uncompressed output (nothing to do
// but copy buffers: an encode step only added a copy and messages in
// flight) and a schema with dictionaries are written by arrow-go's writer
// on Write's goroutine, which writes the dictionary messages each batch
// needs.
type Sink struct {
	w       io.Writer
	ipcOpts []ipc.Option
	place   *placer   // writing by message
	serial  ipcWriter // else
}

// NewSink writes to w batches of schema. The stream format writes the
// schema with the first batch (or at Close for an empty result); the file
// format writes its footer at Close. Close does not close w.
func NewSink(w io.Writer, schema *arrow.Schema, opts SinkOptions) (*Sink, error) {
	mem := opts.Mem
	if mem == nil {
		mem = memory.DefaultAllocator
	}
	ipcOpts := []ipc.Option{ipc.WithSchema(schema), ipc.WithAllocator(mem)}
	switch opts.Compression {
	case "", "none":
	case "zstd":
		ipcOpts = append(ipcOpts, ipc.WithZstd())
	case "lz4":
		ipcOpts = append(ipcOpts, ipc.WithLZ4())
	default:
		return nil, fmt.Errorf("arrowio: unknown compression %q (want zstd, lz4 or none)", opts.Compression)
	}
	s := &Sink{w: w, ipcOpts: ipcOpts}
	if compressed := opts.Compression != "" && opts.Compression != "none"; compressed && byMessage(schema) {
		if p, err := newPlacer(schema, opts.File, ipcOpts); err == nil {
			s.place = p
			return s, nil
		}
	}
	if opts.File {
		fw, err := ipc.NewFileWriter(w, ipcOpts...)
		if err != nil {
			return nil, fmt.Errorf("arrowio: %w", err)
		}
		s.serial = fw
		return s, nil
	}
	s.serial = ipc.NewWriter(w, ipcOpts...)
	return s, nil
}

// NewEncoder returns an encoder for one encode worker, or nil for a
// schema with dictionaries: Write then takes the batches themselves, and
// the pipeline has no encode step.
func (s *Sink) NewEncoder() pipeline.Encoder {
	if s.place == nil {
		return nil
	}
	return s.newEncoder()
}

// Write writes c's message (or c.Batch, for a schema with dictionaries)
// and releases c.Batch if set.
func (s *Sink) Write(_ context.Context, c pipeline.Chunk) error {
	if c.Batch != nil {
		defer c.Batch.Release()
	}
	if s.place != nil {
		if c.Data == nil && c.Batch != nil {
			return errors.New("arrowio: internal error: a batch where an encoded message was expected")
		}
		if c.Data == nil {
			return nil
		}
		if err := s.place.place(s.w, c.Data); err != nil {
			return fmt.Errorf("arrowio: write: %w", err)
		}
		return nil
	}
	if c.Batch == nil {
		return nil
	}
	if err := s.serial.Write(c.Batch); err != nil {
		return fmt.Errorf("arrowio: write: %w", err)
	}
	return nil
}

// Close ends the stream (end-of-stream marker) or writes the file footer.
func (s *Sink) Close(context.Context) error {
	var err error
	if s.place != nil {
		err = s.place.end(s.w)
	} else {
		err = s.serial.Close()
	}
	if err != nil {
		return fmt.Errorf("arrowio: close: %w", err)
	}
	return nil
}

var _ pipeline.Sink = (*Sink)(nil)
