package arrowio

import (
	"context"
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
type Sink struct {
	w ipcWriter
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
	if opts.File {
		fw, err := ipc.NewFileWriter(w, ipcOpts...)
		if err != nil {
			return nil, fmt.Errorf("arrowio: %w", err)
		}
		return &Sink{w: fw}, nil
	}
	return &Sink{w: ipc.NewWriter(w, ipcOpts...)}, nil
}

// NewEncoder returns nil: Write takes the batches themselves, and the
// pipeline has no encode step.
func (s *Sink) NewEncoder() pipeline.Encoder { return nil }

// Write writes c.Batch and releases it.
func (s *Sink) Write(_ context.Context, c pipeline.Chunk) error {
	if c.Batch == nil {
		return nil
	}
	defer c.Batch.Release()
	if err := s.w.Write(c.Batch); err != nil {
		return fmt.Errorf("arrowio: write: %w", err)
	}
	return nil
}

// Close ends the stream (end-of-stream marker) or writes the file footer.
func (s *Sink) Close(context.Context) error {
	if err := s.w.Close(); err != nil {
		return fmt.Errorf("arrowio: close: %w", err)
	}
	return nil
}

var _ pipeline.Sink = (*Sink)(nil)
