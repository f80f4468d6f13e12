package transform

import (
	"context"
	"fmt"
	"os"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/expr"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// FlattenSpec is the command-line form of Flatten: flatten [COLS].
func FlattenSpec() verb.Spec {
	return verb.Spec{
		Name: "flatten", Args: []string{"[COLS]"},
		Summary: "replace struct columns (all of them, or the comma-separated COLS) by one column per field, named COL.FIELD, recursively",
		Words:   flattenWords, Parse: parseFlatten,
	}
}

// flattenWords: COLS is there unless the chain or the command line ends,
// or the word is stdin or an existing file (flatten events.ndjson).
func flattenWords(rest []string) int {
	if len(rest) == 0 || rest[0] == "then" || rest[0] == "-" {
		return 0
	}
	if st, err := os.Stat(rest[0]); err == nil && !st.IsDir() {
		return 0
	}
	return 1
}

func parseFlatten(args []string) (verb.Verb, error) {
	if len(args) == 0 {
		return Flatten(), nil
	}
	names, offs, err := parseNames("flatten", args[0])
	if err != nil {
		return verb.Verb{}, err
	}
	return located(Flatten(names...), args[0], offs), nil
}

// Flatten returns the verb that replaces struct columns by their fields,
// in place and in field order, each named COL.FIELD ("user.id"); a field
// that is a struct is flattened too ("user.geo.lat"). With no cols it
// flattens every struct column (none: the batches pass unchanged). A field
// is null where its struct is null. The fields' arrays are shared with the
// input (zero-copy) except where a struct has nulls: there a field gets a
// new validity bitmap, one bit per row. Build fails on a missing column, a
// named column that is not a struct, and an output name that another
// column already has.
func Flatten(cols ...string) verb.Verb {
	cols = slices.Clone(cols)
	return verb.Verb{
		Name: "flatten",
		Build: func(env verb.Env, in *arrow.Schema) (pipeline.Stage, *arrow.Schema, error) {
			return buildFlatten(env, cols, in)
		},
		Reads: func(in *arrow.Schema, needed []string) []string { return readsFlatten(cols, in, needed) },
	}
}

// flattened says which input columns Flatten(cols) flattens.
func flattened(cols []string, in *arrow.Schema) (map[int]bool, error) {
	flat := map[int]bool{}
	if len(cols) == 0 {
		for k, f := range in.Fields() {
			if f.Type.ID() == arrow.STRUCT {
				flat[k] = true
			}
		}
		return flat, nil
	}
	for k, name := range cols {
		idx, err := columnIndex("flatten", in, name, k)
		if err != nil {
			return nil, err
		}
		if t := in.Field(idx).Type; t.ID() != arrow.STRUCT {
			return nil, verb.TypeLimit(name, t, columnError("flatten", k, &expr.Error{Src: name,
				Msg: fmt.Sprintf("column %q is %s, not a struct: only struct columns flatten", name, t)}))
		}
		flat[idx] = true
	}
	return flat, nil
}

// leafFields appends the flattened fields of struct field f.
func leafFields(dst []arrow.Field, f arrow.Field) []arrow.Field {
	for _, c := range f.Type.(*arrow.StructType).Fields() {
		c.Name = f.Name + "." + c.Name
		c.Nullable = c.Nullable || f.Nullable
		if c.Type.ID() == arrow.STRUCT {
			dst = leafFields(dst, c)
			continue
		}
		dst = append(dst, c)
	}
	return dst
}

func buildFlatten(env verb.Env, cols []string, in *arrow.Schema) (pipeline.Stage, *arrow.Schema, error) {
	flat, err := flattened(cols, in)
	if err != nil {
		return pipeline.Stage{}, nil, err
	}
	var fields []arrow.Field
	for k, f := range in.Fields() {
		if flat[k] {
			fields = leafFields(fields, f)
			continue
		}
		fields = append(fields, f)
	}
	seen := map[string]bool{}
	for _, f := range fields {
		if seen[f.Name] {
			return pipeline.Stage{}, nil, fmt.Errorf("flatten: two columns would be named %q; rename one first", f.Name)
		}
		seen[f.Name] = true
	}
	md := in.Metadata()
	out := arrow.NewSchema(fields, &md)
	mem := env.Mem
	if mem == nil {
		mem = memory.DefaultAllocator
	}
	w := flattenWorker{in: in, out: out, flat: flat, mem: mem}
	return pipeline.Stage{Name: "flatten", Workers: env.Workers, NewWorker: func() pipeline.Worker { return w }}, out, nil
}

// readsFlatten: a needed column that comes from a flattened struct needs
// that struct; the named structs are read so that Build can check them.
func readsFlatten(cols []string, in *arrow.Schema, needed []string) []string {
	if needed == nil {
		return nil
	}
	flat, err := flattened(cols, in)
	if err != nil {
		return readsPassing(needed, cols)
	}
	from := map[string]string{} // output name -> input column
	for k, f := range in.Fields() {
		if flat[k] {
			for _, lf := range leafFields(nil, f) {
				from[lf.Name] = f.Name
			}
		}
	}
	var out []string
	for _, n := range needed {
		if c, ok := from[n]; ok {
			n = c
		}
		out = addName(out, n)
	}
	for _, c := range cols {
		out = addName(out, c)
	}
	return out
}

type flattenWorker struct {
	in, out *arrow.Schema
	flat    map[int]bool
	mem     memory.Allocator
}

func (w flattenWorker) Process(_ context.Context, _ uint64, in arrow.RecordBatch) (arrow.RecordBatch, error) {
	defer in.Release()
	if err := checkInput("flatten", in, w.in); err != nil {
		return nil, err
	}
	cols := make([]arrow.Array, 0, w.out.NumFields())
	for k, c := range in.Columns() {
		if w.flat[k] {
			cols = w.leaves(cols, c.(*array.Struct))
			continue
		}
		c.Retain()
		cols = append(cols, c)
	}
	out := array.NewRecordBatch(w.out, cols, in.NumRows())
	for _, c := range cols {
		c.Release()
	}
	return out, nil
}

// leaves appends the flattened fields of s, which the caller releases.
func (w flattenWorker) leaves(dst []arrow.Array, s *array.Struct) []arrow.Array {
	for k := range s.NumField() {
		f := s.Field(k)
		if s.NullN() > 0 {
			f = w.nullWhere(f, s)
		} else {
			f.Retain()
		}
		if st, ok := f.(*array.Struct); ok {
			dst = w.leaves(dst, st)
			f.Release()
			continue
		}
		dst = append(dst, f)
	}
	return dst
}

// nullWhere returns field f of struct s with a validity bitmap that is
// also null where s is null (Arrow leaves a field's values under a null
// struct undefined: they need not be null).
func (w flattenWorker) nullWhere(f arrow.Array, s *array.Struct) arrow.Array {
	d := f.Data()
	if d.DataType().ID() == arrow.NULL {
		f.Retain()
		return f
	}
	off, n := d.Offset(), d.Len()
	valid := memory.NewResizableBuffer(w.mem)
	valid.Resize(int(bitutil.BytesForBits(int64(off + n))))
	bits := valid.Bytes()
	clear(bits)
	nulls := 0
	for i := range n {
		if s.IsValid(i) && f.IsValid(i) {
			bitutil.SetBit(bits, off+i)
		} else {
			nulls++
		}
	}
	bufs := slices.Clone(d.Buffers())
	bufs[0] = valid
	var nd *array.Data
	if d.DataType().ID() == arrow.DICTIONARY {
		nd = array.NewDataWithDictionary(d.DataType(), n, bufs, nulls, off, d.Dictionary().(*array.Data))
	} else {
		nd = array.NewData(d.DataType(), n, bufs, d.Children(), nulls, off)
	}
	valid.Release()
	out := array.MakeFromData(nd)
	nd.Release()
	return out
}
