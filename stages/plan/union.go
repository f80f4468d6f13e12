package plan

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/format"
	"github.com/arrowpipe/arrowpipe/stages/hive"
	"github.com/arrowpipe/arrowpipe/stages/input"
	"github.com/arrowpipe/arrowpipe/stages/textval"
)

// defaultMaxOpenFiles is ReadOptions.MaxOpenFiles's default.
const defaultMaxOpenFiles = 16

// needsUnion tells when Open reads files each with its own reader and
// combines them: several files, a file-name column, or partition
// directories in the path.
func needsUnion(paths, walked []string, opts ReadOptions) bool {
	if len(paths) > 1 || opts.FilenameColumn != "" || opts.Keep != nil || isFilter(opts.Prune) {
		return true
	}
	if opts.NoHive || len(paths) == 0 {
		return false
	}
	if len(opts.PartitionKeys) > 0 {
		return true
	}
	pairs, err := hive.Parse(walked[0])
	return err != nil || len(pairs) > 0
}

// textOptionsFor clears the text readers' options for a file of another
// format in a union of formats.
func textOptionsFor(f format.Format, opts ReadOptions) ReadOptions {
	switch f {
	case format.CSV, format.TSV:
	case format.NDJSON:
		opts.Delimiter, opts.NoHeader, opts.NullValues = 0, false, nil
	default:
		opts.Delimiter, opts.NoHeader, opts.NullValues, opts.Schema = 0, false, nil, nil
	}
	return opts
}

// A member is one file of a union.
type member struct {
	path   string        // the first file, for messages
	paths  []string      // the files read in a row by one reader (see coalesce)
	schema *arrow.Schema // the file's own, read at Open
	consts map[string]*constant
	size   int64
	format format.Format
	// decodes: the file's reader decodes chunks on the decode workers
	// (text formats).
	decodes bool
	// typed gives every column of a text file the type read at Open, so
	// that opening it again infers nothing and gets the same schema.
	typed textval.Spec
	// header is a text file's header line, fullSample that its first
	// 64 KiB hold SampleRows records, and leader, when set, the file of
	// the same header before it whose types it takes (openruns.go).
	header     []byte
	fullSample bool
	leader     *member

	// src is the file's reader while it is open; Next's goroutine sets it,
	// and the decoders get it through pool.
	src    *Source
	mapper *mapper
	// pending counts the chunks handed out and not yet decoded, plus one
	// until the file's end: whoever takes it to zero drops the reader, so
	// that a finished file's buffers are freed while later files are read.
	pending atomic.Int64
	mu      sync.Mutex
	free    []pipeline.Decoder // the file's reader's decoders, idle
	dropped bool
}

// A union reads files one after the other, each with its own reader, and
// maps every batch to one schema. Next runs on one goroutine; decoders run
// on the pipeline's decode workers.
type union struct {
	members []*member
	full    *arrow.Schema // every column
	schema  *arrow.Schema // the columns read (Project)
	project []string      // nil: all
	opts    ReadOptions
	stdin   io.Reader
	text    bool // some file needs decoding
	skipped int
	pruned  []string // the files skipped, in input order
	// rowGroups prunes Parquet files by the leading filter (rowgroups.go).
	rowGroups rowGroupPruning

	// given maps each path to the name the user gave it, when
	// ReadOptions.Origins says (nil: the path is that name).
	given map[string]string

	// typedBy maps a file that took another's types unsampled to that
	// file (openruns.go), for the hint of a value that does not fit.
	typedBy map[string]string

	// Next's state.
	cur int
	seq uint64

	mu     sync.Mutex
	starts []uint64  // starts[i] is the first chunk of owners[i]
	owners []*member // files in reading order, as they start
	active *Source   // the file being read, for progress
	done   int
	read   int64 // bytes of the files read to the end
}

