package plan_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/sharedmem"
	"github.com/arrowpipe/arrowpipe/stages/parquetio"
	"github.com/arrowpipe/arrowpipe/stages/plan"
	"github.com/arrowpipe/arrowpipe/stages/transform"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// writeParquet writes rows id = from..to-1 (as idType), region cycling
// through EU, US, APAC by tens, in row groups of 50.
func writeParquet(t *testing.T, path string, idType arrow.DataType, from, to int) {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "id", Type: idType},
		{Name: "region", Type: arrow.BinaryTypes.String, Nullable: true},
	}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	for i := from; i < to; i++ {
		switch fb := b.Field(0).(type) {
		case *array.Int64Builder:
			fb.Append(int64(i))
		case *array.Float64Builder:
			fb.Append(float64(i))
		}
		if i%7 == 0 {
			b.Field(1).AppendNull()
		} else {
			b.Field(1).(*array.StringBuilder).Append([]string{"EU", "US", "APAC"}[(i/50)%3])
		}
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	f, err := os.Create(path)
	require.NoError(t, err)
	defer f.Close()
	sink, err := parquetio.NewSink(f, schema, parquetio.SinkOptions{RowGroupRows: 50})
	require.NoError(t, err)
	rec.Retain()
	require.NoError(t, sink.Write(context.Background(), pipeline.Chunk{Batch: rec}))
	require.NoError(t, sink.Close(context.Background()))
}

// runFilter reads paths through a filter, pruned by it when prune, and
// returns the ids kept, sorted, and the row groups skipped.
func runFilter(t *testing.T, paths []string, cond string, prune bool, workers int, mode sharedmem.Mode) ([]float64, int) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	filter := transform.Filter(cond)
	opts := plan.ReadOptions{Mem: mem}
	if prune {
		opts.Prune = &filter
	}
	src, err := plan.Open(context.Background(), paths, nil, opts)
	require.NoError(t, err)
	defer src.Close()
	env := verb.Env{Workers: workers, Mem: mem}
	p, err := plan.Build(env, []verb.Verb{filter}, src, plan.Options{})
	require.NoError(t, err)
	var ids []float64
	err = pipeline.New(src, p.Stages, pipeline.ToFunc(func(_ context.Context, rec arrow.RecordBatch) error {
		col := rec.Column(rec.Schema().FieldIndices("id")[0])
		for r := range int(rec.NumRows()) {
			switch c := col.(type) {
			case *array.Int64:
				ids = append(ids, float64(c.Value(r)))
			case *array.Float64:
				ids = append(ids, c.Value(r))
			}
		}
		return nil
	}), pipeline.Config{DecodeWorkers: workers, Handoff: sharedmem.Policy{Mode: mode}, Mem: mem}).Run(context.Background())
	require.NoError(t, err)
	slices.Sort(ids)
	return ids, src.PrunedRowGroups()
}

// A leading filter skips Parquet row groups by their statistics, in one
// file and in a union, and keeps exactly the rows the unpruned read keeps;
// a column whose type the union widens is not pruned in the file that has
// the narrower type.
func TestLeadingFilterPrunesRowGroups(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.parquet"), filepath.Join(dir, "b.parquet")
	writeParquet(t, a, arrow.PrimitiveTypes.Int64, 0, 1000)
	writeParquet(t, b, arrow.PrimitiveTypes.Float64, 1000, 2000)
	cases := []struct {
		paths      []string
		cond       string
		minSkipped int
	}{
		{[]string{a}, `id >= 900`, 18},
		{[]string{a}, `region == "EU" and id < 400`, 14},
		{[]string{a}, `region in ("US", "APAC") and 120 > id`, 17},
		{[]string{a}, `region is null`, 0},
		{[]string{a}, `id > 100 or id < 50`, 0},
		{[]string{a, b}, `region == "APAC"`, 27},
		// b only: a's id is int64, the union's float64, so its 20 row
		// groups are read although none holds 1525.
		{[]string{a, b}, `id == 1525`, 19},
	}
	for _, c := range cases {
		for _, workers := range []int{1, 4} {
			for _, mode := range []sharedmem.Mode{sharedmem.Shared, sharedmem.Copy, sharedmem.Auto} {
				t.Run(fmt.Sprintf("%s/files=%d/workers=%d/mode=%v", c.cond, len(c.paths), workers, mode), func(t *testing.T) {
					want, none := runFilter(t, c.paths, c.cond, false, workers, mode)
					got, skipped := runFilter(t, c.paths, c.cond, true, workers, mode)
					assert.Zero(t, none)
					assert.Equal(t, want, got)
					assert.GreaterOrEqual(t, skipped, c.minSkipped)
					if c.minSkipped == 0 || len(c.paths) > 1 {
						assert.Equal(t, c.minSkipped, skipped)
					}
				})
			}
		}
	}
}
