package aggregate

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
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

// refTopGroup is DuckDB's QUALIFY row_number() OVER (PARTITION BY keys
// ORDER BY spec, input position) <= n, row at a time: the groups in the
// order of their first row, each group's rows stably sorted, cut to n.
func refTopGroup(t testing.TB, rows []row, spec string, keys []string, n int) []row {
	var order []string
	groups := map[string][]row{}
	for _, r := range rows {
		var k []any
		for _, c := range keys {
			k = append(k, r[colIndex(t, c)])
		}
		s := fmt.Sprintf("%#v", k)
		if _, ok := groups[s]; !ok {
			order = append(order, s)
		}
		groups[s] = append(groups[s], r)
	}
	var out []row
	for _, s := range order {
		g := refSort(t, groups[s], spec)
		out = append(out, g[:min(n, len(g))]...)
	}
	return out
}

// top N ORDER KEYS equals the reference across batch sizes (one-row
// batches over few rows, so that groups and ties straddle them), workers
// and handoff modes, with ties and null keys.
func TestTopByGroup(t *testing.T) {
	rows := randomRows(rand.New(rand.NewPCG(21, 22)), 2500)
	cases := []struct {
		spec string
		keys string
		n    int
	}{
		{"v_int desc", "k_str", 3},
		{"k_bool nulls first, v_f", "k_int,k_date", 2},
		{"k_int, v_str desc", "v_i32", 4}, // ~100 groups, few rows each
		{"k_f desc", "k_str,k_bool", 1},   // heavy ties: input order decides
	}
	// Small batches cost a pipeline trip each: one-row batches run over
	// 80 rows, seven-row ones over 300; the last two cases in one mode.
	short, mid := rows[:80], rows[:300]
	for ci, c := range cases {
		keys := strings.Split(c.keys, ",")
		modes := []sharedmem.Mode{sharedmem.Shared, sharedmem.Copy, sharedmem.Auto}
		if ci >= 2 {
			modes = modes[2:]
		}
		for _, mode := range modes {
			for _, workers := range []int{1, 4} {
				for _, maxRows := range []int{1, 7, 1000} {
					t.Run(fmt.Sprintf("order=%s/keys=%s/n=%d/mode=%v/workers=%d/batch=%d", c.spec, c.keys, c.n, mode, workers, maxRows), func(t *testing.T) {
						mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
						defer mem.AssertSize(t, 0)
						in := rows
						switch maxRows {
						case 1:
							in = short
						case 7:
							in = mid
						}
						want := refTopGroup(t, in, c.spec, keys, c.n)
						parts := rowtest.Split(rand.New(rand.NewPCG(5, uint64(maxRows))), in, maxRows)
						env := verb.Env{Workers: workers, Mem: mem, BatchRows: 50, MaxMemory: 64 << 20}
						st, _, err := buildVerb(t, env, "top", testSchema, fmt.Sprint(c.n), c.spec, c.keys)
						require.NoError(t, err)
						got, err := runStage(t, context.Background(), mem, workers, mode, parts, st)
						require.NoError(t, err)
						require.Equal(t, want, got)
					})
				}
			}
		}
	}
}

// Workers that see their batches out of input order, and merge in any
// order, still give each group's best rows, ties to the earliest.
func TestTopByGroupShuffledWorkers(t *testing.T) {
	for _, workers := range []int{1, 3, 8} {
		t.Run(fmt.Sprintf("workers=%d", workers), func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			r := rand.New(rand.NewPCG(31, uint64(workers)))
			parts := rowtest.Split(r, randomRows(r, 3000), 120)
			want := refTopGroup(t, flatten(parts), "k_bool desc nulls first, k_date", []string{"k_str"}, 5)
			st, _, err := TopBy([]string{"k_str"}, 5, SortKey{Column: "k_bool", Desc: true, NullsFirst: true}, Asc("k_date")).
				Build(verb.Env{Workers: workers, Mem: mem, MaxMemory: 1 << 30}, testSchema)
			require.NoError(t, err)
			out, err := drive(t, context.Background(), st, rowtest.Batches(t, mem, testSchema, parts), workers, r)
			require.NoError(t, err)
			defer releaseAll(out)
			assert.Equal(t, want, rowtest.Rows(t, out))
		})
	}
}

