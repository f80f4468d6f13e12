package plan

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"sync/atomic"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/arrowio"
	"github.com/arrowpipe/arrowpipe/stages/csvin"
	"github.com/arrowpipe/arrowpipe/stages/format"
	"github.com/arrowpipe/arrowpipe/stages/input"
	"github.com/arrowpipe/arrowpipe/stages/jsonin"
	"github.com/arrowpipe/arrowpipe/stages/parquetio"
	"github.com/arrowpipe/arrowpipe/stages/textval"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// ReadOptions tune Open. The zero value reads any format with its
// defaults.
type ReadOptions struct {
	// Format forces the input format; Unknown means from each file's name,
	// else from its first bytes.
	Format format.Format
	// Delimiter is the CSV field delimiter; 0 means ',' (tab for TSV).
	Delimiter byte
	// NoHeader: CSV input has no header line; columns are named c1, c2, ...
	NoHeader bool
	// NullValues are the CSV texts read as null besides the empty field.
	NullValues []string
	// Schema gives the types of some or all columns of CSV, TSV or NDJSON
	// input; the rest are inferred. Other formats carry their own.
	Schema textval.Spec
	// SampleRows is how many rows of CSV, TSV or NDJSON input the types
	// are inferred from; 0 means the reader's default (1000), and
	// csvin.SampleAll every row of a first CSV or TSV file that is a
	// regular file (read once more for it).
	SampleRows int
	// TimestampLayout, when set, also reads CSV, TSV and NDJSON timestamps
	// in a user's strftime-style layout (see csvin.Options.TimestampLayout).
	TimestampLayout *textval.Layout
	// JSONFlatten reads NDJSON nested objects as dotted columns
	// (jsonin.Options.Flatten) instead of struct columns.
	JSONFlatten bool
	// TextColumns, when set, names the CSV and TSV columns to read as
	// their text rather than inferred types, given the inferred schema
	// (see TextColumns and csvin.Options.TextColumns).
	TextColumns func(inferred *arrow.Schema) []string
	// BatchRows and BatchBytes bound a batch; 0 means the reader's default.
	BatchRows  int
	BatchBytes int
	// FlushInterval is how long a text reader holds a partial batch from
	// a slow pipe; 0 means the reader's default.
	FlushInterval time.Duration
	// OnError, when set, is given each bad row of text input instead of
	// failing the run; see pipeline.RejectFunc.
	OnError pipeline.RejectFunc
	// Mem allocates the batches; nil means Go's allocator.
	Mem memory.Allocator

	// StrictSchema makes several files one source only when they have the
	// same columns in the same order, as before union by name; otherwise
	// files combine by column name (see Open).
	StrictSchema bool
	// FilenameColumn, when set, adds a string column of that name holding
	// each row's file path as given (after glob expansion).
	FilenameColumn string
	// NoHive turns off the partition columns read from key=value
	// directories in the paths.
	NoHive bool
	// PartitionKeys, when set, are the partition columns, in order, of
	// data of which Open reads only some files (a cluster task reads one):
	// a key that none of them has is a column of nulls, as a run over all
	// the files gives such a file. Keys the files have besides follow.
	PartitionKeys []string
	// TextPartitions are partition keys read as strings even when every
	// value among the files opened is an integer: keys that other files
	// of the same data, opened elsewhere, have other values of (a cluster
	// task opens one file of many).
	TextPartitions []string
	// Keep, when set, is asked about each file's hive partition values
	// (by column name) before the file is opened; a file it refuses is
	// skipped unopened and counted in Source.Files.
	Keep func(partition map[string]any) bool
	// Prune, when it is a filter verb (the chain's first), is run over the
	// files' hive partition values before any file is opened: a file
	// whose values it drops is skipped unopened, as Keep. A filter that
	// reads other columns prunes nothing. The chain still applies it.
	Prune *verb.Verb
	// MaxOpenFiles bounds the files open at once when there are several;
	// 0 means 16.
	MaxOpenFiles int
	// Origins, when set, holds one entry per path given to Open, which then
	// expands nothing: the paths are files standing for the files the user
	// named (absolute paths, or a cluster worker's copies), and the
	// file-name and partition columns come from the origins, as a run
	// over the names as given would have them.
	Origins []FileOrigin

	// mixed: this file is one of a union, whose other files may be of
	// other formats: options of text formats do not make it fail.
	mixed bool
}

