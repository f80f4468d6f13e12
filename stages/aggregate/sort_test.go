package aggregate

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/internal/rowtest"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// refSort stable-sorts rows by an order spec, row at a time.
func refSort(t testing.TB, rows []row, spec string) []row {
	type term struct {
		col              int
		desc, nullsFirst bool
	}
	var terms []term
	for _, s := range strings.Split(spec, ",") {
		f := strings.Fields(s)
		tm := term{col: colIndex(t, f[0])}
		j := strings.ToLower(strings.Join(f[1:], " "))
		tm.desc = strings.Contains(j, "desc")
		tm.nullsFirst = strings.Contains(j, "nulls first")
		terms = append(terms, tm)
	}
	out := slices.Clone(rows)
	slices.SortStableFunc(out, func(a, b row) int {
		for _, tm := range terms {
			x, y := a[tm.col], b[tm.col]
			switch {
			case x == nil && y == nil:
				continue
			case x == nil:
				if tm.nullsFirst {
					return -1
				}
				return 1
			case y == nil:
				if tm.nullsFirst {
					return 1
				}
				return -1
			}
			c := 0
			if refLess(x, y) {
				c = -1
			} else if refLess(y, x) {
				c = 1
			}
			if tm.desc {
				c = -c
			}
			if c != 0 {
				return c
			}
		}
		return 0
	})
	return out
}

var sortSpecs = []string{
	"v_int",
	"k_str desc, v_f",
	"k_bool nulls first, k_int desc nulls last, v_str",
	"k_f desc, k_date asc nulls first, v_ts desc",
	"v_i32 desc nulls first, v_bool",
}

func TestSortDifferential(t *testing.T) {
	for _, spec := range sortSpecs {
		for _, maxMem := range []int64{0, 1, 64 << 10} {
			t.Run(fmt.Sprintf("order=%s/maxmem=%d", spec, maxMem), func(t *testing.T) {
				mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
				defer mem.AssertSize(t, 0)
				dir := t.TempDir()
				r := rand.New(rand.NewPCG(uint64(maxMem), uint64(len(spec))))
				parts := rowtest.Split(r, randomRows(r, 3000), 300)
				want := refSort(t, flatten(parts), spec)
				st, _, err := buildVerb(t, verb.Env{Mem: mem, MaxMemory: maxMem, TempDir: dir}, "sort", testSchema, spec)
				require.NoError(t, err)
				assert.Equal(t, 1, st.Workers)
				out, err := drive(t, context.Background(), st, rowtest.Batches(t, mem, testSchema, parts), 4, r)
				require.NoError(t, err)
				defer releaseAll(out)
				assert.Equal(t, want, rowtest.Rows(t, out))
				assertEmptyDir(t, dir)
			})
		}
	}
}

// The spilled merge must equal the in-memory sort, batch sizes included
// aside: big enough input for several output batches. Under the 4 MiB cap
// each run holds several run batches (runBatchRows).
func TestSortSpillLarge(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	dir := t.TempDir()
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "k", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true},
	}, nil)
	r := rand.New(rand.NewPCG(3, 3))
	n := 150_000
	if raceEnabled {
		n = 70_000 // still more than one output batch
	}
	rows := make([]row, n)
	for i := range rows {
		rows[i] = row{int64(r.IntN(1000)), fmt.Sprint(i)}
	}
	parts := rowtest.Split(r, rows, 8192)
	run := func(maxMem int64) []row {
		st, _, err := buildVerb(t, verb.Env{Mem: mem, MaxMemory: maxMem, TempDir: dir}, "sort", schema, "k desc")
		require.NoError(t, err)
		out, err := drive(t, context.Background(), st, rowtest.Batches(t, mem, schema, parts), 1, r)
		require.NoError(t, err)
		defer releaseAll(out)
		for _, rec := range out {
			assert.LessOrEqual(t, rec.NumRows(), int64(MaxBatchRows))
		}
		return rowtest.Rows(t, out)
	}
	inMemory := run(0)
	for _, maxMem := range []int64{256 << 10, 4 << 20} {
		spilled := run(maxMem)
		require.Len(t, spilled, len(rows), "cap %d", maxMem)
		assert.Equal(t, inMemory, spilled, "cap %d", maxMem)
		assertEmptyDir(t, dir)
	}
}

func TestSortSpillErrorRemovesFiles(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	dir := t.TempDir()
	r := rand.New(rand.NewPCG(4, 4))
	parts := rowtest.Split(r, randomRows(r, 2000), 100)

	t.Run("emit fails", func(t *testing.T) {
		st, _, err := buildVerb(t, verb.Env{Mem: mem, MaxMemory: 1, TempDir: dir}, "sort", testSchema, "v_int")
		require.NoError(t, err)
		w := st.NewWorker()
		for i, b := range rowtest.Batches(t, mem, testSchema, parts) {
			_, err := w.Process(context.Background(), uint64(i), b)
			require.NoError(t, err)
		}
		files, _ := os.ReadDir(dir)
		require.NotEmpty(t, files, "runs spilled")
		boom := errors.New("boom")
		err = st.Finish(context.Background(), []pipeline.Worker{w}, func(rec arrow.RecordBatch) error {
			rec.Release()
			return boom
		})
		require.ErrorIs(t, err, boom)
		assertEmptyDir(t, dir)
	})
	t.Run("temp dir missing", func(t *testing.T) {
		st, _, err := buildVerb(t, verb.Env{Mem: mem, MaxMemory: 1, TempDir: filepath.Join(dir, "nope")}, "sort", testSchema, "v_int")
		require.NoError(t, err)
		_, err = drive(t, context.Background(), st, rowtest.Batches(t, mem, testSchema, parts), 1, r)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "spill")
	})
	t.Run("cancel", func(t *testing.T) {
		st, _, err := buildVerb(t, verb.Env{Mem: mem, MaxMemory: 50 << 10, TempDir: dir}, "sort", testSchema, "v_int")
		require.NoError(t, err)
		assertCancelReleases(t, st, mem, dir, parts)
	})
}

