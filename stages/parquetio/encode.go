package parquetio

import (
	"bytes"
	"context"
	"fmt"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/sharedmem"
)

// A group is a row group being encoded as a standalone Parquet file in
// memory; place copies its column chunks into the output.
type group struct {
	buf        *bytes.Buffer
	fw         *pqarrow.FileWriter
	arrowBytes int64
}

// newGroup starts a row group file of schema writing into buf (nil: a new
// buffer), dictionary-encoding the columns named in dict. The caller picks
// them from the row group's own rows (lowCardinality), never from which
// worker encodes it.
func (s *Sink) newGroup(schema *arrow.Schema, dict []string, buf []byte, mem memory.Allocator) (*group, error) {
	props := []parquet.WriterProperty{
		parquet.WithCompression(s.codec),
		parquet.WithMaxRowGroupLength(s.opts.RowGroupRows),
		parquet.WithAllocator(mem),
		parquet.WithDictionaryDefault(false),
	}
	for _, name := range dict {
		props = append(props, parquet.WithDictionaryFor(name, true))
	}
	// Columns that are dictionaries in the schema (categoricals) are
	// written dictionary-encoded: Polars reads a categorical column only
	// from dictionary pages.
	for _, f := range schema.Fields() {
		if f.Type.ID() == arrow.DICTIONARY {
			props = append(props, parquet.WithDictionaryFor(f.Name, true))
		}
	}
	g := &group{buf: bytes.NewBuffer(buf)}
	fw, err := pqarrow.NewFileWriter(schema, g.buf, parquet.NewWriterProperties(props...),
		pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema(), pqarrow.WithAllocator(mem)))
	if err != nil {
		return nil, fmt.Errorf("parquetio: %w", err)
	}
	g.fw = fw
	return g, nil
}

// dictColumns returns the columns of rec to dictionary-encode: none when
// the sink's Dictionary is "off".
func (s *Sink) dictColumns(rec arrow.RecordBatch) []string {
	if s.opts.Dictionary == "off" {
		return nil
	}
	return lowCardinality(rec)
}

// add appends rec's rows to the row group (more than RowGroupRows start
// another one). The group counts the rows' own bytes, not the buffers a
// slice pins: the writer copies the values into its pages and keeps no
// reference to rec. (Counting pinned bytes made each 33-row slice that
// a partitioned write hands to an open file count as its whole 2 MiB
// batch, and so a row group of its own.)
func (g *group) add(rec arrow.RecordBatch) error {
	if err := g.fw.WriteBuffered(rec); err != nil {
		return fmt.Errorf("parquetio: write: %w", err)
	}
	g.arrowBytes += sharedmem.LiveBytes(rec)
	return nil
}

// finish closes the file and returns its bytes.
func (g *group) finish() ([]byte, error) {
	if err := g.fw.Close(); err != nil {
		return nil, fmt.Errorf("parquetio: write: %w", err)
	}
	return g.buf.Bytes(), nil
}

// NewEncoder returns an encoder for one encode worker.
func (s *Sink) NewEncoder() pipeline.Encoder { return encoder{s} }

// An encoder turns a batch of at least GatherRows rows into finished row
// groups: a small Parquet file in Chunk.Data, its pages encoded and
// compressed, which Write copies into the output. A smaller batch is
// passed on in Chunk.Batch for Write to gather. Encoders share only the
// sink's options and its channel of free buffers, so they run in
// parallel; a batch's bytes do not depend on which encoder made them.
type encoder struct{ s *Sink }

// Encode encodes rec, which it borrows.
func (e encoder) Encode(ctx context.Context, rec arrow.RecordBatch) (pipeline.Chunk, error) {
	if err := ctx.Err(); err != nil {
		return pipeline.Chunk{}, context.Cause(ctx)
	}
	if rec.NumRows() < e.s.opts.GatherRows {
		rec.Retain()
		return pipeline.Chunk{Batch: rec, Rows: int(rec.NumRows())}, nil
	}
	var buf []byte
	select {
	case buf = <-e.s.free:
	default:
	}
	dict := e.s.dictColumns(rec)
	rec, err := dictionaryText(rec, dict, e.s.opts.Mem)
	if err != nil {
		return pipeline.Chunk{}, err
	}
	defer rec.Release()
	g, err := e.s.newGroup(rec.Schema(), dict, buf, e.s.opts.Mem)
	if err != nil {
		return pipeline.Chunk{}, err
	}
	if err := g.fw.Write(rec); err != nil {
		_ = g.fw.Close()
		return pipeline.Chunk{}, fmt.Errorf("parquetio: write: %w", err)
	}
	data, err := g.finish()
	if err != nil {
		return pipeline.Chunk{}, err
	}
	return pipeline.Chunk{Data: data, Rows: int(rec.NumRows())}, nil
}

// lowCardinality returns the string and number columns of rec whose
// sampled rows have at most one distinct value in ten: a quantity or a
// discount takes a few bits a row as dictionary indices where plain
// encoding handed 8 bytes a row to zstd (10M generated rows: qty's 80 MB
// of plain pages became 8.8 MB).
func lowCardinality(rec arrow.RecordBatch) []string {
	var names []string
	for j, col := range rec.Columns() {
		if fewDistinct(col) {
			names = append(names, rec.Schema().Field(j).Name)
		}
	}
	return names
}

// fewDistinct reports whether col is a string or fixed-width number
// column with at most one distinct value in ten among its first rows.
func fewDistinct(col arrow.Array) bool {
	const sample = 8192
	n := min(col.Len(), sample)
	if n == 0 {
		return false
	}
	limit := n / 10
	switch a := col.(type) {
	case *array.String:
		return distinctAtMost(n, limit, a.IsNull, a.Value)
	case *array.LargeString:
		return distinctAtMost(n, limit, a.IsNull, a.Value)
	case *array.Int64:
		return distinctAtMost(n, limit, a.IsNull, a.Value)
	case *array.Int32:
		return distinctAtMost(n, limit, a.IsNull, a.Value)
	case *array.Int16:
		return distinctAtMost(n, limit, a.IsNull, a.Value)
	case *array.Uint32:
		return distinctAtMost(n, limit, a.IsNull, a.Value)
	case *array.Float64:
		return distinctAtMost(n, limit, a.IsNull, func(i int) uint64 { return math.Float64bits(a.Value(i)) })
	case *array.Float32:
		return distinctAtMost(n, limit, a.IsNull, func(i int) uint32 { return math.Float32bits(a.Value(i)) })
	}
	return false
}

// distinctAtMost reports whether the non-null values among the first n
// rows number at most limit distinct ones.
func distinctAtMost[T comparable](n, limit int, isNull func(int) bool, value func(int) T) bool {
	seen := make(map[T]struct{}, limit+1)
	for i := 0; i < n; i++ {
		if isNull(i) {
			continue
		}
		seen[value(i)] = struct{}{}
		if len(seen) > limit {
			return false
		}
	}
	return true
}
