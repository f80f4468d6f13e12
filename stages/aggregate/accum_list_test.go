package aggregate

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/sharedmem"
	"github.com/arrowpipe/arrowpipe/stages/internal/rowtest"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// list(col) is each group's values, nulls included, in input order: the
// reference's lists across batch sizes (one-row batches over few rows),
// 1 and 4 workers (whose batches interleave, so that their partial lists
// must be put back in input order) and every handoff mode.
func TestListAggregate(t *testing.T) {
	rows := randomRows(rand.New(rand.NewPCG(41, 42)), 2000)
	aggs := "list(v_int), list(v_str) as strs, list(v_f), list(v_ts), list(v_bool), list(v_i32), count() as n"
	ref := []refAgg{{"list", "v_int", 0}, {"list", "v_str", 0}, {"list", "v_f", 0}, {"list", "v_ts", 0},
		{"list", "v_bool", 0}, {"list", "v_i32", 0}, {"count", "", 0}}
	// Small batches cost a pipeline trip each: one-row batches run over
	// 80 rows, seven-row ones over 300; the last two key sets in one mode.
	short, mid := rows[:80], rows[:300]
	for ki, keys := range []string{"k_str", "k_int,k_bool", "-"} {
		modes := []sharedmem.Mode{sharedmem.Shared, sharedmem.Copy, sharedmem.Auto}
		if ki > 0 {
			modes = modes[2:]
		}
		for _, mode := range modes {
			for _, workers := range []int{1, 4} {
				for _, maxRows := range []int{1, 7, 1000} {
					t.Run(fmt.Sprintf("keys=%s/mode=%v/workers=%d/batch=%d", keys, mode, workers, maxRows), func(t *testing.T) {
						mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
						defer mem.AssertSize(t, 0)
						in := rows
						switch maxRows {
						case 1:
							in = short
						case 7:
							in = mid
						}
						var keyList []string
						if keys != "-" {
							keyList = strings.Split(keys, ",")
						}
						want := refGroupBy(t, in, keyList, ref)
						parts := rowtest.Split(rand.New(rand.NewPCG(9, uint64(maxRows))), in, maxRows)
						env := verb.Env{Workers: workers, Mem: mem, BatchRows: 30}
						st, schema, err := buildVerb(t, env, "groupby", testSchema, keys, aggs)
						require.NoError(t, err)
						assert.Equal(t, arrow.ListOf(arrow.BinaryTypes.String), schema.Field(len(keyList)+1).Type)
						assert.Equal(t, "strs", schema.Field(len(keyList)+1).Name)
						assert.Equal(t, "list_v_int", schema.Field(len(keyList)).Name)
						got, err := runStage(t, context.Background(), mem, workers, mode, parts, st)
						require.NoError(t, err)
						require.Equal(t, want, got)
					})
				}
			}
		}
	}
}

// Workers that each see their batches in a shuffled order still give
// lists in input order.
func TestListShuffledWorkers(t *testing.T) {
	for _, workers := range []int{3, 8} {
		t.Run(fmt.Sprintf("workers=%d", workers), func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			r := rand.New(rand.NewPCG(43, uint64(workers)))
			parts := rowtest.Split(r, randomRows(r, 1500), 60)
			want := refGroupBy(t, flatten(parts), []string{"k_bool"}, []refAgg{{"list", "v_str", 0}, {"list", "v_date", 0}})
			st, _, err := GroupBy([]string{"k_bool"}, List("v_str"), List("v_date")).Build(verb.Env{Workers: workers, Mem: mem}, testSchema)
			require.NoError(t, err)
			out, err := drive(t, context.Background(), st, rowtest.Batches(t, mem, testSchema, parts), workers, r)
			require.NoError(t, err)
			defer releaseAll(out)
			assert.Equal(t, want, rowtest.Rows(t, out))
		})
	}
}

// agg list() over an empty stream is one null list, as DuckDB's list();
// the lists past the memory cap are ErrMemory, and nothing is left held.
func TestListEmptyAndCap(t *testing.T) {
	t.Run("empty", func(t *testing.T) {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		defer mem.AssertSize(t, 0)
		st, _, err := Agg(List("v_int")).Build(verb.Env{Workers: 2, Mem: mem}, testSchema)
		require.NoError(t, err)
		got, err := runStage(t, context.Background(), mem, 2, sharedmem.Auto, nil, st)
		require.NoError(t, err)
		assert.Equal(t, []row{{nil}}, got)
	})
	t.Run("cap", func(t *testing.T) {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		defer mem.AssertSize(t, 0)
		parts := rowtest.Split(rand.New(rand.NewPCG(1, 2)), randomRows(rand.New(rand.NewPCG(3, 4)), 3000), 200)
		st, _, err := GroupBy([]string{"k_str"}, List("v_str")).Build(verb.Env{Workers: 2, Mem: mem, MaxMemory: 16 << 10}, testSchema)
		require.NoError(t, err)
		_, err = runStage(t, context.Background(), mem, 2, sharedmem.Shared, parts, st)
		require.True(t, errors.Is(err, ErrMemory), "%v", err)
		require.Eventually(t, func() bool { return mem.CurrentAlloc() == 0 }, 10*time.Second, 5*time.Millisecond)
	})
	t.Run("nested", func(t *testing.T) {
		in := arrow.NewSchema([]arrow.Field{{Name: "l", Type: arrow.ListOf(arrow.PrimitiveTypes.Int64)}}, nil)
		_, _, err := Agg(List("l")).Build(verb.Env{}, in)
		assert.ErrorContains(t, err, "unsupported column type list")
	})
}
