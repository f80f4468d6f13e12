package plan

import (
	"context"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// fileColumn numbers the files in the batch that prune filters; the NUL
// keeps it apart from any partition key.
const fileColumn = "\x00file"

// prune runs a row filter over the files' partition values, one row per
// file, and reports which files keep a row. It reports nil (read every
// file) when the filter reads other columns than the partition keys, or
// is not a plain per-batch filter.
func prune(ctx context.Context, v *verb.Verb, cols []hiveColumn, consts []map[string]*constant, mem memory.Allocator) ([]bool, error) {
	fields := make([]arrow.Field, 0, len(cols)+1)
	for _, c := range cols {
		t := arrow.DataType(arrow.BinaryTypes.String)
		if c.isInt {
			t = arrow.PrimitiveTypes.Int64
		}
		fields = append(fields, arrow.Field{Name: c.name, Type: t, Nullable: true})
	}
	fields = append(fields, arrow.Field{Name: fileColumn, Type: arrow.PrimitiveTypes.Int64})
	schema := arrow.NewSchema(fields, nil)
	stage, out, err := v.Build(verb.Env{Workers: 1, Mem: mem}, schema)
	if err != nil || stage.Finish != nil || stage.NewWorker == nil || !out.Equal(schema) {
		return nil, nil //nolint:nilerr // a filter on other columns: no pruning
	}
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	for i, file := range consts {
		for j, c := range cols {
			k := file[c.name]
			switch fb := b.Field(j).(type) {
			case *array.Int64Builder:
				if k.valid {
					fb.Append(k.num)
				} else {
					fb.AppendNull()
				}
			case *array.StringBuilder:
				if k.valid {
					fb.Append(k.value)
				} else {
					fb.AppendNull()
				}
			}
		}
		b.Field(len(cols)).(*array.Int64Builder).Append(int64(i))
	}
	rec := b.NewRecordBatch()
	kept, err := stage.NewWorker().Process(ctx, 0, rec)
	if err != nil {
		return nil, err
	}
	keep := make([]bool, len(consts))
	if kept == nil {
		return keep, nil
	}
	defer kept.Release()
	idx := kept.Column(kept.Schema().FieldIndices(fileColumn)[0]).(*array.Int64)
	for _, i := range idx.Int64Values() {
		keep[i] = true
	}
	return keep, nil
}

// isFilter tells a verb that prune may run: a filter, which keeps or
// drops each row by its own values.
func isFilter(v *verb.Verb) bool { return v != nil && slices.Contains([]string{"filter"}, v.Name) }
