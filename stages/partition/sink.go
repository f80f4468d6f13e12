package partition

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/internal/colname"
	"github.com/arrowpipe/arrowpipe/stages/output"
)

// ErrExists is returned by New when the output directory holds files and
// Options.Overwrite is not set.
var ErrExists = errors.New("partition: the output directory exists and is not empty")

// Options configure New.
type Options struct {
	// Dir is the output directory. Its parent must exist.
	Dir string
	// Keys are the partition columns, outermost directory first; none
	// means numbered files straight in Dir (with SplitRows or SplitBytes).
	Keys []string
	// Ext ends each file name, e.g. ".csv", ".csv.gz" or ".parquet".
	Ext string
	// Compress compresses each file: "gzip", "zstd", "none", or "" for
	// by Ext (see output.Options).
	Compress string
	// NewWriter makes the writer of one file for batches of schema,
	// writing to w. Required.
	NewWriter func(w io.Writer, schema *arrow.Schema) (pipeline.Sink, error)
	// MaxOpen is how many files may be open for writing at once; 0 means
	// 64.
	MaxOpen int
	// MemoryBudget bounds the rows held for partitions that wait for a
	// writer (Arrow size, counting the whole batch they were cut from);
	// beyond it they are spilled to disk. 0 means 16 MiB, with which 10M
	// rows into 1000 CSV partitions peak at ~200 MB.
	MemoryBudget int64
	// SplitRows starts a new file in a partition after this many rows; 0
	// means no limit.
	SplitRows int64
	// SplitBytes starts a new file before one would exceed this many
	// bytes (uncompressed, as the writer writes them). For text formats a
	// file exceeds it only by its header, or when one row alone does; for
	// Parquet and Arrow, whose writers buffer, a file is cut once it
	// reaches it. 0 means no limit.
	SplitBytes int64
	// Template, when set, names each key's one file (see Template): Dir
	// and Keys come from it and must not be given, nor SplitRows or
	// SplitBytes; Ext and Compress still apply (give Ext "" when the
	// template's file name has the extension).
	Template *Template
	// Overwrite lets Commit replace a non-empty Dir whole.
	Overwrite bool
	// Temps, when set, records the staging directory while it exists.
	Temps *output.TempFiles
	// Mem allocates the reordered and spilled batches; nil means Go's
	// allocator.
	Mem memory.Allocator
}

// A FileInfo is one file a Sink wrote.
type FileInfo struct {
	Path string // relative to Dir, with forward slashes
	Rows int64
}

// A Sink writes a stream as partitioned and split files. See the package
// doc.
type Sink struct {
	opts    Options
	data    *arrow.Schema // the input without its key columns
	keyIdx  []int
	dataIdx []int
	staging string
	untrack func()

	parts   []*part // in order of first appearance
	byKey   map[string]*part
	open    int
	held    int64 // Arrow bytes buffered for waiting partitions
	runs    []string
	files   []FileInfo
	scratch []byte
	gids    []int32
	closed  bool
	// files of a Template, relative to Dir, by the key that has each
	paths map[string]string
}

// A part is one partition: its directory, and its open file or waiting
// rows.
type part struct {
	key     string // the key's bytes (see keyOf)
	dir     string // relative, "" without keys
	waiting bool   // found no free writer: its rows wait for Close
	w       *file
	next    int // number of its next file
	buf     []arrow.RecordBatch
	spilled []runRef
	file    string // a Template's file, relative to Dir
}

// New checks opts and the output directory, makes the staging directory
// next to Dir and returns a sink for batches of schema.
func New(schema *arrow.Schema, opts Options) (*Sink, error) {
	if opts.NewWriter == nil {
		return nil, errors.New("partition: Options.NewWriter is required")
	}
	if opts.MaxOpen <= 0 {
		opts.MaxOpen = 64
	}
	if opts.MemoryBudget <= 0 {
		opts.MemoryBudget = 16 << 20
	}
	if opts.SplitRows < 0 || opts.SplitBytes < 0 {
		return nil, errors.New("partition: SplitRows and SplitBytes must not be negative")
	}
	if opts.Mem == nil {
		opts.Mem = memory.DefaultAllocator
	}
	dropped := opts.Keys
	if t := opts.Template; t != nil {
		if opts.Dir != "" || len(opts.Keys) > 0 || opts.SplitRows != 0 || opts.SplitBytes != 0 {
			return nil, errors.New("partition: a Template gives Dir and Keys, and one file per key: no Dir, Keys, SplitRows or SplitBytes with it")
		}
		opts.Dir, opts.Keys, dropped = t.Root(), t.Columns(), t.Dropped()
	}
	s := &Sink{opts: opts, byKey: map[string]*part{}, paths: map[string]string{}}
	for _, k := range opts.Keys {
		idx := schema.FieldIndices(k)
		if len(idx) == 0 {
			hint := ""
			if near := colname.Closest(k, names(schema)); near != "" {
				hint = fmt.Sprintf(" (did you mean %q?)", near)
			}
			if opts.Template != nil {
				return nil, fmt.Errorf("%w: no column %q%s", ErrTemplate, k, hint)
			}
			return nil, fmt.Errorf("partition: no column %q to partition by%s", k, hint)
		}
		if slices.Contains(s.keyIdx, idx[0]) {
			return nil, fmt.Errorf("partition: column %q given twice", k)
		}
		if _, ok := schema.Field(idx[0]).Type.(arrow.NestedType); ok {
			return nil, fmt.Errorf("partition: column %q is %s, which has no path form", k, schema.Field(idx[0]).Type)
		}
		s.keyIdx = append(s.keyIdx, idx[0])
	}
	var fields []arrow.Field
	for i, f := range schema.Fields() {
		if !slices.Contains(dropped, f.Name) {
			s.dataIdx = append(s.dataIdx, i)
			fields = append(fields, f)
		}
	}
	if len(fields) == 0 {
		return nil, errors.New("partition: every column is a partition column: the files would have none")
	}
	s.data = arrow.NewSchema(fields, nil)
	if err := checkDir(opts.Dir, opts.Overwrite); err != nil {
		return nil, err
	}
	dir, base := filepath.Split(filepath.Clean(opts.Dir))
	if dir == "" {
		dir = "."
	}
	staging, err := makeStaging(dir, base)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", opts.Dir, err)
	}
	s.staging = staging
	s.untrack = func() {}
	if opts.Temps != nil {
		s.untrack = opts.Temps.TrackDir(staging)
	}
	return s, nil
}

