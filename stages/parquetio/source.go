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
	"github.com/apache/arrow-go/v18/parquet/metadata"
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
	// BatchRows is the most rows per batch when no column is read
	// (counting); 0 means 65536. Otherwise a batch is a row group, read
	// whole by a decode worker, so memory holds a row group per worker.
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
	mem    memory.Allocator
	// at and size are the input, md its footer, shared by the decoders.
	at     io.ReaderAt
	size   int64
	md     *metadata.FileMetaData
	closed bool
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
	prune  []Predicate // see Prune
	pruned int
	keep   []string // see KeepDictionary
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
	pf, err := openParquet(in)
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
	// A row group is read as one batch where it has at most 1Mi rows
	// (larger ones are read in parts and joined), and pqarrow's reader may
	// reserve room for that many rows at once.
	batch := int64(1)
	for i := range pf.NumRowGroups() {
		batch = max(batch, min(pf.MetaData().RowGroup(i).NumRows(), 1<<20))
	}
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{Parallel: false, BatchSize: batch}, opts.Mem)
	if err != nil {
		_ = pf.Close()
		return nil, fmt.Errorf("parquet reader: %w", err)
	}
	full, err := fr.Schema()
	if err != nil {
		_ = pf.Close()
		return nil, fmt.Errorf("parquet schema: %w", err)
	}
	full = markIntervals(plainSchema(full), pf.MetaData().Schema)
	f := &openedFile{name: in.Name, pf: pf, fr: fr, full: full, schema: full, batchRows: opts.BatchRows, mem: opts.Mem,
		at: in.At, size: in.Size, md: pf.MetaData()}
	if err := f.project(opts.Columns); err != nil {
		_ = pf.Close()
		return nil, err
	}
	return f, nil
}

// openParquet reads the file's footer. arrow-go panics on some corrupt
// footers (a timestamp of an unknown unit) while it builds the schema; such
// a panic is the input's fault, so it is an error wrapping ErrCorrupt.
func openParquet(in Input) (pf *file.Reader, err error) {
	defer func() {
		if p := recover(); p != nil {
			pf, err = nil, fmt.Errorf("%w: the Parquet footer reader panicked: %v", ErrCorrupt, p)
		}
	}()
	return file.NewParquetReader(io.NewSectionReader(in.At, 0, in.Size), file.WithReadProps(readProps(in.Size)))
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

// KeepDictionary makes the text columns named (utf8 or large_utf8 in the
// schema) come out of each row group whose chunk of the column is wholly
// dictionary-encoded as dictionaries with int32 indices (the row group's
// indices and dictionary; the values utf8 or large_utf8, as pqarrow reads
// them), rather than as strings: a consumer that only groups by the
// column looks up each dictionary value once instead of every row's
// string (see verb.Verb.DictionaryKeys). Every batch of a row group
// shares one dictionary array, so a consumer may cache by its identity.
// Other chunks (a writer's plain fallback pages) still read as strings,
// so such a column may come as a dictionary in one batch and as strings
// in the next; each batch's own schema says which. Schema does not
// change. Columns of other types are left as they are. Call it before
// the first Next; nil turns it off.
func (s *Source) KeepDictionary(columns []string) error {
	for _, name := range columns {
		if len(s.schema.FieldIndices(name)) == 0 {
			return fmt.Errorf("%w %q", ErrNoColumn, name)
		}
	}
	s.keep = slices.Clone(columns)
	return nil
}

// Schema returns the schema of the requested columns.
func (s *Source) Schema() *arrow.Schema { return s.schema }

// Next returns the next row group to read, or io.EOF after the last. The
// chunk only describes it (Chunk.Data is the source's own descriptor,
// Offset the row group's place in the file, Rows its rows); a Decoder from
// NewDecoder reads and decompresses it, so row groups are read in
// parallel by the decode workers. A read of no column (counting) gets its
// batches here, from the footer's row counts, in Chunk.Batch.
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
		if f.rg >= f.pf.NumRowGroups() {
			s.cur++
			continue
		}
		rg := f.rg
		f.rg++
		md := f.pf.MetaData().RowGroup(rg)
		if md.NumRows() == 0 {
			continue
		}
		if s.prune != nil && f.excluded(rg, s.prune) {
			s.pruned++
			continue
		}
		data, err := f.readChunks(s.cur, rg)
		if err != nil {
			return pipeline.Chunk{}, fmt.Errorf("%s: row group %d: %w", input.DisplayName(f.name), rg, err)
		}
		return pipeline.Chunk{Data: data, File: f.name, Offset: md.FileOffset(), Rows: int(md.NumRows())}, nil
	}
	return pipeline.Chunk{}, io.EOF
}

