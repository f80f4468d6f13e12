package plan

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/input"
	"github.com/arrowpipe/arrowpipe/stages/internal/colname"
	"github.com/arrowpipe/arrowpipe/stages/join"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// JoinTables opens the files that join verbs read and closes them after
// the run. Its methods are safe for concurrent use.
type JoinTables struct {
	// Ctx bounds opening a file (sampling a text file for its schema):
	// a Verb's Build, where the file is opened, takes no context of its
	// own. nil means context.Background().
	Ctx context.Context
	// Read configures the readers, as for the main input (OnError, Mem,
	// BatchRows ...); the format comes from each file.
	Read ReadOptions
	// Avoid lists the paths a join must not read: the run's outputs.
	Avoid []string

	mu      sync.Mutex
	sources []*Source
	stats   []JoinStats
}

// JoinStats are the counters of one join verb, for --stats.
type JoinStats struct {
	// Table is the join's file as messages name it.
	Table string
	*join.Stats
}

// Stats returns the counters of every join verb made so far, in chain
// order; they may be read while the pipeline runs.
func (t *JoinTables) Stats() []JoinStats {
	t.mu.Lock()
	defer t.mu.Unlock()
	return slices.Clone(t.stats)
}

// JoinSpec is the command-line form of Join:
//
//	join [TYPE] [--suffix S] [--tolerance D] [--direction backward|forward|nearest] KEYS FILE
//
// TYPE is inner (the default), left, right, full (or outer), semi, anti or
// asof; KEYS is comma-separated, a=b when the stream's column a meets the
// file's column b. tables may be nil where only the verb's description is
// needed (help); building it then fails.
func JoinSpec(tables *JoinTables) verb.Spec {
	return verb.Spec{
		Name: "join",
		// The optional words come first; the last is the file, which the
		// chain parser looks for last in Args.
		Args:    []string{"[TYPE]", "[OPTIONS]", "KEYS", verb.FileArg},
		Summary: "join the stream with FILE on KEYS (a,b or a=b when names differ); TYPE inner (default), left, right, full, semi, anti or asof (first key nearest earlier, --direction forward|nearest, --tolerance 5m); clashing FILE columns get --suffix (_right)",
		Words:   joinWords,
		Parse: func(args []string) (verb.Verb, error) {
			kind, keys, path, opts, err := ParseJoin(args)
			if err != nil {
				return verb.Verb{}, err
			}
			if tables == nil {
				return verb.Failed("join", errors.New("not available here")), nil
			}
			return tables.Join(kind, keys, path, opts), nil
		},
	}
}

// joinWords counts the words of a join: an optional TYPE (a type word
// followed by two more words, neither of them "then"), --options with
// their values, KEYS and FILE.
func joinWords(rest []string) int {
	i := 0
	if len(rest) >= 3 && rest[1] != "then" && rest[2] != "then" {
		if _, ok := join.ParseKind(rest[0]); ok {
			i++
		}
	}
	for i < len(rest) && strings.HasPrefix(rest[i], "--") {
		i += 2
	}
	return i + 2
}

// ParseJoin reads the words of a join (as JoinSpec describes them).
func ParseJoin(args []string) (kind join.Kind, keys []join.KeyPair, file string, opts join.Options, err error) {
	i := 0
	if len(args) > 2 {
		if k, ok := join.ParseKind(args[0]); ok {
			kind, i = k, 1
		} else if !strings.HasPrefix(args[0], "--") {
			return 0, nil, "", opts, fmt.Errorf("unknown join type %q (inner, left, right, full, semi, anti, asof)", args[0])
		}
	}
	for ; i < len(args)-2; i += 2 {
		flag, val := args[i], args[i+1]
		switch flag {
		case "--suffix":
			opts.Suffix = val
		case "--tolerance":
			opts.Tolerance = val
		case "--direction":
			switch val {
			case "backward":
				opts.Direction = join.Backward
			case "forward":
				opts.Direction = join.Forward
			case "nearest":
				opts.Direction = join.Nearest
			default:
				return 0, nil, "", opts, fmt.Errorf("--direction %q: backward, forward or nearest", val)
			}
		default:
			return 0, nil, "", opts, fmt.Errorf("unknown option %q (--suffix, --tolerance, --direction)", flag)
		}
	}
	if (opts.Tolerance != "" || opts.Direction != join.Backward) && kind != join.AsOf {
		return 0, nil, "", opts, errors.New("--tolerance and --direction apply to asof joins")
	}
	items, err := colname.Split(args[len(args)-2])
	if err != nil {
		return 0, nil, "", opts, err
	}
	for _, it := range items {
		a, b, found, err := colname.Cut(it.Text, '=')
		if err != nil {
			return 0, nil, "", opts, err
		}
		if !found {
			b = a
		}
		if a == "" || b == "" {
			return 0, nil, "", opts, fmt.Errorf("key %q: write a or a=b", it.Text)
		}
		keys = append(keys, join.KeyPair{Stream: a, Table: b})
	}
	return kind, keys, args[len(args)-1], opts, nil
}