func assertEmptyDir(t *testing.T, dir string) {
	t.Helper()
	files, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, files, "temp files left")
}

func TestTopEqualsSortHead(t *testing.T) {
	for _, spec := range sortSpecs[:4] {
		for _, n := range []int{1, 7, 300, 5000} {
			for _, workers := range []int{1, 3, 8} {
				t.Run(fmt.Sprintf("order=%s/n=%d/workers=%d", spec, n, workers), func(t *testing.T) {
					mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
					defer mem.AssertSize(t, 0)
					r := rand.New(rand.NewPCG(uint64(n), uint64(workers)))
					parts := rowtest.Split(r, randomRows(r, 2500), 200)
					want := refSort(t, flatten(parts), spec)
					want = want[:min(n, len(want))]
					st, _, err := buildVerb(t, verb.Env{Workers: workers, Mem: mem}, "top", testSchema, fmt.Sprint(n), spec)
					require.NoError(t, err)
					out, err := drive(t, context.Background(), st, rowtest.Batches(t, mem, testSchema, parts), workers, r)
					require.NoError(t, err)
					defer releaseAll(out)
					assert.Equal(t, want, rowtest.Rows(t, out))
				})
			}
		}
	}
}

func TestTopCancelReleases(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	r := rand.New(rand.NewPCG(8, 8))
	st, _, err := buildVerb(t, verb.Env{Workers: 1, Mem: mem}, "top", testSchema, "10", "v_f desc")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	w := st.NewWorker()
	for i, b := range rowtest.Batches(t, mem, testSchema, rowtest.Split(r, randomRows(r, 500), 100)) {
		_, err := w.Process(ctx, uint64(i), b)
		require.NoError(t, err)
	}
	require.NotZero(t, mem.CurrentAlloc())
	cancel()
	require.Eventually(t, func() bool { return mem.CurrentAlloc() == 0 }, 10*time.Second, 5*time.Millisecond)
}

func TestDistinctKeepsFirst(t *testing.T) {
	for _, cols := range []string{"k_str", "k_int,k_bool", "k_f,k_date,k_ts"} {
		t.Run("cols="+cols, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			r := rand.New(rand.NewPCG(2, uint64(len(cols))))
			parts := rowtest.Split(r, randomRows(r, 3000), 150)
			var want []row
			seen := map[string]bool{}
			for _, rw := range flatten(parts) {
				var k []string
				for _, c := range strings.Split(cols, ",") {
					k = append(k, fmt.Sprintf("%T:%v", rw[colIndex(t, c)], rw[colIndex(t, c)]))
				}
				if ks := strings.Join(k, "|"); !seen[ks] {
					seen[ks] = true
					want = append(want, rw)
				}
			}
			st, schema, err := buildVerb(t, verb.Env{Workers: 4, Mem: mem}, "distinct", testSchema, cols)
			require.NoError(t, err)
			assert.True(t, schema.Equal(testSchema))
			out, err := drive(t, context.Background(), st, rowtest.Batches(t, mem, testSchema, parts), 4, r)
			require.NoError(t, err)
			defer releaseAll(out)
			assert.Equal(t, want, rowtest.Rows(t, out))
		})
	}
}

func TestOrderErrors(t *testing.T) {
	for _, tc := range []struct{ verb, n, spec, want string }{
		{"sort", "", "nope", `unknown column "nope" (columns: `},
		{"sort", "", "v_itn desc", `unknown column "v_itn", did you mean "v_int"?`},
		{"top", "3", "v_itn desc", `unknown column "v_itn", did you mean "v_int"?`},
		{"sort", "", "v_int sideways", "expected COL [asc|desc] [nulls first|last]"},
		{"sort", "", "v_int nulls middle", "expected COL"},
		{"top", "0", "v_int", "not a positive integer"},
		{"top", "x", "v_int", "not a positive integer"},
	} {
		t.Run(tc.verb+"/"+tc.spec, func(t *testing.T) {
			var err error
			if tc.verb == "sort" {
				_, _, err = buildVerb(t, verb.Env{}, "sort", testSchema, tc.spec)
			} else {
				_, _, err = buildVerb(t, verb.Env{}, "top", testSchema, tc.n, tc.spec)
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

// With more runs than the merge fan-in, the runs are merged in several
// passes; the result must still equal the reference, ties in input order.
func TestSortMultiPassMerge(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	dir := t.TempDir()
	r := rand.New(rand.NewPCG(5, 5))
	parts := rowtest.Split(r, randomRows(r, 8000), 100)
	spec := "k_str, v_int desc nulls first"
	want := refSort(t, flatten(parts), spec)
	st, _, err := buildVerb(t, verb.Env{Mem: mem, MaxMemory: 1, TempDir: dir}, "sort", testSchema, spec)
	require.NoError(t, err)
	w := st.NewWorker()
	for i, b := range rowtest.Batches(t, mem, testSchema, parts) {
		_, err := w.Process(context.Background(), uint64(i), b)
		require.NoError(t, err)
	}
	runs := w.(*sorter).runs
	require.Greater(t, len(runs.paths), runs.fanIn*runs.fanIn, "more runs than two merge passes take")
	var out []arrow.RecordBatch
	defer func() { releaseAll(out) }()
	err = st.Finish(context.Background(), []pipeline.Worker{w}, func(rec arrow.RecordBatch) error {
		out = append(out, rec)
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, want, rowtest.Rows(t, out))
	assertEmptyDir(t, dir)
}