// Empty input gives no rows; a bad key or count is a build error naming it.
func TestTopByGroupEdges(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	st, _, err := buildVerb(t, verb.Env{Mem: mem}, "top", testSchema, "2", "v_f", "k_str")
	require.NoError(t, err)
	got, err := runStage(t, context.Background(), mem, 2, sharedmem.Shared, nil, st)
	require.NoError(t, err)
	assert.Empty(t, got)

	_, _, err = buildVerb(t, verb.Env{Mem: mem}, "top", testSchema, "2", "v_f", "k_sr")
	assert.ErrorContains(t, err, `did you mean "k_str"`)
	_, _, err = buildVerb(t, verb.Env{Mem: mem}, "top", testSchema, "2", "v_f", "k_str,k_str")
	assert.ErrorContains(t, err, "given twice")
	_, _, err = TopBy([]string{"k_str"}, 0, Asc("v_f")).Build(verb.Env{Mem: mem}, testSchema)
	assert.ErrorContains(t, err, "not a positive integer")
}

// top's KEYS word is taken unless the chain or the command line ends, or
// an existing file follows.
func TestTopWords(t *testing.T) {
	assert.Equal(t, 2, topWords([]string{"3", "price"}))
	assert.Equal(t, 2, topWords([]string{"3", "price", "then", "head", "1"}))
	assert.Equal(t, 2, topWords([]string{"3", "price", "-"}))
	assert.Equal(t, 2, topWords([]string{"3", "price", "top_group_test.go"}))
	assert.Equal(t, 3, topWords([]string{"3", "price", "region", "then", "head", "1"}))
	assert.Equal(t, 2, topWords([]string{"3"}), "too few: the command line reports it")
}

// Past the memory cap top per group spills its kept rows by key
// partition and gives the reference's rows, leaving no file; with a cap
// that one partition passes, it fails with ErrMemory naming the flag; a
// cancelled run releases its rows and removes its files.
func TestTopByGroupSpill(t *testing.T) {
	// Each spill writes a file per partition: few spills keep this quick.
	rows := randomRows(rand.New(rand.NewPCG(6, 7)), 800)
	for _, c := range []struct {
		workers int
		mode    sharedmem.Mode
		maxMem  int64
		rows    int
	}{
		{1, sharedmem.Shared, 48 << 10, 800},
		{4, sharedmem.Copy, 96 << 10, 800},
		{2, sharedmem.Auto, 1, 200},
	} {
		parts := rowtest.Split(rand.New(rand.NewPCG(8, 9)), rows[:c.rows], 100)
		want := refTopGroup(t, rows[:c.rows], "v_f desc", []string{"v_int"}, 2)
		t.Run(fmt.Sprintf("workers=%d/mode=%v/maxmem=%d", c.workers, c.mode, c.maxMem), func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			dir := t.TempDir()
			st, _, err := TopBy([]string{"v_int"}, 2, Desc("v_f")).Build(verb.Env{Workers: c.workers, Mem: mem, MaxMemory: c.maxMem, TempDir: dir, BatchRows: 64}, testSchema)
			require.NoError(t, err)
			got, err := runStage(t, context.Background(), mem, c.workers, c.mode, parts, st)
			if c.maxMem == 1 {
				require.True(t, errors.Is(err, ErrMemory), "%v", err)
				assert.ErrorContains(t, err, "--max-memory")
				// The other workers let go of their rows before the
				// failed run returns.
				require.Zero(t, mem.CurrentAlloc())
			} else {
				require.NoError(t, err)
				require.Equal(t, want, got)
			}
			require.Eventually(t, func() bool { files, _ := os.ReadDir(dir); return len(files) == 0 }, 10*time.Second, 5*time.Millisecond)
		})
	}
	t.Run("cancel", func(t *testing.T) {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		defer mem.AssertSize(t, 0)
		dir := t.TempDir()
		st, _, err := TopBy([]string{"v_int"}, 2, Desc("v_f")).Build(verb.Env{Mem: mem, MaxMemory: 48 << 10, TempDir: dir}, testSchema)
		require.NoError(t, err)
		assertCancelReleases(t, st, mem, dir, rowtest.Split(rand.New(rand.NewPCG(8, 9)), rows, 100))
	})
}

// runStage runs st over parts in the engine and returns its rows.
func runStage(t *testing.T, ctx context.Context, mem memory.Allocator, workers int, mode sharedmem.Mode, parts [][]row, st pipeline.Stage) ([]row, error) {
	t.Helper()
	src := &recSource{schema: testSchema, recs: rowtest.Batches(t, mem, testSchema, parts)}
	defer src.release()
	sink := &recSink{}
	p := pipeline.New(src, []pipeline.Stage{st}, sink, pipeline.Config{
		Handoff: sharedmem.Policy{Mode: mode}, Mem: mem,
		DecodeWorkers: workers, EncodeWorkers: workers,
	})
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	var err error
	select {
	case err = <-done:
	case <-time.After(60 * time.Second):
		t.Fatal("pipeline did not finish")
	}
	defer releaseAll(sink.recs)
	return rowtest.Rows(t, sink.recs), err
}