// Join returns a join verb that reads path, opened with t's options when
// the verb is first built (a missing file or a bad key is then a
// *UsageError before the run starts). Building the verb again reuses the
// file; a semi or anti join reads only the key columns of a file that can
// skip columns.
func (t *JoinTables) Join(kind join.Kind, keys []join.KeyPair, path string, opts join.Options) verb.Verb {
	var (
		mu  sync.Mutex
		src *Source
	)
	if opts.Table == "" {
		opts.Table = input.DisplayName(path)
	}
	if opts.Stats == nil {
		opts.Stats = &join.Stats{}
	}
	t.mu.Lock()
	t.stats = append(t.stats, JoinStats{Table: opts.Table, Stats: opts.Stats})
	t.mu.Unlock()
	open := func() (*Source, error) {
		mu.Lock()
		defer mu.Unlock()
		if src != nil {
			return src, nil
		}
		s, err := t.open(path)
		if err != nil {
			return nil, err
		}
		if kind == join.Semi || kind == join.Anti {
			if err := projectKeys(s, keys); err != nil {
				return nil, err
			}
		}
		src = s
		return s, nil
	}
	// Reads records the file's columns that the chain needs; the next
	// Build, which plan.Build makes only when it narrows the main input
	// too, narrows the file to them before building the join for it.
	var tableCols []string
	v := verb.Verb{Name: "join", Spills: true}
	v.Build = func(env verb.Env, in *arrow.Schema) (pipeline.Stage, *arrow.Schema, error) {
		s, err := open()
		if err != nil {
			return pipeline.Stage{}, nil, err
		}
		mu.Lock()
		cols := tableCols
		tableCols = nil
		mu.Unlock()
		if cols != nil {
			if ps, ok := s.Source.(projectable); ok {
				if err := ps.Project(cols); err != nil {
					return pipeline.Stage{}, nil, err
				}
			}
		}
		return join.New(kind, keys, s, opts).Build(env, in)
	}
	v.Reads = func(in *arrow.Schema, needed []string) []string {
		s, err := open()
		if err != nil {
			return nil
		}
		if needed != nil && kind != join.Semi && kind != join.Anti {
			cols := tableColumns(s.Schema(), in, keys, needed, opts.Suffix)
			mu.Lock()
			tableCols = cols
			mu.Unlock()
		}
		return join.New(kind, keys, s, opts).Reads(in, needed)
	}
	return v
}

func (t *JoinTables) open(path string) (*Source, error) {
	if path == "-" {
		return nil, usage("join needs a file: stdin is the stream")
	}
	for _, a := range t.Avoid {
		if a == path {
			return nil, usage(fmt.Sprintf("join: %s is also an output", path))
		}
	}
	ctx := t.Ctx
	if ctx == nil {
		ctx = context.Background()
	}
	s, err := Open(ctx, []string{path}, nil, t.Read)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w (usage: join [TYPE] KEYS FILE, TYPE one of inner, left, right, full, semi, anti, asof)", err)
	}
	if err != nil {
		return nil, err
	}
	t.mu.Lock()
	t.sources = append(t.sources, s)
	t.mu.Unlock()
	return s, nil
}

// tableColumns lists the file's columns a join needs when the chain
// needs the output columns needed: its keys, and those whose output name
// (suffixed when the stream has the name) is needed.
func tableColumns(table, stream *arrow.Schema, keys []join.KeyPair, needed []string, suffix string) []string {
	if suffix == "" {
		suffix = join.DefaultSuffix
	}
	var cols []string
	for _, f := range table.Fields() {
		name := f.Name
		if len(stream.FieldIndices(name)) > 0 {
			name += suffix
		}
		keep := slices.Contains(needed, name)
		for _, k := range keys {
			keep = keep || k.Table == f.Name
		}
		if keep {
			cols = append(cols, f.Name)
		}
	}
	return cols
}

// projectKeys narrows a file that can skip columns to the table's keys.
func projectKeys(s *Source, keys []join.KeyPair) error {
	ps, ok := s.Source.(projectable)
	if !ok {
		return nil
	}
	cols := make([]string, 0, len(keys))
	for _, k := range keys {
		if len(s.Schema().FieldIndices(k.Table)) == 0 {
			return nil // Build reports the unknown column, with its suggestion
		}
		cols = append(cols, k.Table)
	}
	return ps.Project(cols)
}

// Close closes every file opened; call it after the run.
func (t *JoinTables) Close() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	var errs []error
	for _, s := range t.sources {
		errs = append(errs, s.Close())
	}
	t.sources = nil
	return errors.Join(errs...)
}
