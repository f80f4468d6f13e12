package parquetio

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/metadata"

	"github.com/arrowpipe/arrowpipe/pipeline"
)

// SinkOptions configure a Sink.
type SinkOptions struct {
	// Compression is "zstd" (the default, for ""), "snappy" or "none".
	Compression string
	// RowGroupRows caps the rows of a row group; 0 means 1Mi. An encoder
	// cuts a longer batch into several row groups.
	RowGroupRows int64
	// GatherRows is the size below which a batch is not a row group of its
	// own: the encoders pass such batches on, and Write gathers consecutive
	// ones into a shared row group (encoding them itself), so that a
	// filtered stream of small batches does not make a file of tiny row
	// groups. 0 means 8192: the default batches of the CSV and NDJSON
	// readers (2 MiB, ~33K rows of the generated CSV, ~15K of its NDJSON)
	// are row groups of their own, encoded by the encode workers.
	GatherRows int64
	// RowGroupBytes ends a gathered row group once its batches reach this
	// Arrow size (the rows' own bytes, not the buffers a slice pins); 0
	// means 64 MiB. The gathered row group holds the encoded and
	// compressed pages of those rows until it is placed.
	RowGroupBytes int64
	// Dictionary is "auto" (the default, for ""): dictionary-encode the
	// string and number columns (integers of 16 bits and more, floats)
	// whose first batch of a row group has at most one distinct value in
	// ten (sampling up to 8192 rows); "off": never.
	Dictionary string
	// Mem allocates the encoders' buffers; nil means
	// memory.DefaultAllocator. A row group gathered by Write, which lives
	// across calls, uses Go's allocator.
	Mem memory.Allocator
}

// A Sink writes batches as one Parquet file. It implements pipeline.Sink.
type Sink struct {
	w      io.Writer
	schema *arrow.Schema
	opts   SinkOptions
	codec  compress.Compression
	// free recycles the encoded row groups' byte buffers from Write back
	// to the encoders.
	free chan []byte
	// gather is the row group Write is filling with small batches; nil
	// when there is none.
	gather *group
	// offset is the output's length so far; meta the footer of the row
	// groups placed so far (nil before the first placement).
	offset int64
	meta   *metadata.FileMetaData
}

// NewSink validates opts and returns a sink writing to w. Close writes the
// footer; it does not close w.
func NewSink(w io.Writer, schema *arrow.Schema, opts SinkOptions) (*Sink, error) {
	s := &Sink{w: w, schema: schema, opts: opts, free: make(chan []byte, 8)}
	switch opts.Compression {
	case "", "zstd":
		s.codec = compress.Codecs.Zstd
		useZstdPages()
	case "snappy":
		s.codec = compress.Codecs.Snappy
	case "none":
		s.codec = compress.Codecs.Uncompressed
	default:
		return nil, fmt.Errorf("parquetio: unknown compression %q (want zstd, snappy or none)", opts.Compression)
	}
	switch opts.Dictionary {
	case "", "auto", "off":
	default:
		return nil, fmt.Errorf("parquetio: unknown dictionary mode %q (want auto or off)", opts.Dictionary)
	}
	if s.opts.RowGroupRows <= 0 {
		s.opts.RowGroupRows = 1 << 20
	}
	if s.opts.GatherRows <= 0 {
		s.opts.GatherRows = 8192
	}
	if s.opts.RowGroupBytes <= 0 {
		s.opts.RowGroupBytes = 64 << 20
	}
	if s.opts.Mem == nil {
		s.opts.Mem = memory.DefaultAllocator
	}
	return s, nil
}

// Write places c's row groups in the file: encoded ones (c.Data, from an
// Encoder) as they are, a batch (c.Batch, small or written without an
// encode step) gathered with its neighbours into a row group that Write
// encodes itself. It releases c.Batch.
func (s *Sink) Write(_ context.Context, c pipeline.Chunk) error {
	if c.Batch != nil {
		defer c.Batch.Release()
		if c.Batch.NumRows() == 0 {
			return nil
		}
		return s.gatherBatch(c.Batch)
	}
	if c.Data == nil {
		return nil
	}
	if err := s.flushGather(); err != nil {
		return err
	}
	if err := s.place(c.Data); err != nil {
		return err
	}
	select {
	case s.free <- c.Data[:0]:
	default:
	}
	return nil
}

// gatherBatch adds rec to the gathered row group, placing the group once
// it reaches RowGroupBytes (pqarrow itself cuts at RowGroupRows).
func (s *Sink) gatherBatch(rec arrow.RecordBatch) error {
	if s.gather == nil {
		// Go's allocator, not opts.Mem: the group lives across Writes, and
		// after a failed run, which never calls Close, nothing would
		// release it; the garbage collector takes it.
		g, err := s.newGroup(s.schema, s.dictColumns(rec), nil, memory.NewGoAllocator())
		if err != nil {
			return err
		}
		s.gather = g
	}
	if err := s.gather.add(rec); err != nil {
		return err
	}
	if s.gather.arrowBytes >= s.opts.RowGroupBytes {
		return s.flushGather()
	}
	return nil
}

// flushGather places the gathered row group, if any.
func (s *Sink) flushGather() error {
	if s.gather == nil {
		return nil
	}
	g := s.gather
	s.gather = nil
	data, err := g.finish()
	if err != nil {
		return err
	}
	return s.place(data)
}

// Close places the last gathered row group and writes the footer.
func (s *Sink) Close(context.Context) error {
	if err := s.flushGather(); err != nil {
		return err
	}
	if s.meta == nil { // no rows: the footer of an empty file
		g, err := s.newGroup(s.schema, nil, nil, s.opts.Mem)
		if err != nil {
			return err
		}
		data, err := g.finish()
		if err != nil {
			return err
		}
		if err := s.place(data); err != nil {
			return err
		}
	}
	annotateIntervals(s.meta, s.schema)
	n, err := s.meta.WriteTo(s.w, nil)
	if err == nil {
		var tail [8]byte
		binary.LittleEndian.PutUint32(tail[:4], uint32(n))
		copy(tail[4:], magic)
		_, err = s.w.Write(tail[:])
	}
	if err != nil {
		return fmt.Errorf("parquetio: close: %w", err)
	}
	return nil
}

var _ pipeline.Sink = (*Sink)(nil)
