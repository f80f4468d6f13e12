package transform

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/expr"
	"github.com/arrowpipe/arrowpipe/stages/internal/arrowtype"
	"github.com/arrowpipe/arrowpipe/stages/internal/colname"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// columnIndex finds the k-th named column of a verb's arguments in
// schema. When it is missing, or ambiguous, the error names it, with a
// suggestion when a column name is close.
func columnIndex(verbName string, schema *arrow.Schema, name string, k int) (int, error) {
	idx := schema.FieldIndices(name)
	if len(idx) == 1 {
		return idx[0], nil
	}
	return 0, columnError(verbName, k, columnMsg(schema, name, idx))
}

func columnMsg(schema *arrow.Schema, name string, idx []int) *expr.Error {
	if len(idx) > 1 {
		return &expr.Error{Src: name, Msg: fmt.Sprintf("column name %q is ambiguous: %d columns have it", name, len(idx))}
	}
	names := make([]string, schema.NumFields())
	for k, f := range schema.Fields() {
		names[k] = f.Name
	}
	if hint := colname.Closest(name, names); hint != "" {
		return &expr.Error{Src: name, Msg: fmt.Sprintf("unknown column %q", name), Hint: hint}
	}
	return &expr.Error{Src: name, Msg: fmt.Sprintf("unknown column %q (columns: %s)", name, strings.Join(names, ", "))}
}

// columnError is an error about the k-th column name of a verb's
// arguments.
func columnError(verbName string, k int, err *expr.Error) error {
	return &itemError{verb: verbName, k: k, err: err, bare: true}
}

// checkInput reports a batch whose columns do not have the types of the
// schema the stage was built for (building a batch on a mismatch panics).
func checkInput(verbName string, in arrow.RecordBatch, want *arrow.Schema) error {
	if int(in.NumCols()) != want.NumFields() {
		return fmt.Errorf("%s: batch has %d columns, the stage was built for %d", verbName, in.NumCols(), want.NumFields())
	}
	for k, c := range in.Columns() {
		if !arrowtype.Same(c.DataType(), want.Field(k).Type) {
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

// Select returns the verb that keeps the columns cols, in that order,
// sharing their arrays with the input (zero-copy). Build fails on an
// empty list and on a column that is missing or listed twice.
func Select(cols ...string) verb.Verb {
	cols = slices.Clone(cols)
	return verb.Verb{
		Name: "select",
		Build: func(env verb.Env, in *arrow.Schema) (pipeline.Stage, *arrow.Schema, error) {
			return buildSelect(env, cols, in)
		},
		Reads: func(*arrow.Schema, []string) []string { return slices.Clone(cols) },
	}
}

func buildSelect(env verb.Env, cols []string, in *arrow.Schema) (pipeline.Stage, *arrow.Schema, error) {
	if len(cols) == 0 {
		return pipeline.Stage{}, nil, errors.New("select: no columns")
	}
	pick := make([]int, len(cols))
	fields := make([]arrow.Field, len(cols))
	seen := map[int]bool{}
	for k, name := range cols {
		idx, err := columnIndex("select", in, name, k)
		if err != nil {
			return pipeline.Stage{}, nil, err
		}
		if seen[idx] {
			return pipeline.Stage{}, nil, columnError("select", k, &expr.Error{Src: name, Msg: fmt.Sprintf("column %q listed twice", name)})
		}
		seen[idx] = true
		pick[k], fields[k] = idx, in.Field(idx)
	}
	st, out := projectStage("select", env, in, pick, fields)
	return st, out, nil
}

// Drop returns the verb that removes the columns cols and passes the
// others on in their order, zero-copy. Naming a column twice is allowed;
// Build fails on a missing column.
func Drop(cols ...string) verb.Verb {
	cols = slices.Clone(cols)
	return verb.Verb{
		Name: "drop",
		Build: func(env verb.Env, in *arrow.Schema) (pipeline.Stage, *arrow.Schema, error) {
			return buildDrop(env, cols, in)
		},
		Reads: func(_ *arrow.Schema, needed []string) []string { return readsPassing(needed, cols) },
	}
}

func buildDrop(env verb.Env, cols []string, in *arrow.Schema) (pipeline.Stage, *arrow.Schema, error) {
	gone := map[int]bool{}
	for k, name := range cols {
		idx, err := columnIndex("drop", in, name, k)
		if err != nil {
			return pipeline.Stage{}, nil, err
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

// Renaming renames the column Old to New.
type Renaming struct{ Old, New string }

// Rename returns the verb that renames columns in place, zero-copy. Build
// fails on an empty name, a missing column, and a rename that leaves two
// columns with the same new name.
func Rename(renames ...Renaming) verb.Verb {
	renames = slices.Clone(renames)
	return verb.Verb{
		Name: "rename",
		Build: func(env verb.Env, in *arrow.Schema) (pipeline.Stage, *arrow.Schema, error) {
			return buildRename(env, renames, in)
		},
		Reads: func(_ *arrow.Schema, needed []string) []string { return readsRename(renames, needed) },
	}
}

func buildRename(env verb.Env, renames []Renaming, in *arrow.Schema) (pipeline.Stage, *arrow.Schema, error) {
	fields := append([]arrow.Field(nil), in.Fields()...)
	renamed := map[string]bool{}
	for k, r := range renames {
		if r.Old == "" || r.New == "" {
			return pipeline.Stage{}, nil, fmt.Errorf("rename: %q to %q: a name is empty", r.Old, r.New)
		}
		idx, err := columnIndex("rename", in, r.Old, k)
		if err != nil {
			return pipeline.Stage{}, nil, err
		}
		fields[idx].Name = r.New
		renamed[r.New] = true
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
