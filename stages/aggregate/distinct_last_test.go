package aggregate

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/sharedmem"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// repeatedRows draws n rows from a pool of distinct ones, so that whole
// rows repeat.
func repeatedRows(r *rand.Rand, n int) []row {
	pool := randomRows(r, 300)
	out := make([]row, n)
	for i := range out {
		out[i] = pool[r.IntN(len(pool))]
	}
	return out
}

// refDistinct keeps the first (or, with last, the latest) row of each
// combination of cols (all columns when none), in the order of the kept
// rows' positions.
func refDistinct(rows []row, cols []string, last bool) []row {
	key := func(r row) string {
		if len(cols) == 0 {
			return fmt.Sprintf("%#v", r)
		}
		var k []any
		for _, c := range cols {
			k = append(k, r[testSchema.FieldIndices(c)[0]])
		}
		return fmt.Sprintf("%#v", k)
	}
	at := map[string]int{}
	for i, r := range rows {
		if _, ok := at[key(r)]; !ok || last {
			at[key(r)] = i
		}
	}
	var out []row
	for i, r := range rows {
		if at[key(r)] == i {
			out = append(out, r)
		}
	}
	return out
}

// runDistinct runs v over parts in the engine and returns its rows.
func runDistinct(t *testing.T, ctx context.Context, mem memory.Allocator, env verb.Env, mode sharedmem.Mode, parts [][]row, v verb.Verb) ([]row, error) {
	t.Helper()
	st, _, err := v.Build(env, testSchema)
	require.NoError(t, err)
	src := &recSource{schema: testSchema, recs: batchesOf(t, mem, testSchema, parts)}
	defer src.release()
	sink := &recSink{}
	p := pipeline.New(src, []pipeline.Stage{st}, sink, pipeline.Config{
		Handoff: sharedmem.Policy{Mode: mode}, Mem: mem,
		DecodeWorkers: env.Workers, EncodeWorkers: env.Workers,
	})
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	select {
	case err = <-done:
	case <-time.After(60 * time.Second):
		t.Fatal("pipeline did not finish")
	}
	defer releaseAll(sink.recs)
	return rowsOf(t, sink.recs), err
}

// distinct COLS last, distinct and distinct last over whole rows: the
// reference's rows across batch sizes, workers and handoff modes.
func TestDistinctLastAndWholeRows(t *testing.T) {
	rows := repeatedRows(rand.New(rand.NewPCG(3, 4)), 3000)
	cases := []struct {
		name string
		cols []string
		last bool
	}{
		{"cols=k_str,k_int/last", []string{"k_str", "k_int"}, true},
		{"cols=k_bool/last", []string{"k_bool"}, true},
		{"cols=all/first", nil, false},
		{"cols=all/last", nil, true},
	}
	// Small batches cost a pipeline trip each: one-row batches run over
	// the first 300 rows, seven-row ones over 1000, crossing the same
	// boundaries.
	short, mid := rows[:300], rows[:1000]
	for _, c := range cases {
		want, wantShort, wantMid := refDistinct(rows, c.cols, c.last), refDistinct(short, c.cols, c.last), refDistinct(mid, c.cols, c.last)
		for _, mode := range []sharedmem.Mode{sharedmem.Shared, sharedmem.Copy, sharedmem.Auto} {
			for _, workers := range []int{1, 4} {
				for _, maxRows := range []int{1, 7, 1000} {
					t.Run(fmt.Sprintf("%s/mode=%v/workers=%d/batch=%d", c.name, mode, workers, maxRows), func(t *testing.T) {
						mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
						defer mem.AssertSize(t, 0)
						v := Distinct(c.cols...)
						if c.last {
							v = DistinctLast(c.cols...)
						}
						in, want := rows, want
						switch maxRows {
						case 1:
							in, want = short, wantShort
						case 7:
							in, want = mid, wantMid
						}
						parts := splitBatches(rand.New(rand.NewPCG(5, uint64(maxRows))), in, maxRows)
						got, err := runDistinct(t, context.Background(), mem, verb.Env{Workers: workers, Mem: mem, BatchRows: 100}, mode, parts, v)
						require.NoError(t, err)
						require.Equal(t, want, got)
					})
				}
			}
		}
	}
}

// Past the memory cap distinct last fails with ErrMemory and releases
// what it held; a cancelled run releases it too.
func TestDistinctLastCapAndCancel(t *testing.T) {
	rows := randomRows(rand.New(rand.NewPCG(6, 7)), 2000)
	parts := splitBatches(rand.New(rand.NewPCG(8, 9)), rows, 100)
	t.Run("cap", func(t *testing.T) {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		defer mem.AssertSize(t, 0)
		_, err := runDistinct(t, context.Background(), mem, verb.Env{Workers: 1, Mem: mem, MaxMemory: 16 << 10}, sharedmem.Shared, parts, DistinctLast("v_int"))
		require.True(t, errors.Is(err, ErrMemory), "%v", err)
	})
	t.Run("cancel", func(t *testing.T) {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		defer mem.AssertSize(t, 0)
		st, _, err := DistinctLast("v_int").Build(verb.Env{Mem: mem}, testSchema)
		require.NoError(t, err)
		ctx, cancel := context.WithCancel(context.Background())
		w := st.NewWorker()
		for i, b := range batchesOf(t, mem, testSchema, parts) {
			_, err := w.Process(ctx, uint64(i), b)
			require.NoError(t, err)
		}
		require.NotZero(t, mem.CurrentAlloc(), "rows held")
		cancel()
		require.Eventually(t, func() bool { return mem.CurrentAlloc() == 0 }, 10*time.Second, 5*time.Millisecond)
		err = st.Finish(ctx, []pipeline.Worker{w}, func(rec arrow.RecordBatch) error {
			rec.Release()
			return nil
		})
		require.Error(t, err)
	})
}
