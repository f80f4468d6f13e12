package aggregate

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/sharedmem"
	"github.com/arrowpipe/arrowpipe/stages/internal/rowtest"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// largeOf is dt with utf8 made large_utf8, inside lists too: the type a
// verb's output column has when its input text is large_utf8.
func largeOf(dt arrow.DataType) arrow.DataType {
	switch dt.ID() {
	case arrow.STRING:
		return arrow.BinaryTypes.LargeString
	case arrow.LIST:
		return arrow.ListOf(largeOf(dt.(*arrow.ListType).Elem()))
	}
	return dt
}

// largeSchema is s with its text columns as large_utf8 (Polars' text).
func largeSchema(s *arrow.Schema) *arrow.Schema {
	fields := s.Fields()
	for i := range fields {
		fields[i].Type = largeOf(fields[i].Type)
	}
	return arrow.NewSchema(fields, nil)
}

// largeTextCase is one verb run on the same rows as utf8 and as
// large_utf8, with an optional independent reference.
type largeTextCase struct {
	name  string
	build func(t *testing.T, env verb.Env, in *arrow.Schema) []pipeline.Stage
	ref   func(t *testing.T, rows []row) []row
	// spill runs c under a memory cap its rows exceed (sort, top, tail
	// spill to disk; groupby and distinct would fail).
	spill bool
}

func verbStage(name string, args ...string) func(t *testing.T, env verb.Env, in *arrow.Schema) []pipeline.Stage {
	return func(t *testing.T, env verb.Env, in *arrow.Schema) []pipeline.Stage {
		st, _, err := buildVerb(t, env, name, in, args...)
		require.NoError(t, err)
		return []pipeline.Stage{st}
	}
}

// statesStages is groupby split in its two phases (a cluster's workers
// and its coordinator), the partial states passing between them.
func statesStages(keys, aggs string) func(t *testing.T, env verb.Env, in *arrow.Schema) []pipeline.Stage {
	return func(t *testing.T, env verb.Env, in *arrow.Schema) []pipeline.Stage {
		ks, as, err := ParseGroupBy(keys, aggs)
		require.NoError(t, err)
		first, _, err := GroupByStates(ks, as...).Build(env, in)
		require.NoError(t, err)
		merge, _, err := MergeStates(env, in, ks, as)
		require.NoError(t, err)
		return []pipeline.Stage{first, merge}
	}
}

const stringAggs = "min(v_str), max(v_str), first(v_str), last(v_str), count_distinct(v_str), " +
	"approx_count_distinct(v_str), list(v_str), count(v_str), count() as n"

func largeTextCases() []largeTextCase {
	sorted := func(spec string) func(t *testing.T, rows []row) []row {
		return func(t *testing.T, rows []row) []row { return refSort(t, rows, spec) }
	}
	distinct := func(last bool, cols ...string) func(t *testing.T, rows []row) []row {
		return func(_ *testing.T, rows []row) []row { return refDistinct(rows, cols, last) }
	}
	return []largeTextCase{
		{"sort/k_str", verbStage("sort", "k_str"), sorted("k_str"), true},
		{"sort/desc-nulls-first", verbStage("sort", "k_str desc nulls first, v_str"), sorted("k_str desc nulls first, v_str"), true},
		{"sort/mixed-keys", verbStage("sort", "v_str nulls first, k_int desc, k_str desc"), sorted("v_str nulls first, k_int desc, k_str desc"), true},
		{"top", verbStage("top", "7", "k_str desc, v_str"), func(t *testing.T, rows []row) []row {
			s := refSort(t, rows, "k_str desc, v_str")
			return s[:min(7, len(s))]
		}, true},
		{"top-by-group", verbStage("top", "2", "v_str desc", "k_str"), nil, true},
		{"distinct/k_str", verbStage("distinct", "k_str"), distinct(false, "k_str"), false},
		{"distinct/k_str,v_str/last", verbStage("distinct", "k_str,v_str", "last"), distinct(true, "k_str", "v_str"), true},
		{"distinct/rows", verbStage("distinct"), distinct(false), false},
		{"count_distinct", verbStage("count_distinct", "k_str,v_str"), nil, false},
		{"tail", func(_ *testing.T, env verb.Env, in *arrow.Schema) []pipeline.Stage {
			return []pipeline.Stage{NewTail(env, in, 9)}
		}, func(_ *testing.T, rows []row) []row { return rows[max(0, len(rows)-9):] }, true},
		{"groupby/k_str", verbStage("groupby", "k_str", stringAggs), nil, false},
		{"groupby/v_str,k_int", verbStage("groupby", "v_str,k_int", "min(k_str), list(k_str), count_distinct(k_str)"), nil, false},
		{"agg", verbStage("agg", stringAggs), nil, false},
		{"states/k_str", statesStages("k_str", stringAggs), nil, false},
	}
}

