package window

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/sharedmem"
	"github.com/arrowpipe/arrowpipe/stages/aggregate"
	"github.com/arrowpipe/arrowpipe/stages/internal/rowtest"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// funcSets are the functions under test, in three sets: streaming only,
// with lead (batches held until their leads are known), with ranks
// (held to the end).
var funcSets = map[string][]Func{
	"streaming": {
		Lag("v_int", 1), Lag("v_str", 2).Or("none"), Lag("v_f", 0).As("same"), Lag("v_ts", 3),
		RowNumber(), RunningSum("v_int"), RunningSum("v_f"), RunningSum("v_i32"),
		RunningCount("v_f"), RunningCount("").As("rows"), RunningMean("v_i32"), RunningMean("v_f"),
		RunningMin("v_str"), RunningMax("v_f"), RunningMin("v_ts"), RunningMax("v_int"), RunningMin("v_f"),
		MovingSum("v_int", 3), MovingMean("v_f", 4), MovingSum("v_f", 2), MovingMean("v_i32", 5), MovingSum("v_int", 1).As("m1"),
		Delta("v_int"), Delta("v_f"), Delta("v_i32"), Ratio("v_f"), Ratio("v_int"), EWMA("v_f", 0.3), EWMA("v_i32", 1),
	},
	"lead": {
		Lead("v_int", 1), Lead("v_str", 3).Or("x"), Lead("v_bool", 0), Lag("v_f", 1), RunningSum("v_int"), Lead("v_f", 2).Or(-1.5),
	},
	"rank": {
		Rank(aggregate.Desc("v_int")), DenseRank(aggregate.SortKey{Column: "v_f", NullsFirst: true}, aggregate.Asc("v_str")),
		Rank(aggregate.Asc("v_bool")).As("rb"), DenseRank(aggregate.Desc("v_f")).As("df"), Lead("v_int", 1), RowNumber(),
	},
}

var keySets = [][]string{nil, {"g"}, {"h"}, {"v_int"}, {"g", "h"}, {"v_bool"}, {"v_f"}}

// Every function against the reference, for each key set (in one
// configuration) and in every configuration (for one key set): every
// handoff mode, 1 and 4 workers before the stage, ordered and not; each
// with batches of 1 to 1000 rows so that groups straddle them.
func TestWindowMatchesReference(t *testing.T) {
	type run struct {
		keys []string
		cfg  runConfig
	}
	var runs []run
	for _, keys := range keySets {
		runs = append(runs, run{keys, runConfig{sharedmem.Auto, 4, false}})
	}
	for _, cfg := range configs() {
		runs = append(runs, run{[]string{"g", "h"}, cfg})
	}
	for set, fns := range funcSets {
		for _, rn := range runs {
			name := fmt.Sprintf("fns=%s/keys=%s/%v", set, keysName(rn.keys), rn.cfg)
			t.Run(name, func(t *testing.T) {
				mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
				defer mem.AssertSize(t, 0)
				r := rand.New(rand.NewPCG(uint64(len(rn.keys)), uint64(rn.cfg.workers)))
				rows := randomRows(r, 500)
				want := refWindow(rows, rn.keys, fns)
				names := outNames(fns)
				for _, maxRows := range []int{1, 7, 100, 1000} {
					got, err := runVerb(t, context.Background(), mem, verb.Env{}, rn.cfg, rowtest.Split(r, rows, maxRows), Window(rn.keys, fns...))
					require.NoError(t, err)
					if d := sameRows(want, got, names); d != "" {
						t.Fatalf("batches of up to %d rows: %s", maxRows, d)
					}
				}
			})
		}
	}
}

func keysName(keys []string) string {
	if keys == nil {
		return "-"
	}
	return fmt.Sprint(keys)
}

func outNames(fns []Func) []string {
	var names []string
	for _, f := range testSchema.Fields() {
		names = append(names, f.Name)
	}
	for _, f := range fns {
		names = append(names, f.outName())
	}
	return names
}

// Empty input gives no rows, and empty batches are skipped.
func TestWindowEmpty(t *testing.T) {
	for set, fns := range funcSets {
		t.Run("fns="+set, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			got, err := runVerb(t, context.Background(), mem, verb.Env{}, configs()[0], [][]row{{}, {}}, Window([]string{"g"}, fns...))
			require.NoError(t, err)
			require.Empty(t, got)
		})
	}
}

// The output schema: input columns, then the functions' columns with
// their types.
func TestWindowSchema(t *testing.T) {
	_, out, err := Window([]string{"g"}, funcSets["streaming"]...).Build(verb.Env{}, testSchema)
	require.NoError(t, err)
	types := map[string]string{}
	for _, f := range out.Fields() {
		types[f.Name] = f.Type.String()
	}
	require.Equal(t, "int64", types["lag_v_int"])
	require.Equal(t, "timestamp[us, tz=UTC]", types["lag_v_ts"])
	require.Equal(t, "int64", types["running_sum_v_i32"])
	require.Equal(t, "float64", types["running_mean_v_i32"])
	require.Equal(t, "int64", types["delta_v_i32"])
	require.Equal(t, "float64", types["ratio_v_int"])
	require.Equal(t, "utf8", types["running_min_v_str"])
	for i, f := range testSchema.Fields() {
		require.Equal(t, f, out.Field(i))
	}
}

// Integer keys in and out of the small-key slice, and null, are told
// apart and numbered in order of first appearance.
func TestGroupsIntKeys(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	b := array.NewInt64Builder(mem)
	defer b.Release()
	keys := []int64{65535, 65536, -1, 0, 1 << 40, 65535, 3, 0, -1, 65536, 1 << 40}
	for _, k := range keys {
		b.Append(k)
	}
	b.AppendNull()
	b.Append(3)
	b.AppendNull()
	arr := b.NewArray()
	defer arr.Release()
	g := newGroups([]kind{kindInt})
	got := g.ids([]arrow.Array{arr}, arr.Len(), nil)
	require.Equal(t, []uint32{0, 1, 2, 3, 4, 0, 5, 3, 2, 1, 4, 6, 5, 6}, got)
	require.Equal(t, 7, g.n)
}