func openUnion(ctx context.Context, paths, walked []string, stdin io.Reader, opts ReadOptions) (_ *Source, err error) {
	if opts.Mem == nil {
		opts.Mem = memory.DefaultAllocator
	}
	if opts.MaxOpenFiles <= 0 {
		opts.MaxOpenFiles = defaultMaxOpenFiles
	}
	u := &union{opts: opts, stdin: stdin}
	if opts.Origins != nil {
		u.given = make(map[string]string, len(paths))
		for i, p := range paths {
			u.given[p] = opts.Origins[i].Name
		}
	}
	defer func() {
		if err != nil {
			u.Close()
		}
	}()
	hiveCols, err := u.partitions(ctx, paths, walked)
	if err != nil {
		return nil, err
	}
	if err := u.readSchemas(ctx); err != nil {
		return nil, err
	}
	var first format.Format
	for _, m := range u.members {
		if first == format.Unknown {
			first = m.format
		}
		u.text = u.text || m.decodes
	}
	if err := u.unify(hiveCols); err != nil {
		return nil, err
	}
	if err := u.coalesce(); err != nil {
		return nil, err
	}
	return &Source{Source: u, union: u, format: first, closeFn: u.Close}, nil
}

func nullTyped(s *arrow.Schema) *arrow.Schema {
	fields := slices.Clone(s.Fields())
	for i := range fields {
		fields[i].Type = arrow.Null
	}
	return arrow.NewSchema(fields, nil)
}

// coalesce joins consecutive CSV or TSV files with the same columns and
// types and the same partition values (the file-name column aside) into one
// member, read by one reader over lazily opened files: a thousand small
// files then cost what one reader does, not a reader each.
func (u *union) coalesce() error {
	var out []*member
	for _, m := range u.members {
		if n := len(out); n > 0 && u.sameRun(out[n-1], m) {
			last := out[n-1]
			last.paths = append(last.paths, m.path)
			last.size += m.size
			for _, x := range []*member{last, m} {
				if x.src != nil {
					if err := x.src.Close(); err != nil {
						return err
					}
					x.src = nil
				}
			}
			continue
		}
		out = append(out, m)
	}
	u.members = out
	return nil
}

func (u *union) sameRun(a, b *member) bool {
	text := a.format == format.CSV || a.format == format.TSV
	if !text || a.format != b.format || input.IsStdin(a.path) || input.IsStdin(b.path) ||
		!a.schema.Equal(b.schema) || len(a.consts) != len(b.consts) {
		return false
	}
	for k, ca := range a.consts {
		if k == u.opts.FilenameColumn {
			continue // taken from each chunk's file (see mapper.fileCol)
		}
		cb, ok := b.consts[k]
		if !ok || *ca != *cb {
			return false
		}
	}
	return true
}

// hiveColumn is a partition column of the union.
type hiveColumn struct {
	name  string
	isInt bool
}

// partitions makes the members from paths, with their partition values;
// files that opts.Keep refuses are left out.
func (u *union) partitions(ctx context.Context, paths, walked []string) ([]hiveColumn, error) {
	var cols []hiveColumn
	if !u.opts.NoHive {
		for _, k := range u.opts.PartitionKeys {
			cols = append(cols, hiveColumn{name: k, isInt: !slices.Contains(u.opts.TextPartitions, k)})
		}
	}
	all := make([][]hive.Pair, len(paths))
	for i, p := range paths {
		if u.opts.NoHive || input.IsStdin(p) {
			continue
		}
		pairs, err := hive.Parse(walked[i])
		if err != nil {
			return nil, usage(fmt.Sprintf("%s: %v", p, err))
		}
		all[i] = pairs
		for _, pr := range pairs {
			if !slices.ContainsFunc(cols, func(c hiveColumn) bool { return c.name == pr.Key }) {
				cols = append(cols, hiveColumn{name: pr.Key, isInt: !slices.Contains(u.opts.TextPartitions, pr.Key)})
			}
		}
	}
	for j := range cols {
		for _, pairs := range all {
			for _, pr := range pairs {
				if pr.Key == cols[j].name && pr.Valid && !canonicalInt(pr.Value) {
					cols[j].isInt = false
				}
			}
		}
	}
	values := make([]map[string]*constant, len(paths))
	for i := range paths {
		consts := map[string]*constant{}
		for _, c := range cols {
			k := &constant{}
			for _, pr := range all[i] {
				if pr.Key == c.name {
					k.value, k.valid = pr.Value, pr.Valid
					if c.isInt && pr.Valid {
						k.num, _ = strconv.ParseInt(pr.Value, 10, 64)
					}
				}
			}
			consts[c.name] = k
		}
		values[i] = consts
	}
	var keep []bool
	if len(cols) > 0 && isFilter(u.opts.Prune) {
		var err error
		if keep, err = prune(ctx, u.opts.Prune, cols, values, u.opts.Mem); err != nil {
			return nil, err
		}
	}
	for i, p := range paths {
		consts := values[i]
		skip := keep != nil && !keep[i]
		if u.opts.Keep != nil && len(cols) > 0 && !u.opts.Keep(partitionValues(cols, consts)) {
			skip = true
		}
		if skip {
			u.skipped++
			u.pruned = append(u.pruned, p)
			continue
		}
		if u.opts.FilenameColumn != "" {
			consts[u.opts.FilenameColumn] = &constant{value: u.givenName(p), valid: true}
		}
		u.members = append(u.members, &member{path: p, paths: []string{p}, consts: consts})
	}
	if len(u.members) == 0 {
		return nil, usage(fmt.Sprintf("the partition filter leaves none of the %d files to read", len(paths)))
	}
	return cols, nil
}

