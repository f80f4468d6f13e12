package plan

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// Options tune Build.
type Options struct {
	// StageWorkers sets the pool size of stages by name ("filter", the
	// second sort "sort-2", see StageNames); a stage not named keeps its
	// verb's choice. Asking more than one worker of a stage that needs
	// one (head, sort) is a *WorkersError.
	StageWorkers map[string]int
}

// A Plan is a chain built for a source's schema.
type Plan struct {
	// Stages are the verbs' stages, in chain order, named as StageNames
	// names them.
	Stages []pipeline.Stage
	// Schemas[i] is the schema reaching Stages[i]; the last one is the
	// chain's output.
	Schemas []*arrow.Schema
}

// Output returns the schema of the chain's output.
func (p *Plan) Output() *arrow.Schema { return p.Schemas[len(p.Schemas)-1] }

// A projectable source can stop decoding columns after it has opened and
// inferred its schema (the CSV reader: a skipped field is found but not
// parsed, several times cheaper than decoding it).
type projectable interface {
	Project(columns []string) error
}

// Build builds each verb's stage against the schema that reaches it,
// starting from src's. When src can skip columns (the CSV and NDJSON
// readers can), it is narrowed to the columns the chain reads and the
// chain is built again for that schema. The chain is built for the full
// schema first, so that an unknown column gets the verb's own error, with
// its suggestion of a close name. A verb that names a field of a struct
// column by its dotted path ("user.country") gets a flatten of that struct
// before it (see withFlattens), as a stage named flatten. Errors are
// *UsageError, except a verb's refusal of a column's type, a
// *verb.TypeError: that is a limit of the data, reported as such. A
// Parquet reader hands the text columns that the first verb only groups
// by on as dictionaries (see keepDictionaries).
func Build(env verb.Env, verbs []verb.Verb, src pipeline.Source, opts Options) (*Plan, error) {
	verbs = withFlattens(env, verbs, src.Schema()) // dotted paths into structs
	names := StageNames(verbs)
	for name := range opts.StageWorkers {
		if !slices.Contains(names, name) {
			return nil, usage(fmt.Sprintf("no stage %s in this chain (stages: %s)", name, strings.Join(names, ", ")))
		}
	}
	p, err := build(env, verbs, src.Schema(), names, opts)
	if err != nil {
		return nil, err
	}
	if ps, ok := src.(projectable); ok {
		if cols := columnsRead(verbs, p.Schemas); cols != nil {
			switch err := ps.Project(cols); {
			case errors.Is(err, errors.ErrUnsupported):
			case err != nil:
				return nil, err
			default:
				if p, err = build(env, verbs, src.Schema(), names, opts); err != nil {
					return nil, err
				}
			}
		}
	}
	if err := keepDictionaries(verbs, src); err != nil {
		return nil, err
	}
	readToTheEnd(verbs, p.Stages)
	return p, nil
}

// StageNames returns the pipeline's names of the verbs' stages: the verb's
// name, and name-N for its N-th use from the second on (sort, sort-2).
func StageNames(verbs []verb.Verb) []string {
	seen := map[string]int{}
	names := make([]string, len(verbs))
	for i, v := range verbs {
		seen[v.Name]++
		names[i] = v.Name
		if n := seen[v.Name]; n > 1 {
			names[i] = fmt.Sprintf("%s-%d", v.Name, n)
		}
	}
	return names
}

// Spills reports whether a verb of the chain may write spill files.
func Spills(verbs []verb.Verb) bool {
	return slices.ContainsFunc(verbs, func(v verb.Verb) bool { return v.Spills })
}

func build(env verb.Env, verbs []verb.Verb, in *arrow.Schema, names []string, opts Options) (*Plan, error) {
	p := &Plan{
		Stages:  make([]pipeline.Stage, 0, len(verbs)),
		Schemas: append(make([]*arrow.Schema, 0, len(verbs)+1), in),
	}
	schema := in
	for i, v := range verbs {
		stage, out, err := v.Build(env, schema)
		if err != nil {
			return nil, buildError(v.Name, err)
		}
		stage.Name = names[i]
		// Stages that need one worker (head, distinct, sort) keep it, and
		// asking for more is a mistake to report, not to ignore.
		switch n := opts.StageWorkers[stage.Name]; {
		case n > 1 && stage.Workers == 1:
			return nil, &WorkersError{Stage: stage.Name, Workers: n}
		case n > 0:
			stage.Workers = n
		}
		p.Stages = append(p.Stages, stage)
		p.Schemas = append(p.Schemas, out)
		schema = out
	}
	return p, nil
}

// columnsRead walks the chain backwards from the output, which needs every
// column, asking each verb what it reads for what the next one needs;
// schemas[i] is the input of verbs[i]. It returns the chain's input
// columns in input order, or nil when the chain needs them all.
func columnsRead(verbs []verb.Verb, schemas []*arrow.Schema) []string {
	var needed []string // nil: all
	for i := len(verbs) - 1; i >= 0; i-- {
		if verbs[i].Reads == nil {
			needed = nil
			continue
		}
		needed = verbs[i].Reads(schemas[i], needed)
	}
	if needed == nil {
		return nil
	}
	in := schemas[0]
	cols := []string{}
	for _, f := range in.Fields() {
		if slices.Contains(needed, f.Name) {
			cols = append(cols, f.Name)
		}
	}
	if len(cols) == in.NumFields() {
		return nil
	}
	return cols
}

// readToTheEnd makes the stages after the first verb that writes the
// stream (tee) ignore early stops: head would stop the reader, and the
// tee's file would miss the rest of the stream. head then drops the rows
// past its count instead.
func readToTheEnd(verbs []verb.Verb, stages []pipeline.Stage) {
	first := slices.IndexFunc(verbs, func(v verb.Verb) bool { return v.WritesStream })
	if first < 0 {
		return
	}
	for i := first + 1; i < len(stages); i++ {
		if stages[i].Finish != nil {
			continue // its Finish gets its own workers back; none stops early
		}
		newWorker := stages[i].NewWorker
		stages[i].NewWorker = func() pipeline.Worker { return noStop{newWorker()} }
	}
}

// noStop turns a worker's early stop into a plain result.
type noStop struct{ w pipeline.Worker }

func (n noStop) Process(ctx context.Context, seq uint64, in arrow.RecordBatch) (arrow.RecordBatch, error) {
	out, err := n.w.Process(ctx, seq, in)
	if errors.Is(err, pipeline.ErrStop) {
		err = nil
	}
	return out, err
}
