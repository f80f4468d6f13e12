package parquetio

import (
	"context"
	"fmt"
	"io"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/arrowpipe/arrowpipe/pipeline"
)

// SinkOptions configure a Sink.
type SinkOptions struct {
	// Compression is "zstd" (the default, for ""), "snappy" or "none".
	Compression string
	// RowGroupRows caps the rows of a row group; 0 means 1Mi.
	RowGroupRows int64
	// RowGroupBytes starts a new row group once the batches buffered in the
	// current one reach this Arrow size (buffers of slices count whole);
	// 0 means 128 MiB. The buffered row group holds the encoded and
	// compressed pages of those rows until it is flushed.
	RowGroupBytes int64
	// Dictionary is "auto" (the default, for ""): dictionary-encode the
	// string columns whose first batch has at most one distinct value in
	// ten (sampling up to 8192 rows); "off": never.
	Dictionary string
	// Mem allocates the writer's buffers; nil means memory.DefaultAllocator.
	Mem memory.Allocator
}

// A Sink writes batches as one Parquet file. It implements pipeline.Sink.
type Sink struct {
	w      io.Writer
	schema *arrow.Schema
	opts   SinkOptions
	codec  compress.Compression
	fw     *pqarrow.FileWriter
	// rgBytes is the Arrow size of the rows in the current row group.
	rgBytes int64
}

// NewSink validates opts and returns a sink writing to w. The Parquet
// writer starts at the first Write, whose batch decides the dictionary
// columns. Close writes the footer; it does not close w.
func NewSink(w io.Writer, schema *arrow.Schema, opts SinkOptions) (*Sink, error) {
	s := &Sink{w: writerOnly{w}, schema: schema, opts: opts}
	switch opts.Compression {
	case "", "zstd":
		s.codec = compress.Codecs.Zstd
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
	if s.opts.RowGroupBytes <= 0 {
		s.opts.RowGroupBytes = 128 << 20
	}
	if s.opts.Mem == nil {
		s.opts.Mem = memory.DefaultAllocator
	}
	return s, nil
}

// start creates the Parquet writer; first (may be nil) picks dictionary
// columns.
func (s *Sink) start(first arrow.RecordBatch) error {
	props := []parquet.WriterProperty{
		parquet.WithCompression(s.codec),
		parquet.WithMaxRowGroupLength(s.opts.RowGroupRows),
		parquet.WithAllocator(s.opts.Mem),
		parquet.WithDictionaryDefault(false),
	}
	if first != nil && s.opts.Dictionary != "off" {
		for _, name := range lowCardinality(first) {
			props = append(props, parquet.WithDictionaryFor(name, true))
		}
	}
	fw, err := pqarrow.NewFileWriter(s.schema, s.w, parquet.NewWriterProperties(props...),
		pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema(), pqarrow.WithAllocator(s.opts.Mem)))
	if err != nil {
		return fmt.Errorf("parquetio: %w", err)
	}
	s.fw = fw
	return nil
}

// lowCardinality returns the string columns of rec whose sampled rows have
// at most one distinct value in ten.
func lowCardinality(rec arrow.RecordBatch) []string {
	const sample = 8192
	var names []string
	for j, col := range rec.Columns() {
		type stringLike interface {
			arrow.Array
			Value(int) string
		}
		a, ok := col.(stringLike)
		if !ok || (col.DataType().ID() != arrow.STRING && col.DataType().ID() != arrow.LARGE_STRING) {
			continue
		}
		n := min(a.Len(), sample)
		if n == 0 {
			continue
		}
		seen := make(map[string]struct{})
		for i := 0; i < n && len(seen)*10 <= n; i++ {
			if !a.IsNull(i) {
				seen[a.Value(i)] = struct{}{}
			}
		}
		if len(seen)*10 <= n {
			names = append(names, rec.Schema().Field(j).Name)
		}
	}
	return names
}

// NewEncoder returns nil: Write takes the batches themselves, and the
// pipeline has no encode step.
func (s *Sink) NewEncoder() pipeline.Encoder { return nil }

// Write buffers c.Batch into the current row group, starting a new one at
// the size limits, and releases the batch.
func (s *Sink) Write(_ context.Context, c pipeline.Chunk) error {
	if c.Batch == nil {
		return nil
	}
	defer c.Batch.Release()
	if s.fw == nil {
		if err := s.start(c.Batch); err != nil {
			return err
		}
	}
	if err := s.fw.WriteBuffered(c.Batch); err != nil {
		return fmt.Errorf("parquetio: write: %w", err)
	}
	// pqarrow cuts at RowGroupRows itself; the byte limit is ours, on the
	// Arrow size of what the row group has buffered.
	if rows, _ := s.fw.RowGroupNumRows(); rows < int(c.Batch.NumRows()) {
		s.rgBytes = 0 // pqarrow started a new row group inside this batch
	}
	s.rgBytes += arrowBytes(c.Batch)
	if s.rgBytes >= s.opts.RowGroupBytes {
		if err := s.fw.NewBufferedRowGroupChecked(); err != nil {
			return fmt.Errorf("parquetio: write: %w", err)
		}
		s.rgBytes = 0
	}
	return nil
}

// Close flushes the last row group and writes the footer.
func (s *Sink) Close(context.Context) error {
	if s.fw == nil {
		if err := s.start(nil); err != nil {
			return err
		}
	}
	if err := s.fw.Close(); err != nil {
		return fmt.Errorf("parquetio: close: %w", err)
	}
	return nil
}

// writerOnly hides a Close method: the Parquet writer would call it.
type writerOnly struct{ io.Writer }

var _ pipeline.Sink = (*Sink)(nil)

// arrowBytes is the size of the buffers of rec.
func arrowBytes(rec arrow.RecordBatch) int64 {
	var n int64
	for _, col := range rec.Columns() {
		n += dataBytes(col.Data())
	}
	return n
}

func dataBytes(d arrow.ArrayData) int64 {
	var n int64
	for _, b := range d.Buffers() {
		if b != nil {
			n += int64(b.Len())
		}
	}
	for _, c := range d.Children() {
		n += dataBytes(c)
	}
	return n
}