// givenName is the name the user gave the file at path (see
// ReadOptions.Origins).
func (u *union) givenName(path string) string {
	if name, ok := u.given[path]; ok {
		return name
	}
	return path
}

// partitionValues are a file's partition values for ReadOptions.Keep:
// int64, string, or nil for a null.
func partitionValues(cols []hiveColumn, consts map[string]*constant) map[string]any {
	vals := make(map[string]any, len(cols))
	for _, c := range cols {
		k := consts[c.name]
		switch {
		case !k.valid:
			vals[c.name] = nil
		case c.isInt:
			vals[c.name] = k.num
		default:
			vals[c.name] = k.value
		}
	}
	return vals
}

// canonicalInt: s is an int64 written as strconv writes it, so that
// reading it as a number and writing it back gives s again ("01" is not).
func canonicalInt(s string) bool {
	n, err := strconv.ParseInt(s, 10, 64)
	return err == nil && strconv.FormatInt(n, 10) == s
}

// unify combines the files' schemas by name, then adds the partition and
// file-name columns.
func (u *union) unify(hiveCols []hiveColumn) error {
	var fields []arrow.Field
	where := map[string]int{}
	firstIn := map[string]string{}
	for _, m := range u.members {
		if u.opts.StrictSchema {
			if a, b := names(u.members[0].schema), names(m.schema); !slices.Equal(a, b) {
				return usage(fmt.Sprintf("%s has columns %s but %s has %s: --strict-schema wants the same columns in every file",
					input.DisplayName(m.path), strings.Join(b, ","), input.DisplayName(u.members[0].path), strings.Join(a, ",")))
			}
		}
		for _, f := range m.schema.Fields() {
			j, ok := where[f.Name]
			if !ok {
				where[f.Name], firstIn[f.Name] = len(fields), input.DisplayName(m.path)
				f.Nullable = true
				fields = append(fields, f)
				continue
			}
			t, err := Widen(fields[j].Type, f.Type)
			if err != nil {
				return usage(fmt.Sprintf("column %q is %s in %s but %s in %s: %v", f.Name, fields[j].Type, firstIn[f.Name], f.Type, input.DisplayName(m.path), err))
			}
			fields[j].Type = t
		}
	}
	for i := range fields {
		if fields[i].Type.ID() == arrow.NULL {
			fields[i].Type = arrow.BinaryTypes.String // as a lone file reads it
		}
	}
	for _, c := range hiveCols {
		if _, ok := where[c.name]; ok {
			return usage(fmt.Sprintf("partition key %q of the directory names is also a column of %s (give --no-hive to read the files' column)", c.name, firstIn[c.name]))
		}
		where[c.name] = len(fields)
		t := arrow.DataType(arrow.BinaryTypes.String)
		if c.isInt {
			t = arrow.PrimitiveTypes.Int64
		}
		fields = append(fields, arrow.Field{Name: c.name, Type: t, Nullable: true})
	}
	if name := u.opts.FilenameColumn; name != "" {
		if _, ok := where[name]; ok {
			return usage(fmt.Sprintf("--filename-column %q: the input already has a column of that name", name))
		}
		fields = append(fields, arrow.Field{Name: name, Type: arrow.BinaryTypes.String})
	}
	u.full = arrow.NewSchema(fields, nil)
	u.schema = u.full
	return nil
}