// rowsOnly serves a read of no column (counting) from the row groups'
// metadata alone, without reading any column chunk. It moves to the next
// file, returning false, when f is done.
func (s *Source) rowsOnly(f *openedFile) (pipeline.Chunk, bool) {
	for f.rowsLeft == 0 {
		if f.rg >= f.pf.NumRowGroups() {
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

// NewDecoder returns a decoder of the row groups Next describes. Decoders
// share the opened files (their footers) and read at random offsets, so
// any number run in parallel.
func (s *Source) NewDecoder() pipeline.Decoder { return decoder{s} }

// A decoder reads one row group per chunk into one batch.
type decoder struct{ s *Source }

// Decode reads the row group c describes (the requested columns only),
// checks it like every batch read, and returns it as one batch of the row
// group's rows, owned by the caller. A chunk carrying a batch (a read of no
// column) is passed on.
func (d decoder) Decode(ctx context.Context, c pipeline.Chunk) (arrow.RecordBatch, error) {
	if c.Batch != nil {
		return c.Batch, nil
	}
	rc, err := parseRowGroupChunk(c.Data)
	if err != nil || rc.file >= len(d.s.files) {
		return nil, errors.New("parquetio: internal error: not a row group of this source")
	}
	f := d.s.files[rc.file]
	rg := rc.rowGroup
	rec, err := f.decodeRowGroup(ctx, d.s.schema, d.s.keep, rc)
	if err != nil {
		return nil, fmt.Errorf("%s: row group %d: %w", input.DisplayName(f.name), rg, err)
	}
	return rec, nil
}

// decodeRowGroup decodes the column chunks rc holds as one batch of
// schema, through a Parquet reader of its own over those bytes and the
// footer read at open. The text columns named in keep stay dictionaries
// where they were read as such (see KeepDictionary).
func (f *openedFile) decodeRowGroup(ctx context.Context, schema *arrow.Schema, keep []string, rc rowGroupChunk) (_ arrow.RecordBatch, err error) {
	// The last resort for what the footer checks cannot see: arrow-go's
	// page reader dereferences a data page header that a corrupt page
	// lacks. A panic here is the input's fault, so it is an error.
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%w: the Parquet reader panicked: %v", ErrCorrupt, p)
		}
	}()
	pf, err := file.NewParquetReader(rc, file.WithReadProps(readProps(f.size)), file.WithMetadata(f.md))
	if err != nil {
		return nil, err
	}
	defer pf.Close()
	props := rowGroupProps(f.fr.Props, f.md.RowGroup(rc.rowGroup), f.leaves, schema, keep)
	fr, err := pqarrow.NewFileReader(pf, props, f.mem)
	if err != nil {
		return nil, err
	}
	largeAsDictionary(fr, &props)
	rr, err := fr.GetRecordReader(ctx, f.leaves, []int{rc.rowGroup})
	if err != nil {
		return nil, err
	}
	defer rr.Release()
	var parts []arrow.RecordBatch
	defer func() {
		for _, p := range parts {
			p.Release()
		}
	}()
	for rr.Next() {
		// Checked as read: a text column read as a dictionary is checked
		// as one (its values and indices), and densify's strings, copied
		// from checked values, need no second pass.
		raw := rr.RecordBatch()
		if err := batchcheck.Check(raw); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrCorrupt, err)
		}
		rec, err := plainBatch(schema, raw, keep, f.mem)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrCorrupt, err)
		}
		parts = append(parts, rec)
	}
	if err := rr.Err(); err != nil && err != io.EOF {
		return nil, err
	}
	switch len(parts) {
	case 0:
		return array.NewRecordBatch(schema, nil, 0), nil
	case 1:
		rec := parts[0]
		parts = nil
		return rec, nil
	}
	return concatBatches(parts[0].Schema(), parts, f.mem)
}

// concatBatches joins parts (still the caller's) into one batch.
func concatBatches(schema *arrow.Schema, parts []arrow.RecordBatch, mem memory.Allocator) (arrow.RecordBatch, error) {
	cols := make([]arrow.Array, schema.NumFields())
	defer func() {
		for _, c := range cols {
			if c != nil {
				c.Release()
			}
		}
	}()
	var rows int64
	for _, p := range parts {
		rows += p.NumRows()
	}
	for j := range cols {
		pieces := make([]arrow.Array, len(parts))
		for i, p := range parts {
			pieces[i] = p.Column(j)
		}
		var err error
		if cols[j], err = array.Concatenate(pieces, mem); err != nil {
			return nil, err
		}
	}
	return array.NewRecordBatch(schema, cols, rows), nil
}

// Close releases the files, which stay open to the end for the decoders.
// It does not close the inputs' readers, which belong to the caller.
//
// Chunks from Next carry their row group's bytes, so they decode after
// Close, and after the caller has closed the inputs.
func (s *Source) Close() error {
	for _, f := range s.files {
		if f != nil && !f.closed {
			_ = f.pf.Close()
			f.closed = true
		}
	}
	return nil
}

var _ pipeline.Source = (*Source)(nil)
