package transform

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/expr"
	"github.com/arrowpipe/arrowpipe/stages/internal/colname"
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

func buildFilter(env verb.Env, args []string, in *arrow.Schema) (pipeline.Stage, *arrow.Schema, error) {
	e, err := expr.Compile(args[0], in)
	if err != nil {
		return pipeline.Stage{}, nil, fmt.Errorf("filter: %w", err)
	}
	switch e.Type().ID() {
	case arrow.BOOL, arrow.NULL:
	default:
		return pipeline.Stage{}, nil, fmt.Errorf("filter: %q is %s, not a condition", args[0], e.Type())
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

// splitAssignments splits "a = x; b = y" at semicolons outside quotes and
// returns each assignment with its byte offset in arg.
func splitAssignments(arg string) (parts []string, offs []int) {
	start := 0
	var quote byte
	for i := 0; i < len(arg); i++ {
		c := arg[i]
		switch {
		case quote != 0 && c == '\\' && quote != '`':
			i++
		case quote != 0 && c == quote:
			quote = 0
		case quote != 0:
		case c == '\'' || c == '"' || c == '`':
			quote = c
		case c == ';':
			parts, offs = append(parts, arg[start:i]), append(offs, start)
			start = i + 1
		}
	}
	parts, offs = append(parts, arg[start:]), append(offs, start)
	return parts, offs
}

// parseAssignment splits "NAME = EXPR" (NAME bare or in backticks) and
// returns the name and the offset of the expression within a.
func parseAssignment(a string) (name string, exprAt int, err error) {
	i := 0
	for i < len(a) && (a[i] == ' ' || a[i] == '\t' || a[i] == '\n' || a[i] == '\r') {
		i++
	}
	if i < len(a) && a[i] == '`' {
		var b strings.Builder
		j := i + 1
		for ; j < len(a); j++ {
			if a[j] == '`' {
				if j+1 < len(a) && a[j+1] == '`' {
					b.WriteByte('`')
					j++
					continue
				}
				break
			}
			b.WriteByte(a[j])
		}
		if j >= len(a) {
			return "", 0, errors.New("unterminated backtick")
		}
		name, i = b.String(), j+1
	} else {
		j := i
		for j < len(a) && a[j] != '=' && a[j] != ' ' && a[j] != '\t' {
			j++
		}
		name, i = a[i:j], j
	}
	for i < len(a) && (a[i] == ' ' || a[i] == '\t') {
		i++
	}
	if name == "" || i >= len(a) || a[i] != '=' || i+1 < len(a) && a[i+1] == '=' {
		return "", 0, fmt.Errorf("%q is not NAME = EXPR", strings.TrimSpace(a))
	}
	return name, i + 1, nil
}

func buildDerive(env verb.Env, args []string, in *arrow.Schema) (pipeline.Stage, *arrow.Schema, error) {
	arg := args[0]
	parts, offs := splitAssignments(arg)
	schema := in
	var steps []step
	for k, p := range parts {
		if strings.TrimSpace(p) == "" {
			if k == len(parts)-1 && k > 0 {
				continue // a trailing semicolon
			}
			return pipeline.Stage{}, nil, fmt.Errorf("derive: empty assignment in %q", arg)
		}
		name, at, err := parseAssignment(p)
		if err != nil {
			return pipeline.Stage{}, nil, fmt.Errorf("derive: %w", err)
		}
		e, err := expr.Compile(p[at:], schema)
		if err != nil {
			var xe *expr.Error
			if errors.As(err, &xe) { // point into the whole argument
				xe2 := *xe
				xe2.Src, xe2.Pos = arg, offs[k]+at+xe.Pos
				return pipeline.Stage{}, nil, fmt.Errorf("derive: %s: %w", name, &xe2)
			}
			return pipeline.Stage{}, nil, fmt.Errorf("derive: %s: %w", name, err)
		}
		st := step{e: e, name: name, schema: schema, pos: schema.NumFields()}
		fields := append([]arrow.Field(nil), schema.Fields()...)
		f := arrow.Field{Name: name, Type: e.Type(), Nullable: true}
		switch idx := schema.FieldIndices(name); len(idx) {
		case 0:
			fields = append(fields, f)
		case 1:
			st.pos = idx[0]
			fields[idx[0]] = f
		default:
			return pipeline.Stage{}, nil, fmt.Errorf("derive: column name %q is ambiguous", name)
		}
		md := in.Metadata()
		schema = arrow.NewSchema(fields, &md)
		steps = append(steps, st)
	}
	return newComputeStage("derive", env, steps, schema), schema, nil
}

// castTypes maps cast type names to the conversion function.
var castTypes = map[string]string{
	"int": "to_int", "int64": "to_int", "integer": "to_int",
	"float": "to_float", "float64": "to_float", "double": "to_float",
	"string": "to_string", "str": "to_string", "utf8": "to_string",
	"bool": "to_bool", "boolean": "to_bool",
	"timestamp": "to_timestamp", "date": "to_date",
}

func buildCast(env verb.Env, args []string, in *arrow.Schema) (pipeline.Stage, *arrow.Schema, error) {
	items, err := splitItems(args[0])
	if err != nil {
		return pipeline.Stage{}, nil, fmt.Errorf("cast: %w", err)
	}
	fields := append([]arrow.Field(nil), in.Fields()...)
	var steps []step
	schema := in
	for _, it := range items {
		col, typ, ok, err := colname.Cut(it.Text, ':')
		if err != nil {
			return pipeline.Stage{}, nil, fmt.Errorf("cast: %w", err)
		}
		typ = strings.ToLower(typ)
		if !ok || col == "" || typ == "" {
			return pipeline.Stage{}, nil, fmt.Errorf("cast: %q is not COL:TYPE", it.Text)
		}
		fn, ok := castTypes[typ]
		if !ok {
			names := []string{"int", "float", "string", "bool", "timestamp", "date"}
			all := make([]string, 0, len(castTypes))
			for k := range castTypes {
				all = append(all, k)
			}
			sort.Strings(all)
			hint := expr.Closest(typ, all)
			if hint != "" {
				return pipeline.Stage{}, nil, fmt.Errorf("cast: unknown type %q, did you mean %q?", typ, hint)
			}
			return pipeline.Stage{}, nil, fmt.Errorf("cast: unknown type %q (types: %s)", typ, strings.Join(names, ", "))
		}
		idx, err := columnIndex(in, col, args[0], it.Pos)
		if err != nil {
			return pipeline.Stage{}, nil, fmt.Errorf("cast: %w", err)
		}
		quoted := "`" + strings.ReplaceAll(col, "`", "``") + "`"
		e, err := expr.Compile(fn+"("+quoted+")", schema)
		if err != nil {
			return pipeline.Stage{}, nil, fmt.Errorf("cast: column %q to %s: %s", col, typ, firstLine(err))
		}
		if arrow.TypeEqual(e.Type(), schema.Field(idx).Type) {
			continue // already that type
		}
		steps = append(steps, step{e: e, name: col, schema: schema, pos: idx, strict: true, src: idx, to: e.Type().String()})
		fields[idx] = arrow.Field{Name: col, Type: e.Type(), Nullable: true, Metadata: in.Field(idx).Metadata}
		md := in.Metadata()
		schema = arrow.NewSchema(append([]arrow.Field(nil), fields...), &md)
	}
	return newComputeStage("cast", env, steps, schema), schema, nil
}

func firstLine(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}