// A FileOrigin is where a file Open reads under another path came from.
type FileOrigin struct {
	// Name is the file's path as the user gave it, after glob and
	// directory expansion: the file-name column's value.
	Name string
	// Walked is the part of Name below the directory or glob root that
	// expanded it (input.ExpandRooted), whose key=value directories are
	// partition columns; "" for a file named as it is.
	Walked string
}

// A Source is files opened as one pipeline.Source. Close it after the run.
type Source struct {
	pipeline.Source
	union   *union // the files, when Open combined several
	lazy    []*lazyInput
	format  format.Format
	inputs  []*input.Input
	closeFn func() error
	closed  bool
	ended   atomic.Bool // Next returned io.EOF: every file is read
}

// Next returns the next chunk (see pipeline.Source), noting the end of
// the input for Files.
func (s *Source) Next(ctx context.Context) (pipeline.Chunk, error) {
	c, err := s.Source.Next(ctx)
	if err == io.EOF {
		s.ended.Store(true)
	}
	return c, err
}

// Format returns the inputs' format (the first file's, when several
// files of different formats are combined).
func (s *Source) Format() format.Format { return s.format }

// Project narrows the reader to columns when its format can skip the rest
// (CSV, NDJSON, Parquet), and returns errors.ErrUnsupported otherwise.
// Build calls it with the columns the chain reads.
func (s *Source) Project(columns []string) error {
	p, ok := s.Source.(projectable)
	if !ok {
		return errors.ErrUnsupported
	}
	return p.Project(columns)
}

// Close closes the reader and every file; it may be called again. It is
// not safe for concurrent use.
func (s *Source) Close() error {
	if s.closed {
		return nil
	}
	s.closed = true
	// Inputs first: closing them unblocks a reader waiting on a pipe,
	// which the reader's Close then waits for.
	var errs []error
	for _, in := range s.inputs {
		errs = append(errs, in.Close())
	}
	for _, l := range s.lazy {
		errs = append(errs, l.Close())
	}
	if s.closeFn != nil {
		errs = append(errs, s.closeFn())
	}
	return errors.Join(errs...)
}

// Progress returns the bytes read so far from the files (compressed, as
// stored) and their total size, -1 when a pipe makes it unknown. It is
// safe to call while the pipeline runs.
func (s *Source) Progress() (read, total int64) {
	if s.union != nil {
		return s.union.progress()
	}
	for _, l := range s.lazy {
		read += l.bytesRead()
	}
	for _, in := range s.inputs {
		read += in.BytesRead()
		if sz := in.Size(); sz >= 0 && total >= 0 {
			total += sz
		} else {
			total = -1
		}
	}
	return read, total
}

// Pruned returns the files, as Open expanded them, that a partition
// filter (ReadOptions.Prune or Keep) skipped unopened, in input order.
func (s *Source) Pruned() []string {
	if s.union == nil {
		return nil
	}
	return s.union.pruned
}

// Files returns how many files have been read to the end, how many the
// source reads in all, and how many a partition filter (ReadOptions.Keep)
// skipped unopened. Safe to call while the pipeline runs.
func (s *Source) Files() (done, total, skipped int) {
	if s.union != nil {
		return s.union.files()
	}
	if s.ended.Load() {
		return len(s.inputs), len(s.inputs), 0
	}
	return 0, len(s.inputs), 0
}

