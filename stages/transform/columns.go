package transform

import (
	"context"
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/expr"
	"github.com/arrowpipe/arrowpipe/stages/internal/colname"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// splitItems splits a comma-separated argument as every verb does (see
// colname): each item keeps its backticks and its offset, so that errors
// can point at it.
func splitItems(arg string) ([]colname.Item, error) { return colname.Split(arg) }

// columnIndex finds name in schema. When it is missing, or ambiguous, the
// error is an *expr.Error pointing at offset pos of the argument arg, with
// a suggestion when a column name is close.
func columnIndex(schema *arrow.Schema, name, arg string, pos int) (int, error) {
	idx := schema.FieldIndices(name)
	switch len(idx) {
	case 1:
		return idx[0], nil
	case 0:
		names := make([]string, schema.NumFields())
		for k, f := range schema.Fields() {
			names[k] = f.Name
		}
		if hint := expr.Closest(name, names); hint != "" {
			return 0, &expr.Error{Src: arg, Pos: pos, Msg: fmt.Sprintf("unknown column %q", name), Hint: hint}
		}
		return 0, &expr.Error{Src: arg, Pos: pos, Msg: fmt.Sprintf("unknown column %q (columns: %s)", name, strings.Join(names, ", "))}
	}
	return 0, &expr.Error{Src: arg, Pos: pos, Msg: fmt.Sprintf("column name %q is ambiguous: %d columns have it", name, len(idx))}
}

// checkInput reports a batch whose columns do not have the types of the
// schema the stage was built for (building a batch on a mismatch panics).
func checkInput(verbName string, in arrow.RecordBatch, want *arrow.Schema) error {
	if int(in.NumCols()) != want.NumFields() {
		return fmt.Errorf("%s: batch has %d columns, the stage was built for %d", verbName, in.NumCols(), want.NumFields())
	}
	for k, c := range in.Columns() {
		if !arrow.TypeEqual(c.DataType(), want.Field(k).Type) {
			return fmt.Errorf("%s: column %d %q is %s, the stage was built for %s", verbName, k+1, want.Field(k).Name, c.DataType(), want.Field(k).Type)
		}
	}
	return nil
}

// projectWorker builds each output batch from input columns picked by
// index, under a new schema: select, drop and rename. Zero-copy.
type projectWorker struct {
	verb   string
	in     *arrow.Schema
	schema *arrow.Schema
	pick   []int
}

func (w projectWorker) Process(_ context.Context, seq uint64, in arrow.RecordBatch) (arrow.RecordBatch, error) {
	defer in.Release()
	if err := checkInput(w.verb, in, w.in); err != nil {
		return nil, err
	}
	cols := make([]arrow.Array, len(w.pick))
	for k, idx := range w.pick {
		cols[k] = in.Column(idx)
	}
	return array.NewRecordBatch(w.schema, cols, in.NumRows()), nil
}

func projectStage(name string, env verb.Env, in *arrow.Schema, pick []int, fields []arrow.Field) (pipeline.Stage, *arrow.Schema) {
	md := in.Metadata()
	out := arrow.NewSchema(fields, &md)
	w := projectWorker{verb: name, in: in, schema: out, pick: pick}
	return pipeline.Stage{Name: name, Workers: env.Workers, NewWorker: func() pipeline.Worker { return w }}, out
}

func buildSelect(env verb.Env, args []string, in *arrow.Schema) (pipeline.Stage, *arrow.Schema, error) {
	names, err := splitItems(args[0])
	if err != nil {
		return pipeline.Stage{}, nil, fmt.Errorf("select: %w", err)
	}
	pick := make([]int, len(names))
	fields := make([]arrow.Field, len(names))
	seen := map[int]bool{}
	for k, n := range names {
		name, err := colname.Unquote(n.Text)
		if err != nil {
			return pipeline.Stage{}, nil, fmt.Errorf("select: %w", err)
		}
		idx, err := columnIndex(in, name, args[0], n.Pos)
		if err != nil {
			return pipeline.Stage{}, nil, fmt.Errorf("select: %w", err)
		}
		if seen[idx] {
			return pipeline.Stage{}, nil, fmt.Errorf("select: %w", &expr.Error{Src: args[0], Pos: n.Pos, Msg: fmt.Sprintf("column %q listed twice", name)})
		}
		seen[idx] = true
		pick[k], fields[k] = idx, in.Field(idx)
	}
	st, out := projectStage("select", env, in, pick, fields)
	return st, out, nil
}

func buildDrop(env verb.Env, args []string, in *arrow.Schema) (pipeline.Stage, *arrow.Schema, error) {
	names, err := splitItems(args[0])
	if err != nil {
		return pipeline.Stage{}, nil, fmt.Errorf("drop: %w", err)
	}
	gone := map[int]bool{}
	for _, n := range names {
		name, err := colname.Unquote(n.Text)
		if err != nil {
			return pipeline.Stage{}, nil, fmt.Errorf("drop: %w", err)
		}
		idx, err := columnIndex(in, name, args[0], n.Pos)
		if err != nil {
			return pipeline.Stage{}, nil, fmt.Errorf("drop: %w", err)
		}
		gone[idx] = true
	}
	var pick []int
	var fields []arrow.Field
	for k, f := range in.Fields() {
		if !gone[k] {
			pick, fields = append(pick, k), append(fields, f)
		}
	}
	st, out := projectStage("drop", env, in, pick, fields)
	return st, out, nil
}

func buildRename(env verb.Env, args []string, in *arrow.Schema) (pipeline.Stage, *arrow.Schema, error) {
	pairs, err := splitItems(args[0])
	if err != nil {
		return pipeline.Stage{}, nil, fmt.Errorf("rename: %w", err)
	}
	fields := append([]arrow.Field(nil), in.Fields()...)
	renamed := map[string]bool{}
	for _, p := range pairs {
		old, nu, ok, err := colname.Cut(p.Text, '=')
		if err != nil {
			return pipeline.Stage{}, nil, fmt.Errorf("rename: %w", err)
		}
		if !ok || old == "" || nu == "" {
			return pipeline.Stage{}, nil, fmt.Errorf("rename: %q is not OLD=NEW", p.Text)
		}
		idx, err := columnIndex(in, old, args[0], p.Pos)
		if err != nil {
			return pipeline.Stage{}, nil, fmt.Errorf("rename: %w", err)
		}
		fields[idx].Name = nu
		renamed[nu] = true
	}
	seen := map[string]bool{}
	for _, f := range fields {
		if seen[f.Name] && renamed[f.Name] {
			return pipeline.Stage{}, nil, fmt.Errorf("rename: two columns would be named %q", f.Name)
		}
		seen[f.Name] = true
	}
	pick := make([]int, len(fields))
	for k := range pick {
		pick[k] = k
	}
	st, out := projectStage("rename", env, in, pick, fields)
	return st, out, nil
}
