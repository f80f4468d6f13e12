package parquetio

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/input"
	"github.com/arrowpipe/arrowpipe/stages/internal/batchcheck"
)

// Errors of NewSource.
var (
	ErrNotSeekable    = errors.New("parquetio: parquet needs a seekable regular file, not a pipe or a compressed stream")
	ErrSchemaMismatch = errors.New("parquetio: inputs have different schemas")
	ErrNoColumn       = errors.New("parquetio: no such column")
)

// An Input is one Parquet file: At reads it at random offsets, Size is its
// length in bytes.
type Input struct {
	Name string
	At   io.ReaderAt
	Size int64
}

// Options configure a Source.
type Options struct {
	// Columns names the top-level columns to read, nil meaning all. The
	// batches keep the file's column order.
	Columns []string
	// BatchRows is the most rows per batch; 0 means 65536.
	BatchRows int
	// Mem allocates the batches; nil means memory.DefaultAllocator.
	Mem memory.Allocator
}

// A file is one opened input.
type openedFile struct {
	name   string
	pf     *file.Reader
	fr     *pqarrow.FileReader
	leaves []int         // parquet leaf columns to read; nil: all
	full   *arrow.Schema // every column of the file
	schema *arrow.Schema // the columns read
	rg     int           // next row group
	rr     pqarrow.RecordReader
	// batchRows bounds a batch; rowsLeft counts the rows of the current
	// row group still to emit when no column is read.
	batchRows int
	rowsLeft  int64
}

// A Source reads Parquet files in order. It implements pipeline.Source.
type Source struct {
	files  []*openedFile
	cur    int
	schema *arrow.Schema
}

// NewSource opens every input (reading its footer) and checks that all
// give the same schema for the requested columns; the error names the first
// input that differs, or a requested column that does not exist.
func NewSource(inputs []Input, opts Options) (*Source, error) {
	if len(inputs) == 0 {
		return nil, errors.New("parquetio: no input")
	}
	if opts.BatchRows <= 0 {
		opts.BatchRows = 65536
	}
	if opts.Mem == nil {
		opts.Mem = memory.DefaultAllocator
	}
	s := &Source{}
	for _, in := range inputs {
		f, err := openFile(in, opts)
		if err != nil {
			_ = s.Close()
			return nil, fmt.Errorf("%s: %w", input.DisplayName(in.Name), err)
		}
		s.files = append(s.files, f)
		if s.schema == nil {
			s.schema = f.schema
		} else if !s.schema.Equal(f.schema) {
			_ = s.Close()
			return nil, fmt.Errorf("%s: %w: %s, but %s has %s", input.DisplayName(in.Name), ErrSchemaMismatch,
				f.schema, input.DisplayName(inputs[0].Name), s.schema)
		}
	}
	return s, nil
}

func openFile(in Input, opts Options) (*openedFile, error) {
	if in.At == nil {
		return nil, ErrNotSeekable
	}
	pf, err := file.NewParquetReader(io.NewSectionReader(in.At, 0, in.Size), file.WithReadProps(readProps(in.Size)))
	if err != nil {
		return nil, fmt.Errorf("not a readable Parquet file: %w", err)
	}
	err = checkFooter(pf.MetaData(), in.Size)
	if err == nil {
		err = checkArrowSchema(pf.MetaData())
	}
	if err != nil {
		_ = pf.Close()
		return nil, err
	}
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{Parallel: false, BatchSize: int64(opts.BatchRows)}, opts.Mem)
	if err != nil {
		_ = pf.Close()
		return nil, fmt.Errorf("parquet reader: %w", err)
	}
	full, err := fr.Schema()
	if err != nil {
		_ = pf.Close()
		return nil, fmt.Errorf("parquet schema: %w", err)
	}
	full = plainSchema(full)
	f := &openedFile{name: in.Name, pf: pf, fr: fr, full: full, schema: full, batchRows: opts.BatchRows}
	if err := f.project(opts.Columns); err != nil {
		_ = pf.Close()
		return nil, err
	}
	return f, nil
}

// project narrows what f reads to columns (nil: all of them), in file
// order.
func (f *openedFile) project(columns []string) error {
	f.schema, f.leaves = f.full, nil
	if columns == nil {
		return nil
	}
	for _, name := range columns {
		if len(f.full.FieldIndices(name)) == 0 {
			names := make([]string, f.full.NumFields())
			for i, fl := range f.full.Fields() {
				names[i] = fl.Name
			}
			return fmt.Errorf("%w %q (have %s)", ErrNoColumn, name, strings.Join(names, ", "))
		}
	}
	var fields []arrow.Field
	for _, fl := range f.full.Fields() {
		if slices.Contains(columns, fl.Name) {
			fields = append(fields, fl)
		}
	}
	md := f.full.Metadata()
	f.schema = arrow.NewSchema(fields, &md)
	sch := f.pf.MetaData().Schema
	f.leaves = []int{} // nil would mean every column
	for c := 0; c < sch.NumColumns(); c++ {
		if path := sch.Column(c).ColumnPath(); slices.Contains(columns, path[0]) {
			f.leaves = append(f.leaves, c)
		}
	}
	return nil
}

