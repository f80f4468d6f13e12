package aggregate

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/sharedmem"
	"github.com/arrowpipe/arrowpipe/stages/internal/rowtest"
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
	src := &recSource{schema: testSchema, recs: rowtest.Batches(t, mem, testSchema, parts)}
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
	return rowtest.Rows(t, sink.recs), err
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
						parts := rowtest.Split(rand.New(rand.NewPCG(5, uint64(maxRows))), in, maxRows)
						got, err := runDistinct(t, context.Background(), mem, verb.Env{Workers: workers, Mem: mem, BatchRows: 100}, mode, parts, v)
						require.NoError(t, err)
						require.Equal(t, want, got)
					})
				}
			}
		}
	}
}

// Past the memory cap distinct last spills its latest rows by key
// partition and gives the reference's rows, leaving no file; with a cap
// that one partition's keys pass, it fails with ErrMemory; a cancelled
// run releases its rows and removes its files.
func TestDistinctLastSpill(t *testing.T) {
	rows := randomRows(rand.New(rand.NewPCG(6, 7)), 1500)
	// Each spill writes a file per partition: few spills keep this quick.
	for _, c := range []struct {
		cols    []string
		maxMem  int64
		maxRows int
		n       int
		modes   []sharedmem.Mode
	}{
		{[]string{"v_int"}, 64 << 10, 100, 1500, []sharedmem.Mode{sharedmem.Shared, sharedmem.Copy}},
		{[]string{"v_str", "k_bool"}, 24 << 10, 7, 400, []sharedmem.Mode{sharedmem.Auto}},
		{[]string{"k_str"}, 1, 300, 600, []sharedmem.Mode{sharedmem.Auto}}, // one partition passes the cap
	} {
		for _, mode := range c.modes {
			t.Run(fmt.Sprintf("cols=%v/maxmem=%d/mode=%v/batch=%d", c.cols, c.maxMem, mode, c.maxRows), func(t *testing.T) {
				mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
				defer mem.AssertSize(t, 0)
				dir := t.TempDir()
				in := rows[:c.n]
				parts := rowtest.Split(rand.New(rand.NewPCG(8, uint64(c.maxRows))), in, c.maxRows)
				env := verb.Env{Workers: 1, Mem: mem, MaxMemory: c.maxMem, TempDir: dir, BatchRows: 64}
				got, err := runDistinct(t, context.Background(), mem, env, mode, parts, DistinctLast(c.cols...))
				if c.maxMem == 1 {
					require.True(t, errors.Is(err, ErrMemory), "%v", err)
					assert.ErrorContains(t, err, "--max-memory")
				} else {
					require.NoError(t, err)
					require.Equal(t, refDistinct(in, c.cols, true), got)
				}
				assertEmptyDir(t, dir)
			})
		}
	}
	t.Run("cancel", func(t *testing.T) {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		defer mem.AssertSize(t, 0)
		dir := t.TempDir()
		st, _, err := DistinctLast("v_int").Build(verb.Env{Mem: mem, MaxMemory: 64 << 10, TempDir: dir}, testSchema)
		require.NoError(t, err)
		assertCancelReleases(t, st, mem, dir, rowtest.Split(rand.New(rand.NewPCG(8, 9)), rows[:800], 100))
	})
}
