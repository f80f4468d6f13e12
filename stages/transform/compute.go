package transform

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/expr"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

func allocator(env verb.Env) memory.Allocator {
	if env.Mem == nil {
		return memory.DefaultAllocator
	}
	return env.Mem
}

// filter

type filterWorker struct {
	ev  *expr.Evaluator
	mem memory.Allocator
}

func (w *filterWorker) Process(ctx context.Context, seq uint64, in arrow.RecordBatch) (arrow.RecordBatch, error) {
	defer in.Release()
	out, err := w.ev.Filter(ctx, in, w.mem)
	if err != nil {
		return nil, fmt.Errorf("filter: %w", err)
	}
	return out, nil
}

// Filter returns the verb that keeps the rows where the condition cond
// (an expression of stages/expr) is true; null counts as false. Build
// fails when cond does not compile against the input or is not a
// condition.
func Filter(cond string) verb.Verb {
	return verb.Verb{
		Name: "filter",
		Build: func(env verb.Env, in *arrow.Schema) (pipeline.Stage, *arrow.Schema, error) {
			return buildFilter(env, cond, in)
		},
		Reads:     func(_ *arrow.Schema, needed []string) []string { return readsFilter(cond, needed) },
		Condition: cond,
	}
}

func buildFilter(env verb.Env, cond string, in *arrow.Schema) (pipeline.Stage, *arrow.Schema, error) {
	e, err := expr.Compile(cond, in)
	if err != nil {
		return pipeline.Stage{}, nil, exprTypeLimit(fmt.Errorf("filter: %w", err), in)
	}
	switch e.Type().ID() {
	case arrow.BOOL, arrow.NULL:
	default:
		return pipeline.Stage{}, nil, fmt.Errorf("filter: %q is %s, not a condition", cond, e.Type())
	}
	mem := allocator(env)
	return pipeline.Stage{Name: "filter", Workers: env.Workers, NewWorker: func() pipeline.Worker {
		return &filterWorker{ev: e.NewEvaluator(), mem: mem}
	}}, in, nil
}

// derive and cast share one worker: a list of steps, each computing one
// column from the batch as the previous steps left it.

type step struct {
	e      *expr.Expr
	name   string
	schema *arrow.Schema // the batch the step reads
	pos    int           // column replaced, or len(columns) to append
	// strict makes a row that was valid in column src and null in the
	// result an error (cast).
	strict bool
	src    int
	to     string
}

type computeWorker struct {
	verb  string
	steps []step
	evs   []*expr.Evaluator
	out   *arrow.Schema
	mem   memory.Allocator
}

func newComputeStage(name string, env verb.Env, steps []step, out *arrow.Schema) pipeline.Stage {
	mem := allocator(env)
	return pipeline.Stage{Name: name, Workers: env.Workers, NewWorker: func() pipeline.Worker {
		w := &computeWorker{verb: name, steps: steps, out: out, mem: mem}
		for _, s := range steps {
			w.evs = append(w.evs, s.e.NewEvaluator())
		}
		return w
	}}
}

func (w *computeWorker) Process(ctx context.Context, seq uint64, in arrow.RecordBatch) (arrow.RecordBatch, error) {
	defer in.Release()
	if len(w.steps) == 0 { // cast to the types the columns already have
		if err := checkInput(w.verb, in, w.out); err != nil {
			return nil, err
		}
		return array.NewRecordBatch(w.out, in.Columns(), in.NumRows()), nil
	}
	if err := checkInput(w.verb, in, w.steps[0].schema); err != nil {
		return nil, err
	}
	n := in.NumRows()
	cols := make([]arrow.Array, 0, w.out.NumFields())
	for _, c := range in.Columns() {
		c.Retain()
		cols = append(cols, c)
	}
	defer func() {
		for _, c := range cols {
			c.Release()
		}
	}()
	for k, s := range w.steps {
		view := array.NewRecordBatch(s.schema, cols, n)
		res, err := w.evs[k].Eval(ctx, view, w.mem)
		view.Release()
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", w.verb, s.name, err)
		}
		if s.strict {
			if err := checkConverted(cols[s.src], res, s); err != nil {
				res.Release()
				return nil, fmt.Errorf("%s: %w", w.verb, err)
			}
		}
		if s.pos < len(cols) {
			cols[s.pos].Release()
			cols[s.pos] = res
		} else {
			cols = append(cols, res)
		}
	}
	return array.NewRecordBatch(w.out, cols, n), nil
}

// checkConverted reports the first row that was valid in src and is null
// in res: a value that does not convert.
func checkConverted(src, res arrow.Array, s step) error {
	if res.NullN() == src.NullN() {
		return nil
	}
	for r := 0; r < res.Len(); r++ {
		if res.IsNull(r) && src.IsValid(r) {
			return fmt.Errorf("column %q row %d of the batch: cannot convert %q to %s", s.name, r+1, src.ValueStr(r), s.to)
		}
	}
	return nil
}

// Definition defines the column Name as the value of the expression Expr
// (see stages/expr).
type Definition struct{ Name, Expr string }

// Derive returns the verb that adds or replaces columns computed by
// expressions. Definitions run in order, each seeing the columns the ones
// before it made; a replaced column keeps its position, new ones are
// appended, the other columns are shared with the input. Build fails on an
// empty name, a name that several input columns have, and an expression
// that does not compile; an integer overflow is an error at run time.
func Derive(defs ...Definition) verb.Verb {
	defs = slices.Clone(defs)
	return verb.Verb{
		Name: "derive",
		Build: func(env verb.Env, in *arrow.Schema) (pipeline.Stage, *arrow.Schema, error) {
			return buildDerive(env, defs, in)
		},
		Reads: func(_ *arrow.Schema, needed []string) []string { return readsDerive(defs, needed) },
	}
}

func buildDerive(env verb.Env, defs []Definition, in *arrow.Schema) (pipeline.Stage, *arrow.Schema, error) {
	schema := in
	var steps []step
	for k, d := range defs {
		if d.Name == "" {
			return pipeline.Stage{}, nil, fmt.Errorf("derive: definition %d (%q) has no name", k+1, d.Expr)
		}
		e, err := expr.Compile(d.Expr, schema)
		if err != nil {
			var xe *expr.Error
			if errors.As(err, &xe) {
				return pipeline.Stage{}, nil, exprTypeLimit(&itemError{verb: "derive", prefix: d.Name + ": ", k: k, err: xe}, schema)
			}
			return pipeline.Stage{}, nil, exprTypeLimit(fmt.Errorf("derive: %s: %w", d.Name, err), schema)
		}
		st := step{e: e, name: d.Name, schema: schema, pos: schema.NumFields()}
		fields := append([]arrow.Field(nil), schema.Fields()...)
		f := arrow.Field{Name: d.Name, Type: e.Type(), Nullable: true}
		switch idx := schema.FieldIndices(d.Name); len(idx) {
		case 0:
			fields = append(fields, f)
		case 1:
			st.pos = idx[0]
			fields[idx[0]] = f
		default:
			return pipeline.Stage{}, nil, fmt.Errorf("derive: column name %q is ambiguous", d.Name)
		}
		md := in.Metadata()
		schema = arrow.NewSchema(fields, &md)
		steps = append(steps, st)
	}
	return newComputeStage("derive", env, steps, schema), schema, nil
}