// Project narrows the columns read, in every file, to columns (nil: all),
// as Options.Columns does; the schema shrinks to match. Call it after
// NewSource and before the first Next. A caller that learns which columns
// it needs only from the full schema (a chain of verbs checked against
// it) narrows the reader this way: unread columns are never fetched or
// decompressed.
func (s *Source) Project(columns []string) error {
	for _, f := range s.files {
		if err := f.project(columns); err != nil {
			return fmt.Errorf("%s: %w", input.DisplayName(f.name), err)
		}
	}
	s.schema = s.files[0].schema
	return nil
}

// Schema returns the schema of the requested columns.
func (s *Source) Schema() *arrow.Schema { return s.schema }

// Next returns the next batch in Chunk.Batch, owned by the caller, or io.EOF
// after the last. It reads (and decompresses) on the calling goroutine;
// ctx is checked between batches.
func (s *Source) Next(ctx context.Context) (pipeline.Chunk, error) {
	for s.cur < len(s.files) {
		if err := ctx.Err(); err != nil {
			return pipeline.Chunk{}, context.Cause(ctx)
		}
		f := s.files[s.cur]
		if f.leaves != nil && len(f.leaves) == 0 {
			if c, ok := s.rowsOnly(f); ok {
				return c, nil
			}
			continue
		}
		if f.rr == nil {
			if f.rg >= f.pf.NumRowGroups() {
				_ = f.pf.Close()
				s.files[s.cur] = nil
				s.cur++
				continue
			}
			rr, err := f.fr.GetRecordReader(ctx, f.leaves, []int{f.rg})
			if err != nil {
				return pipeline.Chunk{}, fmt.Errorf("%s: row group %d: %w", input.DisplayName(f.name), f.rg, err)
			}
			f.rr = rr
			f.rg++
		}
		if f.rr.Next() {
			rec, err := plainBatch(s.schema, f.rr.RecordBatch())
			if err == nil {
				err = batchcheck.Check(rec)
			}
			if err != nil {
				if rec != nil {
					rec.Release()
				}
				return pipeline.Chunk{}, fmt.Errorf("%s: row group %d: %w: %w", input.DisplayName(f.name), f.rg-1, ErrCorrupt, err)
			}
			return pipeline.Chunk{Batch: rec, File: f.name, Rows: int(rec.NumRows())}, nil
		}
		err := f.rr.Err()
		f.rr.Release()
		f.rr = nil
		if err != nil && err != io.EOF {
			return pipeline.Chunk{}, fmt.Errorf("%s: row group %d: %w", input.DisplayName(f.name), f.rg-1, err)
		}
	}
	return pipeline.Chunk{}, io.EOF
}

// rowsOnly serves a read of no column (counting) from the row groups'
// metadata alone, without reading any column chunk. It moves to the next
// file, returning false, when f is done.
func (s *Source) rowsOnly(f *openedFile) (pipeline.Chunk, bool) {
	for f.rowsLeft == 0 {
		if f.rg >= f.pf.NumRowGroups() {
			_ = f.pf.Close()
			s.files[s.cur] = nil
			s.cur++
			return pipeline.Chunk{}, false
		}
		f.rowsLeft = f.pf.MetaData().RowGroup(f.rg).NumRows()
		f.rg++
	}
	n := min(f.rowsLeft, int64(f.batchRows))
	f.rowsLeft -= n
	rec := array.NewRecordBatch(s.schema, nil, n)
	return pipeline.Chunk{Batch: rec, File: f.name, Rows: int(n)}, true
}

// NewDecoder returns nil: the chunks carry batches, and the pipeline hands
// them on without a decode step.
func (s *Source) NewDecoder() pipeline.Decoder { return nil }

// Close releases the files not yet exhausted. It does not close the inputs'
// readers, which belong to the caller.
func (s *Source) Close() error {
	for i, f := range s.files {
		if f == nil {
			continue
		}
		if f.rr != nil {
			f.rr.Release()
		}
		_ = f.pf.Close()
		s.files[i] = nil
	}
	return nil
}

var _ pipeline.Source = (*Source)(nil)