// makeStaging creates the hidden staging directory next to DIR with the
// mode a new directory gets (0777 less the umask), which DIR keeps after
// the rename; os.MkdirTemp would make it 0700.
func makeStaging(dir, base string) (string, error) {
	for range 100 {
		name := filepath.Join(dir, fmt.Sprintf(".%s.tmp-%d", base, rand.Uint32()))
		err := os.Mkdir(name, 0o777)
		if !errors.Is(err, fs.ErrExist) {
			return name, err
		}
	}
	return "", errors.New("partition: cannot make a staging directory")
}

// checkDir refuses a Dir that Commit could not replace.
func checkDir(dir string, overwrite bool) error {
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil
	case err != nil:
		return err
	case !st.IsDir():
		return fmt.Errorf("%s: exists and is not a directory", dir)
	case overwrite:
		return nil
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	if len(ents) > 0 {
		return fmt.Errorf("%s: %w (give --overwrite to replace it)", dir, ErrExists)
	}
	return nil
}

// NewEncoder returns nil: Write takes the batches and routes their rows.
func (s *Sink) NewEncoder() pipeline.Encoder { return nil }

// Write routes the rows of c.Batch to their partitions; it consumes the
// batch.
func (s *Sink) Write(ctx context.Context, c pipeline.Chunk) error {
	rec := c.Batch
	defer rec.Release()
	if rec.NumRows() == 0 {
		return nil
	}
	return s.route(ctx, rec)
}

// Close writes every waiting partition, closes every file and removes the
// spill runs; the files stay in the staging directory until Commit.
func (s *Sink) Close(ctx context.Context) error {
	if s.closed {
		return nil
	}
	s.closed = true
	if len(s.parts) == 0 && len(s.keyIdx) == 0 {
		// No row: one file with the schema (a header), as a single output has.
		p := s.partOf("")
		if err := s.openFile(p); err != nil {
			return err
		}
	}
	for _, p := range s.parts {
		if err := s.closeFile(ctx, p); err != nil {
			return err
		}
	}
	if err := s.writeWaiting(ctx); err != nil {
		return err
	}
	return os.RemoveAll(s.spillDir())
}

// Files lists the files written, by path, with their rows; complete after
// Close.
func (s *Sink) Files() []FileInfo {
	out := slices.Clone(s.files)
	slices.SortFunc(out, func(a, b FileInfo) int {
		switch {
		case a.Path < b.Path:
			return -1
		case a.Path > b.Path:
			return 1
		}
		return 0
	})
	return out
}

// Commit puts the staging directory in Dir's place; call it after a
// successful Close. With Overwrite a non-empty Dir is renamed aside first
// and removed after.
func (s *Sink) Commit() error {
	if !s.closed {
		return errors.New("partition: Commit before Close")
	}
	dir := filepath.Clean(s.opts.Dir)
	var old string
	if st, err := os.Stat(dir); err == nil && st.IsDir() {
		if err := os.Remove(dir); err != nil { // an empty directory goes
			if !s.opts.Overwrite {
				return fmt.Errorf("%s: %w", dir, ErrExists)
			}
			old = s.staging + ".old"
			if err := os.Rename(dir, old); err != nil {
				return err
			}
		}
	}
	if err := os.Rename(s.staging, dir); err != nil {
		if old != "" {
			_ = os.Rename(old, dir)
		}
		return err
	}
	s.untrack()
	if old != "" {
		return os.RemoveAll(old)
	}
	return nil
}

// Abort drops everything written: the files, the spill runs and the
// staging directory; Dir is left as it was. It may be called after
// Commit, when it does nothing.
func (s *Sink) Abort() error {
	for _, p := range s.parts {
		if p.w != nil {
			p.w.abort()
			p.w = nil
		}
		for _, b := range p.buf {
			b.Release()
		}
		p.buf = nil
	}
	if _, err := os.Stat(s.staging); err != nil {
		return nil // committed, or already gone
	}
	err := os.RemoveAll(s.staging)
	s.untrack()
	return err
}

// spillName is the spill runs' directory in the staging directory.
const spillName = ".spill"

func (s *Sink) spillDir() string { return filepath.Join(s.staging, spillName) }

func names(schema *arrow.Schema) []string {
	out := make([]string, schema.NumFields())
	for i, f := range schema.Fields() {
		out[i] = f.Name
	}
	return out
}