func names(s *arrow.Schema) []string {
	out := make([]string, s.NumFields())
	for i, f := range s.Fields() {
		out[i] = f.Name
	}
	return out
}

// Schema returns the union's schema. Safe for concurrent use.
func (u *union) Schema() *arrow.Schema { return u.schema }

// Project narrows the union to columns; each file's reader is narrowed to
// those of its columns, when it can skip columns.
func (u *union) Project(columns []string) error {
	var fields []arrow.Field
	for _, f := range u.full.Fields() {
		if slices.Contains(columns, f.Name) {
			fields = append(fields, f)
		}
	}
	u.project = columns
	u.schema = arrow.NewSchema(fields, nil)
	return nil
}

// projectFile narrows one file's reader to the columns of the union's
// projection that it has.
func (u *union) projectFile(m *member) error {
	if u.project == nil {
		return nil
	}
	cols := []string{} // not nil: nil means every column
	for _, f := range m.src.Schema().Fields() {
		if slices.Contains(u.project, f.Name) {
			cols = append(cols, f.Name)
		}
	}
	if err := m.src.Project(cols); err != nil && !errors.Is(err, errors.ErrUnsupported) {
		return err
	}
	return nil
}

// NewDecoder returns a decoder that dispatches each chunk to its file's
// reader's decoders, or nil when every file is columnar.
func (u *union) NewDecoder() pipeline.Decoder {
	if !u.text {
		return nil
	}
	return &unionDecoder{u: u}
}

// start opens m when needed, narrows it and maps it onto the union.
func (u *union) start(ctx context.Context, m *member) error {
	if m.src == nil && len(m.paths) > 1 {
		opts := u.opts
		opts.Schema = m.typed
		src, err := openRun(ctx, m.paths, m.format, opts)
		if err != nil {
			return err
		}
		m.src = src
	}
	if m.src == nil {
		opts := u.opts
		opts.mixed = true
		if m.typed != nil {
			opts.Schema = m.typed
		}
		if opts.BatchBytes == 0 && m.size > 0 && m.size < smallFile {
			// A text reader allocates its chunk buffers up front: a file
			// smaller than a chunk needs none larger than itself.
			opts.BatchBytes = int(max(m.size, sampleBatchBytes))
		}
		src, err := openFiles(ctx, []string{m.path}, u.stdin, opts)
		if err != nil {
			return err
		}
		m.src = src
	}
	if err := u.projectFile(m); err != nil {
		return err
	}
	if err := u.rowGroups.apply(u.opts.Prune, u, m); err != nil {
		return err
	}
	m.mapper = newMapper(m.src.Schema(), u.schema, m.consts, u.opts.Mem)
	if name := u.opts.FilenameColumn; name != "" && len(m.paths) > 1 {
		if idx := u.schema.FieldIndices(name); len(idx) > 0 {
			m.mapper.fileCol = idx[0] // a run: each chunk names its file
		}
	}
	m.pending.Store(1)
	u.mu.Lock()
	u.starts = append(u.starts, u.seq)
	u.owners = append(u.owners, m)
	u.active = m.src
	u.mu.Unlock()
	return nil
}

