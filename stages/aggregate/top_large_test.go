package aggregate

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"sync/atomic"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/sharedmem"
	"github.com/arrowpipe/arrowpipe/stages/internal/rowtest"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// A top N on either side of topHeapMaxRows (bounded heap below, sort with
// cut runs above), with and without spilling, equals the reference: a
// stable sort of the rows (keys, then input position, as DuckDB's
// ORDER BY keys, position LIMIT N) cut to N. Heavy ties and nulls.
func TestTopLargeN(t *testing.T) {
	rows := 2*topHeapMaxRows + 3000
	if raceEnabled {
		rows = topHeapMaxRows + 5000
	}
	for _, tc := range []struct {
		spec   string
		n      int
		maxMem int64
	}{
		{"k_str desc, v_f", topHeapMaxRows, 0},
		{"k_str desc, v_f", topHeapMaxRows + 1, 0},
		{"k_bool nulls first, k_int desc", topHeapMaxRows + 1, 1},              // a run per batch, merged in passes
		{"k_f desc, k_date asc nulls first", topHeapMaxRows + 2000, 256 << 10}, // a few runs
		{"v_i32 desc nulls first", rows + 10, 64 << 10},                        // N above the row count
	} {
		for _, workers := range []int{1, 4} {
			if workers > 1 && tc.n > topHeapMaxRows {
				continue // one worker, whatever is asked: the same run
			}
			t.Run(fmt.Sprintf("order=%s/n=%d/maxmem=%d/workers=%d", tc.spec, tc.n, tc.maxMem, workers), func(t *testing.T) {
				mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
				defer mem.AssertSize(t, 0)
				dir := t.TempDir()
				r := rand.New(rand.NewPCG(uint64(tc.n), uint64(workers)))
				parts := rowtest.Split(r, randomRows(r, rows), 1000)
				want := refSort(t, flatten(parts), tc.spec)
				want = want[:min(tc.n, len(want))]
				env := verb.Env{Workers: workers, Mem: mem, MaxMemory: tc.maxMem, TempDir: dir}
				st, _, err := buildVerb(t, env, "top", testSchema, fmt.Sprint(tc.n), tc.spec)
				require.NoError(t, err)
				if tc.n > topHeapMaxRows {
					assert.Equal(t, 1, st.Workers, "a large top sorts on one worker")
				} else {
					assert.Equal(t, workers, st.Workers)
				}
				out, err := drive(t, context.Background(), st, rowtest.Batches(t, mem, testSchema, parts), workers, r)
				require.NoError(t, err)
				defer releaseAll(out)
				for _, rec := range out {
					assert.LessOrEqual(t, rec.NumRows(), int64(MaxBatchRows))
				}
				assert.Equal(t, want, rowtest.Rows(t, out))
				assertEmptyDir(t, dir)
			})
		}
	}
}

// A spilled run holds at most N rows: the cut happens before the write.
func TestTopLargeNCutsRuns(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	n := topHeapMaxRows + 1
	st, _, err := buildVerb(t, verb.Env{Mem: mem, MaxMemory: 1 << 20, TempDir: t.TempDir()}, "top", testSchema, fmt.Sprint(n), "v_int desc")
	require.NoError(t, err)
	w := st.NewWorker().(*sorter)
	r := rand.New(rand.NewPCG(9, 9))
	for i, b := range rowtest.Batches(t, mem, testSchema, rowtest.Split(r, randomRows(r, 4*n), 5000)) {
		_, err := w.Process(context.Background(), uint64(i), b)
		require.NoError(t, err)
	}
	require.NotNil(t, w.runs, "spilled")
	for _, p := range w.runs.paths {
		rows := 0
		require.NoError(t, mergeRuns(context.Background(), []string{p}, w.keys, testSchema, mem, MaxBatchRows, 0, func(rec arrow.RecordBatch) error {
			rows += int(rec.NumRows())
			rec.Release()
			return nil
		}))
		assert.LessOrEqual(t, rows, n, "rows in run %s", p)
	}
	require.NoError(t, st.Finish(context.Background(), []pipeline.Worker{w}, func(rec arrow.RecordBatch) error {
		rec.Release()
		return nil
	}))
}