// Open opens paths ("-" is stdin, read from stdin) as one source, read
// one after the other in the order given, gzip or zstd compressed or not;
// globs and directories are expanded first (input.Expand).
// Text input is sampled for its schema here, which may block on a pipe
// until ctx ends. Errors name the file.
//
// Several files combine by column name (see union.go's rule, Widen): the
// source's columns are those of the first file, then each column that a
// later file adds, in order of appearance; a file without a column gives
// nulls there, and a column whose type differs between files takes the
// type Widen gives. Files of different formats mix. Directories of the
// form key=value in a path add a column per key (int64 when every value
// is an integer written canonically, else string), after the files'
// columns, then FilenameColumn (both from Origins when it is set). With StrictSchema, files with other
// columns than the first's fail instead. Consecutive CSV or TSV files
// with the same header line are typed as one file of their rows would be,
// from the first file's sample, when it holds SampleRows records (see
// openruns.go). Files are opened at most
// MaxOpenFiles at a time: each is opened at Open to read its schema, and
// the ones beyond the limit are opened again when their turn comes.
func Open(ctx context.Context, paths []string, stdin io.Reader, opts ReadOptions) (*Source, error) {
	paths, walked, err := expandPaths(paths, opts.Origins)
	if err != nil {
		return nil, err
	}
	var src *Source
	if needsUnion(paths, walked, opts) {
		src, err = openUnion(ctx, paths, walked, stdin, opts)
	} else {
		src, err = openFiles(ctx, paths, stdin, opts)
	}
	if err != nil {
		return nil, err
	}
	src.Source = viewsAsPlain(src.Source, opts.Mem) // string_view as utf8: see views.go
	return src, nil
}

// expandPaths expands paths (input.ExpandRooted), or with origins takes
// them as files, each with its origin's walked part.
func expandPaths(paths []string, origins []FileOrigin) (files, walked []string, err error) {
	if origins == nil {
		return input.ExpandRooted(paths)
	}
	if len(origins) != len(paths) {
		return nil, nil, fmt.Errorf("plan: %d origins for %d files", len(origins), len(paths))
	}
	walked = make([]string, len(origins))
	for i, o := range origins {
		walked[i] = o.Walked
	}
	return paths, walked, nil
}

// openFiles opens files of one format with one reader: one file, or the
// files of a union that reads them as one.
func openFiles(ctx context.Context, paths []string, stdin io.Reader, opts ReadOptions) (_ *Source, err error) {
	src := &Source{}
	defer func() {
		if err != nil {
			src.Close()
		}
	}()
	forced := ""
	if opts.Format != format.Unknown {
		forced = opts.Format.String()
	}
	for i, path := range paths {
		in, err := input.Open(ctx, path, stdin)
		if err != nil {
			return nil, namedError(input.DisplayName(path), err)
		}
		src.inputs = append(src.inputs, in)
		f, err := in.DetectFormat(path, forced)
		if err != nil {
			return nil, err
		}
		if i == 0 {
			src.format = f
		} else if f != src.format {
			return nil, usage(fmt.Sprintf("%s is %s but %s is %s: inputs of one run must share a format", in.Name, f, src.inputs[0].Name, src.format))
		}
	}
	if opts.mixed {
		opts = textOptionsFor(src.format, opts)
	} else if err := checkReadOptions(src.format, opts); err != nil {
		return nil, err
	}
	switch src.format {
	case format.CSV, format.TSV:
		ins := make([]csvin.Input, len(src.inputs))
		for i, in := range src.inputs {
			ins[i] = csvin.Input{Name: in.Name, R: in}
		}
		err = src.openCSV(ctx, opts, ins)
	case format.NDJSON:
		err = src.openNDJSON(ctx, opts)
	case format.ArrowStream, format.ArrowFile:
		err = src.openArrow(opts)
	case format.Parquet:
		err = src.openParquet(opts)
	default:
		err = usage(fmt.Sprintf("reading %s is not supported", src.format))
	}
	if err != nil {
		return nil, err
	}
	return src, nil
}

// checkReadOptions refuses options that the input's format would ignore.
func checkReadOptions(f format.Format, opts ReadOptions) error {
	text := f == format.CSV || f == format.TSV
	switch {
	case len(opts.Schema) > 0 && !text && f != format.NDJSON:
		return usage("a schema applies to CSV, TSV and NDJSON input; " + f.String() + " carries its own")
	case !text && (opts.Delimiter != 0 || opts.NoHeader || len(opts.NullValues) > 0):
		return usage("a delimiter, no header and null texts apply to CSV and TSV input, not " + f.String())
	}
	return nil
}

