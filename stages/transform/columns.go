package transform

import (
	"context"
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/expr"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// A listItem is one entry of a comma-separated argument and the byte
// offset in the argument where it starts (at its backtick when quoted), so
// that errors can point at it.
type listItem struct {
	text string
	pos  int
}

// splitItems splits a comma-separated argument into trimmed items; an item
// in backticks may contain commas (“ is a literal backtick).
func splitItems(arg string) ([]listItem, error) {
	var items []listItem
	var cur strings.Builder
	quoted := false
	start := -1 // offset of the current item's first non-space byte
	end := func() {
		if start < 0 {
			start = len(arg)
		}
		items = append(items, listItem{strings.TrimSpace(cur.String()), start})
		cur.Reset()
		start = -1
	}
	for i := 0; i < len(arg); i++ {
		c := arg[i]
		if start < 0 && c != ' ' && c != '\t' && (c != ',' || quoted) {
			start = i
		}
		switch {
		case c == '`' && quoted && i+1 < len(arg) && arg[i+1] == '`':
			cur.WriteByte('`')
			i++
		case c == '`':
			quoted = !quoted
		case c == ',' && !quoted:
			end()
		default:
			cur.WriteByte(c)
		}
	}
	if quoted {
		return nil, fmt.Errorf("unterminated backtick in %q", arg)
	}
	end()
	for _, it := range items {
		if it.text == "" {
			return nil, fmt.Errorf("empty column name in %q", arg)
		}
	}
	return items, nil
}

// splitList is splitItems without the offsets.
func splitList(arg string) ([]string, error) {
	items, err := splitItems(arg)
	if err != nil {
		return nil, err
	}
	names := make([]string, len(items))
	for k, it := range items {
		names[k] = it.text
	}
	return names, nil
}

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

func (w projectWorker) Process(_ context.Context, in arrow.RecordBatch) (arrow.RecordBatch, error) {
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
		idx, err := columnIndex(in, n.text, args[0], n.pos)
		if err != nil {
			return pipeline.Stage{}, nil, fmt.Errorf("select: %w", err)
		}
		if seen[idx] {
			return pipeline.Stage{}, nil, fmt.Errorf("select: %w", &expr.Error{Src: args[0], Pos: n.pos, Msg: fmt.Sprintf("column %q listed twice", n.text)})
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
		idx, err := columnIndex(in, n.text, args[0], n.pos)
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
		old, nu, ok := strings.Cut(p.text, "=")
		old, nu = strings.TrimSpace(old), strings.TrimSpace(nu)
		if !ok || old == "" || nu == "" {
			return pipeline.Stage{}, nil, fmt.Errorf("rename: %q is not OLD=NEW", p.text)
		}
		idx, err := columnIndex(in, old, args[0], p.pos)
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
