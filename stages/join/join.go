package join

import (
	"errors"
	"fmt"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/internal/colname"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// ErrKey is returned (wrapped) for a key that does not name a column or
// whose two sides cannot be equal.
var ErrKey = errors.New("join: bad key")

// New returns the join verb: the stream joined with the table that table
// yields, on keys, as kind says. The table is read once, when the first
// stream batch arrives (or in Finish when the stream is empty), on the
// run's context; the verb is for one run. A RecordReader becomes a table
// with pipeline.FromRecordReader. Bad keys, kinds and options are
// reported by the Verb's Build.
func New(kind Kind, keys []KeyPair, table pipeline.Source, opts Options) verb.Verb {
	name := "join"
	if kind < Inner || kind > AsOf {
		return verb.Failed(name, fmt.Errorf("unknown join type %d", int(kind)))
	}
	if len(keys) == 0 {
		return verb.Failed(name, fmt.Errorf("%w: no key columns", ErrKey))
	}
	if table == nil {
		return verb.Failed(name, errors.New("no table"))
	}
	if opts.Direction < Backward || opts.Direction > Nearest {
		return verb.Failed(name, fmt.Errorf("unknown asof direction %d", int(opts.Direction)))
	}
	if opts.Suffix == "" {
		opts.Suffix = DefaultSuffix
	}
	if opts.Table == "" {
		opts.Table = "table"
	}
	keys = slices.Clone(keys)
	return verb.Verb{
		Name:   name,
		Spills: true,
		Build: func(env verb.Env, in *arrow.Schema) (pipeline.Stage, *arrow.Schema, error) {
			j, err := newJoiner(env, kind, keys, table, opts, in)
			if err != nil {
				return pipeline.Stage{}, nil, err
			}
			return j.stage(), j.out, nil
		},
		Reads: func(in *arrow.Schema, needed []string) []string {
			if needed == nil {
				return nil
			}
			// The keys, the stream columns asked for by name (the
			// table's come from the table), and those named like a
			// table column, which decide the table column's suffix.
			out := make([]string, 0, len(keys)+len(needed))
			for _, k := range keys {
				out = append(out, k.Stream)
			}
			tableNames := table.Schema().FieldIndices
			for _, f := range in.Fields() {
				if (slices.Contains(needed, f.Name) || len(tableNames(f.Name)) > 0) && !slices.Contains(out, f.Name) {
					out = append(out, f.Name)
				}
			}
			return out
		},
	}
}

// joiner is one built join: the resolved columns and the state shared by
// the stage's workers.
type joiner struct {
	kind  Kind
	opts  Options
	src   pipeline.Source
	stats *Stats

	stream, table *arrow.Schema // dictionary-free
	streamKeys    []int
	tableKeys     []int
	tableOut      []int // table columns in the output, in order
	out           *arrow.Schema
	tolerance     int64 // as-of; -1: none

	mem     memory.Allocator
	cap     int64
	tempDir string
	outRows int

	state state
}

func newJoiner(env verb.Env, kind Kind, keys []KeyPair, src pipeline.Source, opts Options, in *arrow.Schema) (*joiner, error) {
	j := &joiner{
		kind: kind, opts: opts, src: src, stats: opts.Stats,
		stream: plainSchema(in), table: plainSchema(src.Schema()),
		mem: env.Mem, cap: env.MaxMemory, tempDir: env.TempDir, outRows: env.BatchRows,
		tolerance: -1,
	}
	if j.stats == nil {
		j.stats = &Stats{}
	}
	if j.mem == nil {
		j.mem = memory.DefaultAllocator
	}
	if j.outRows <= 0 || j.outRows > maxBatchRows {
		j.outRows = maxBatchRows
	}
	for _, k := range keys {
		si, err := column(in, k.Stream, "stream")
		if err != nil {
			return nil, err
		}
		ti, err := column(src.Schema(), k.Table, opts.Table)
		if err != nil {
			return nil, err
		}
		if slices.Contains(j.streamKeys, si) || slices.Contains(j.tableKeys, ti) {
			return nil, fmt.Errorf("%w: %s=%s is listed twice", ErrKey, k.Stream, k.Table)
		}
		if err := compatible(in.Field(si).Type, src.Schema().Field(ti).Type); err != nil {
			err = fmt.Errorf("%w: %s (stream) and %s (%s): %v", ErrKey, k.Stream, k.Table, opts.Table, err)
			// A key of a type join cannot take is a limit of the data.
			if _, kerr := keyClass(in.Field(si).Type); kerr != nil {
				return nil, verb.TypeLimit(k.Stream, in.Field(si).Type, err)
			}
			if _, kerr := keyClass(src.Schema().Field(ti).Type); kerr != nil {
				return nil, verb.TypeLimit(k.Table, src.Schema().Field(ti).Type, err)
			}
			return nil, err
		}
		j.streamKeys = append(j.streamKeys, si)
		j.tableKeys = append(j.tableKeys, ti)
	}
	if kind == AsOf {
		if err := j.checkAsOf(); err != nil {
			return nil, err
		}
	} else if opts.Tolerance != "" || opts.Direction != Backward {
		return nil, errors.New("a tolerance and a direction apply to asof joins only")
	}
	out, err := j.outSchema()
	if err != nil {
		return nil, err
	}
	j.out = out
	return j, nil
}

// maxBatchRows bounds the batches emitted from Finish.
const maxBatchRows = 64 << 10

// column finds name in s, or says which name is close.
func column(s *arrow.Schema, name, side string) (int, error) {
	if i := s.FieldIndices(name); len(i) > 0 {
		return i[0], nil
	}
	msg := fmt.Sprintf("no column %q in the %s", name, side)
	names := make([]string, s.NumFields())
	for i, f := range s.Fields() {
		names[i] = f.Name
	}
	if best := colname.Closest(name, names); best != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", best)
	}
	return -1, fmt.Errorf("%w: %s", ErrKey, msg)
}

// outSchema is the stream's columns, then the table's that are not
// equality keys (suffixed when their name is taken).
func (j *joiner) outSchema() (*arrow.Schema, error) {
	fields := slices.Clone(j.stream.Fields())
	if !j.kind.addsColumns() {
		return arrow.NewSchema(fields, nil), nil
	}
	if j.kind.keepsTable() {
		for i := range fields {
			fields[i].Nullable = true
		}
	}
	taken := map[string]bool{}
	for _, f := range fields {
		taken[f.Name] = true
	}
	eqKeys := j.tableKeys
	if j.kind == AsOf {
		eqKeys = j.tableKeys[1:] // the table's time column is kept: it says which row matched
	}
	for c, f := range j.table.Fields() {
		if slices.Contains(eqKeys, c) {
			continue
		}
		if taken[f.Name] {
			f.Name += j.opts.Suffix
			if taken[f.Name] {
				return nil, fmt.Errorf("column %q of %s is named like a stream column even with the suffix %q; rename one first", f.Name, j.opts.Table, j.opts.Suffix)
			}
		}
		taken[f.Name] = true
		if j.kind != Inner && j.kind != Right {
			f.Nullable = true
		}
		fields = append(fields, f)
		j.tableOut = append(j.tableOut, c)
	}
	return arrow.NewSchema(fields, nil), nil
}