// Next returns the next chunk of the current file, opening files as their
// turn comes and closing each at its end.
func (u *union) Next(ctx context.Context) (pipeline.Chunk, error) {
	for u.cur < len(u.members) {
		m := u.members[u.cur]
		if m.mapper == nil {
			if err := u.start(ctx, m); err != nil {
				return pipeline.Chunk{}, err
			}
		}
		c, err := m.src.Next(ctx)
		if err == io.EOF {
			if err := u.finish(m); err != nil {
				return pipeline.Chunk{}, err
			}
			u.cur++
			continue
		}
		if err != nil {
			return c, err
		}
		if !u.text {
			if c.Batch, err = m.mapper.apply(ctx, c.Batch, u.givenName(m.path)); err != nil {
				return pipeline.Chunk{}, fmt.Errorf("%s: %w", input.DisplayName(m.path), err)
			}
		} else {
			m.pending.Add(1)
		}
		u.seq++
		return c, nil
	}
	return pipeline.Chunk{}, io.EOF
}

// finish closes a file read to its end.
func (u *union) finish(m *member) error {
	read, _ := m.src.Progress()
	err := m.src.Close()
	u.mu.Lock()
	u.active = nil
	u.done += len(m.paths)
	u.read += read
	u.mu.Unlock()
	m.decoded()
	return err
}

// decoded counts down m's pending chunks; at zero, m's reader is dropped.
func (m *member) decoded() {
	if m.pending.Add(-1) == 0 {
		m.mu.Lock()
		m.src, m.free, m.dropped = nil, nil, true
		m.mu.Unlock()
	}
}

// owner returns the file of the chunk numbered seq.
func (u *union) owner(seq uint64) *member {
	u.mu.Lock()
	defer u.mu.Unlock()
	i, found := slices.BinarySearch(u.starts, seq)
	if !found {
		i--
	}
	// Files without chunks share a start with the next: the last wins.
	for i+1 < len(u.starts) && u.starts[i+1] == seq {
		i++
	}
	return u.owners[i]
}

func (u *union) progress() (read, total int64) {
	u.mu.Lock()
	defer u.mu.Unlock()
	read = u.read
	if u.active != nil {
		r, _ := u.active.Progress()
		read += r
	}
	for _, m := range u.members {
		if m.size < 0 || total < 0 {
			total = -1
			continue
		}
		total += m.size
	}
	return read, total
}

func (u *union) files() (done, total, skipped int) {
	u.mu.Lock()
	defer u.mu.Unlock()
	for _, m := range u.members {
		total += len(m.paths) // a run of files counts each
	}
	done = u.done
	if u.active != nil {
		done += u.active.lazyDone() // the files of the run being read
	}
	return done, total, u.skipped
}

// Close closes the files still open. It is not safe for concurrent use
// with Next.
func (u *union) Close() error {
	var errs []error
	for _, m := range u.members {
		m.mu.Lock()
		src := m.src
		m.mu.Unlock()
		if src != nil {
			errs = append(errs, src.Close())
		}
	}
	return errors.Join(errs...)
}

// A unionDecoder decodes each chunk with a decoder of its file's reader
// and maps the batch onto the union's schema.
type unionDecoder struct{ u *union }

func (d *unionDecoder) Decode(ctx context.Context, c pipeline.Chunk) (arrow.RecordBatch, error) {
	m := d.u.owner(c.Seq)
	defer m.decoded()
	rec := c.Batch
	if rec == nil {
		dec := m.decoder()
		var err error
		rec, err = dec.Decode(ctx, c)
		m.release(dec)
		if err != nil {
			return nil, d.u.followerHint(err)
		}
	}
	file := c.File // a chunk of a run of files names its own
	if file == "" {
		file = m.path
	}
	rec, err := m.mapper.apply(ctx, rec, d.u.givenName(file))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", input.DisplayName(file), err)
	}
	return rec, nil
}

// decoder takes an idle decoder of m's reader, or makes one.
func (m *member) decoder() pipeline.Decoder {
	m.mu.Lock()
	defer m.mu.Unlock()
	if n := len(m.free); n > 0 {
		d := m.free[n-1]
		m.free = m.free[:n-1]
		return d
	}
	return m.src.Source.NewDecoder()
}

func (m *member) release(d pipeline.Decoder) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.dropped {
		m.free = append(m.free, d)
	}
}