// Cancelled before Finish, a large top that spilled removes its runs and
// releases its batches.
func TestTopLargeNCancelReleases(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	dir := t.TempDir()
	r := rand.New(rand.NewPCG(10, 10))
	st, _, err := buildVerb(t, verb.Env{Mem: mem, MaxMemory: 256 << 10, TempDir: dir}, "top", testSchema, fmt.Sprint(topHeapMaxRows+1), "v_f desc")
	require.NoError(t, err)
	assertCancelReleases(t, st, mem, dir, append(rowtest.Split(r, randomRows(r, 20000), 500), randomRows(r, 10)))
}

// A top whose heaps would not fit the memory cap sorts too, spilling, and
// gives the same rows; one that fits keeps the heaps.
func TestTopUnderSmallCap(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	dir := t.TempDir()
	st, _, err := buildVerb(t, verb.Env{Workers: 4, Mem: mem, MaxMemory: 1 << 30}, "top", testSchema, "1000", "v_int")
	require.NoError(t, err)
	assert.Equal(t, 4, st.Workers, "heaps within the cap")

	r := rand.New(rand.NewPCG(15, 15))
	parts := rowtest.Split(r, randomRows(r, 6000), 400)
	spec := "k_str, v_int desc nulls first"
	want := refSort(t, flatten(parts), spec)[:1000]
	st, _, err = buildVerb(t, verb.Env{Workers: 4, Mem: mem, MaxMemory: 32 << 10, TempDir: dir}, "top", testSchema, "1000", spec)
	require.NoError(t, err)
	require.Equal(t, 1, st.Workers, "1000 rows on 4 workers do not fit 32 KiB: sorted")
	w := st.NewWorker()
	for i, b := range rowtest.Batches(t, mem, testSchema, parts) {
		_, err := w.Process(context.Background(), uint64(i), b)
		require.NoError(t, err)
	}
	files, _ := os.ReadDir(dir)
	require.NotEmpty(t, files, "spilled")
	var out []arrow.RecordBatch
	defer func() { releaseAll(out) }()
	require.NoError(t, st.Finish(context.Background(), []pipeline.Worker{w}, func(rec arrow.RecordBatch) error {
		out = append(out, rec)
		return nil
	}))
	assert.Equal(t, want, rowtest.Rows(t, out))
	assertEmptyDir(t, dir)
}

// countingAllocator counts the bytes ever allocated through it.
type countingAllocator struct {
	memory.Allocator
	total atomic.Int64
}

func (a *countingAllocator) Allocate(n int) []byte {
	a.total.Add(int64(n))
	return a.Allocator.Allocate(n)
}

func (a *countingAllocator) Reallocate(n int, b []byte) []byte {
	a.total.Add(int64(max(n-len(b), 0)))
	return a.Allocator.Reallocate(n, b)
}

// A heap top copies each kept row a bounded number of times, however
// small the batches: on keys that arrive in the worst order (every batch
// gets into the top), the bytes top allocates stay within a few times the
// input's, not the batches times N.
func TestTopHeapCopiesBounded(t *testing.T) {
	checked := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer checked.AssertSize(t, 0)
	schema := arrow.NewSchema([]arrow.Field{{Name: "k", Type: arrow.PrimitiveTypes.Int64}, {Name: "s", Type: arrow.BinaryTypes.String}}, nil)
	const n, batches, batchRows = 2000, 400, 50
	var parts [][]row
	var inBytes int64
	for b := range batches {
		var p []row
		for i := range batchRows {
			p = append(p, row{int64(b*batchRows + i), fmt.Sprintf("row %d", b*batchRows+i)})
		}
		parts = append(parts, p)
	}
	recs := rowtest.Batches(t, checked, schema, parts)
	for _, r := range recs {
		inBytes += sharedmem.PinnedBytes(r)
	}
	mem := &countingAllocator{Allocator: checked}
	st, _, err := buildVerb(t, verb.Env{Workers: 1, Mem: mem}, "top", schema, fmt.Sprint(n), "k desc")
	require.NoError(t, err)
	out, err := drive(t, context.Background(), st, recs, 1, rand.New(rand.NewPCG(1, 1)))
	require.NoError(t, err)
	defer releaseAll(out)
	got := rowtest.Rows(t, out)
	require.Len(t, got, n)
	assert.Equal(t, int64(batches*batchRows-1), got[0][0])
	assert.Equal(t, int64(batches*batchRows-n), got[n-1][0])
	assert.Less(t, mem.total.Load(), 4*inBytes, "bytes allocated by top against %d bytes in", inBytes)
}