func (s *Source) openCSV(ctx context.Context, opts ReadOptions, ins []csvin.Input) error {
	// A zero delimiter is a tab for TSV and sniffed from the first line
	// for CSV (see csvin.Options.Delimiter).
	r, err := csvin.NewSource(ctx, ins, csvin.Options{
		Delimiter:       opts.Delimiter,
		TSV:             s.format == format.TSV,
		SampleRows:      opts.SampleRows,
		TimestampLayout: opts.TimestampLayout,
		NoHeader:        opts.NoHeader,
		NullValues:      opts.NullValues,
		Schema:          opts.Schema,
		TextColumns:     opts.TextColumns,
		BatchRows:       opts.BatchRows,
		BatchBytes:      opts.BatchBytes,
		FlushInterval:   opts.FlushInterval,
		NoFlush:         s.allRegular(),
		OnError:         opts.OnError,
		Mem:             opts.Mem,
	})
	if err != nil {
		return err
	}
	s.Source, s.closeFn = r, r.Close
	return nil
}

// allRegular reports whether every input is a regular file (compressed or
// not). Such input never trickles, so text readers cut batches by size
// alone and the output is the same on every run.
func (s *Source) allRegular() bool {
	for _, in := range s.inputs {
		if in.Size() < 0 {
			return false
		}
	}
	return true
}

func (s *Source) openNDJSON(ctx context.Context, opts ReadOptions) error {
	ins := make([]jsonin.Input, len(s.inputs))
	for i, in := range s.inputs {
		ins[i] = jsonin.Input{Name: in.Name, R: in}
	}
	fields := make([]jsonin.Field, len(opts.Schema))
	for i, f := range opts.Schema {
		fields[i] = jsonin.Field{Name: f.Name, Type: f.Type}
	}
	if opts.SampleRows < 0 {
		return usage("inferring types from all rows applies to CSV and TSV files; give NDJSON a number of rows")
	}
	r, err := jsonin.NewSource(ctx, ins, jsonin.Options{
		SampleRows:      opts.SampleRows,
		TimestampLayout: opts.TimestampLayout,
		Flatten:         opts.JSONFlatten,
		Schema:          fields,
		BatchRows:       opts.BatchRows,
		BatchBytes:      opts.BatchBytes,
		FlushInterval:   opts.FlushInterval,
		NoFlush:         s.allRegular(),
		OnError:         opts.OnError,
		Mem:             opts.Mem,
	})
	if err != nil {
		return err
	}
	s.Source, s.closeFn = r, r.Close
	return nil
}

func (s *Source) openArrow(opts ReadOptions) error {
	ins := make([]arrowio.Input, len(s.inputs))
	for i, in := range s.inputs {
		ins[i] = arrowio.Input{Name: in.Name, R: in}
		if at, size, ok := in.ReaderAt(); ok {
			ins[i].At, ins[i].Size = at, size
		}
	}
	r, err := arrowio.NewSource(ins, arrowio.Options{Mem: opts.Mem})
	if err != nil {
		return err
	}
	s.Source, s.closeFn = r, r.Close
	return nil
}

func (s *Source) openParquet(opts ReadOptions) error {
	ins := make([]parquetio.Input, len(s.inputs))
	for i, in := range s.inputs {
		at, size, ok := in.ReaderAt()
		if !ok {
			return fmt.Errorf("%s: %w", in.Name, input.ErrNotSeekable)
		}
		ins[i] = parquetio.Input{Name: in.Name, At: at, Size: size}
	}
	r, err := parquetio.NewSource(ins, parquetio.Options{BatchRows: opts.BatchRows, Mem: opts.Mem})
	if err != nil {
		return err
	}
	s.Source, s.closeFn = r, r.Close
	return nil
}

// namedError makes err read "NAME: what went wrong", naming the file once.
func namedError(name string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", name, pe.Err)
	}
	if strings.Contains(err.Error(), name) {
		return err
	}
	return fmt.Errorf("%s: %w", name, err)
}