// Every verb of the package that takes text takes large_utf8 (Polars'
// text) as it takes utf8: the same rows, and large_utf8 wherever the
// output holds the input's text.
func TestLargeText(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 1))
	sizes := []struct {
		rows, maxRows int
	}{{40, 1}, {1500, 1000}}
	modes := []sharedmem.Mode{sharedmem.Shared, sharedmem.Copy, sharedmem.Auto}
	// Each case and size runs on 1 and 4 workers, the handoff modes taken
	// in turn, so that every mode meets every verb and the race run stays
	// short.
	turn := 0
	for _, c := range largeTextCases() {
		for _, size := range sizes {
			rows := randomRows(r, size.rows)
			parts := rowtest.Split(r, rows, size.maxRows)
			for _, workers := range []int{1, 4} {
				turn++
				mode := modes[turn%len(modes)]
				name := fmt.Sprintf("%s/batch=%d/mode=%v/workers=%d", c.name, size.maxRows, mode, workers)
				t.Run(name, func(t *testing.T) {
					small, wantRows := runLargeCase(t, c, testSchema, parts, mode, workers)
					large, gotRows := runLargeCase(t, c, largeSchema(testSchema), parts, mode, workers)
					for i, f := range small.Fields() {
						assert.Truef(t, arrow.TypeEqual(largeOf(f.Type), large.Field(i).Type),
							"column %s: %s, want %s", f.Name, large.Field(i).Type, largeOf(f.Type))
					}
					if c.ref != nil {
						require.Equal(t, c.ref(t, rows), wantRows, "utf8 against the reference")
					}
					require.Equal(t, wantRows, gotRows)
				})
			}
		}
	}
}

// runLargeCase runs c's stages on parts as batches of schema in the
// engine; it returns the output schema (each batch's, checked equal) and
// rows, and checks that nothing stays allocated.
func runLargeCase(t *testing.T, c largeTextCase, schema *arrow.Schema, parts [][]row, mode sharedmem.Mode, workers int) (*arrow.Schema, []row) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	env := verb.Env{Workers: workers, Mem: mem, MaxMemory: 4 << 20, TempDir: t.TempDir()}
	if c.spill {
		env.MaxMemory = 64 << 10
	}
	stages := c.build(t, env, schema)
	src := &recSource{schema: schema, recs: rowtest.Batches(t, mem, schema, parts)}
	defer src.release()
	sink := &recSink{}
	p := pipeline.New(src, stages, sink, pipeline.Config{
		Handoff: sharedmem.Policy{Mode: mode}, Mem: mem, DecodeWorkers: workers, EncodeWorkers: workers,
	})
	defer func() { releaseAll(sink.recs) }()
	require.NoError(t, p.Run(context.Background()))
	var out *arrow.Schema
	for _, rec := range sink.recs {
		if out == nil {
			out = rec.Schema()
		}
		require.True(t, out.Equal(rec.Schema()), "batch schema %s, want %s", rec.Schema(), out)
		for i, col := range rec.Columns() {
			require.Truef(t, arrow.TypeEqual(col.DataType(), out.Field(i).Type), "column %d is %s", i, col.DataType())
		}
	}
	if out == nil {
		out = arrow.NewSchema(nil, nil)
	}
	return out, rowtest.Rows(t, sink.recs)
}

// The offsets of a large_utf8 slice are read relative to its first value,
// sharing its data: a slice deep into a batch reads as its own values.
func TestStrViewLargeSlice(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	b := array.NewLargeStringBuilder(mem)
	defer b.Release()
	b.AppendValues([]string{"alpha", "beta", "", "gamma", "delta"}, nil)
	arr := b.NewArray()
	defer arr.Release()
	sl := array.NewSlice(arr, 2, 5)
	defer sl.Release()
	offs, data, err := strView(sl, nil)
	require.NoError(t, err)
	require.Len(t, offs, 4)
	var got []string
	for i := range 3 {
		got = append(got, string(data[offs[i]:offs[i+1]]))
	}
	assert.Equal(t, []string{"", "gamma", "delta"}, got)
	empty := array.NewSlice(arr, 5, 5)
	defer empty.Release()
	offs, data, err = strView(empty, offs)
	require.NoError(t, err)
	assert.Equal(t, []int32{0}, offs)
	assert.Empty(t, data)
}
