package aggregate

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
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

// tail's output is the last n input rows in input order (the reference: a
// slice of the flattened input), whatever the batch sizes, with or without
// spilling.
func TestTailDifferential(t *testing.T) {
	for _, maxRows := range []int{1, 7, 300, 1000} {
		// Many tiny batches are slow under the checked allocator and -race.
		rows := min(100*maxRows, 3000)
		for _, n := range []int64{0, 1, 5, int64(rows / 3), int64(rows - 1), int64(rows), int64(rows) + 5} {
			for _, maxMem := range []int64{0, 1, 16 << 10} {
				if maxMem == 1 && maxRows < 300 {
					maxMem = 2 << 10 // not a file per tiny batch: slow, and no different
				}
				t.Run(fmt.Sprintf("batch=%d/n=%d/maxmem=%d", maxRows, n, maxMem), func(t *testing.T) {
					mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
					defer mem.AssertSize(t, 0)
					dir := t.TempDir()
					r := rand.New(rand.NewPCG(uint64(maxRows), uint64(n)))
					parts := rowtest.Split(r, randomRows(r, rows), maxRows)
					all := flatten(parts)
					want := all[len(all)-int(min(n, int64(len(all)))):]
					st := NewTail(verb.Env{Workers: 4, Mem: mem, MaxMemory: maxMem, TempDir: dir}, testSchema, n)
					assert.Equal(t, 1, st.Workers)
					out, err := drive(t, context.Background(), st, rowtest.Batches(t, mem, testSchema, parts), 1, r)
					require.NoError(t, err)
					defer releaseAll(out)
					if got := rowtest.Rows(t, out); len(want) == 0 {
						assert.Empty(t, got)
					} else {
						assert.Equal(t, want, got)
					}
					assertEmptyDir(t, dir)
				})
			}
		}
	}
}

// Under a memory cap, tail holds at most the cap plus one batch of Arrow
// memory (as recordBytes counts it; the allocator rounds every buffer up,
// hence the bound of twice the cap), however many rows the window has:
// ~100 bytes a row, 5000 rows would be 15 times the cap.
func TestTailBoundedMemory(t *testing.T) {
	const n, maxMem = 5000, 32 << 10
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	dir := t.TempDir()
	r := rand.New(rand.NewPCG(12, 12))
	parts := rowtest.Split(r, randomRows(r, 4*n), 100)
	st := NewTail(verb.Env{Mem: mem, MaxMemory: maxMem, TempDir: dir}, testSchema, n)
	w := st.NewWorker()
	var peak int64
	for i, p := range parts {
		// Each batch is made just before it goes in, so that mem counts
		// only what tail holds and the batch it is given.
		b := rowtest.Batch(t, mem, testSchema, p)
		_, err := w.Process(context.Background(), uint64(i), b)
		require.NoError(t, err)
		cur := int64(mem.CurrentAlloc())
		require.LessOrEqual(t, cur, int64(2*maxMem), "after batch %d", i)
		peak = max(peak, cur)
	}
	files, _ := os.ReadDir(dir)
	assert.NotEmpty(t, files, "the window went to disk")
	var out []arrow.RecordBatch
	defer func() { releaseAll(out) }()
	require.NoError(t, st.Finish(context.Background(), []pipeline.Worker{w}, func(rec arrow.RecordBatch) error {
		out = append(out, rec)
		return nil
	}))
	all := flatten(parts)
	assert.Equal(t, all[len(all)-n:], rowtest.Rows(t, out))
	assertEmptyDir(t, dir)
}

// Cancelled before Finish, or failing downstream, tail removes its files
// and releases every batch.
func TestTailReleases(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 13))
	parts := append(rowtest.Split(r, randomRows(r, 4000), 200), randomRows(r, 10))
	t.Run("cancel", func(t *testing.T) {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		defer mem.AssertSize(t, 0)
		dir := t.TempDir()
		st := NewTail(verb.Env{Mem: mem, MaxMemory: 16 << 10, TempDir: dir}, testSchema, 3000)
		assertCancelReleases(t, st, mem, dir, parts)
	})
	t.Run("emit fails", func(t *testing.T) {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		defer mem.AssertSize(t, 0)
		dir := t.TempDir()
		st := NewTail(verb.Env{Mem: mem, MaxMemory: 16 << 10, TempDir: dir}, testSchema, 3000)
		boom := errors.New("boom")
		_, err := drive(t, context.Background(), pipeline.Stage{
			Name: st.Name, Workers: 1, NewWorker: st.NewWorker,
			Finish: func(ctx context.Context, ws []pipeline.Worker, emit func(arrow.RecordBatch) error) error {
				sent := 0
				return st.Finish(ctx, ws, func(rec arrow.RecordBatch) error {
					if sent++; sent == 3 {
						rec.Release()
						return boom
					}
					return emit(rec)
				})
			},
		}, rowtest.Batches(t, mem, testSchema, parts), 1, r)
		require.ErrorIs(t, err, boom)
		assertEmptyDir(t, dir)
	})
}

// In the engine, with 1 and 4 workers and both handoffs, the batches that
// sort, top (sorting: its heaps would not fit the cap; and with heaps) and
// tail emit from Finish reach the next stage in order: each chain equals
// the references applied one after the other.
func TestOrderingVerbsChained(t *testing.T) {
	const rows = 6000
	for _, mode := range []sharedmem.Mode{sharedmem.Shared, sharedmem.Copy} {
		for _, workers := range []int{1, 4} {
			t.Run(fmt.Sprintf("mode=%v/workers=%d", mode, workers), func(t *testing.T) {
				mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
				defer mem.AssertSize(t, 0)
				r := rand.New(rand.NewPCG(14, uint64(workers)))
				parts := rowtest.Split(r, randomRows(r, rows), 700)
				env := verb.Env{Workers: workers, Mem: mem, MaxMemory: 64 << 10, TempDir: t.TempDir()}
				const bigN = 2500 // the heaps of 2500 rows do not fit 64 KiB: top sorts
				big := fmt.Sprint(bigN)
				run := func(chain [][]string) []row {
					src := &recSource{schema: testSchema, recs: rowtest.Batches(t, mem, testSchema, parts)}
					defer src.release()
					var stages []pipeline.Stage
					in := testSchema
					for _, c := range chain {
						var st pipeline.Stage
						var err error
						if c[0] == "tail" {
							var n int64
							fmt.Sscan(c[1], &n)
							st = NewTail(env, in, n)
						} else {
							st, in, err = buildVerb(t, env, c[0], in, c[1:]...)
							require.NoError(t, err)
						}
						if c[0] == "top" {
							_, sorts := st.NewWorker().(*sorter)
							assert.Equal(t, c[1] == big, sorts, "top %s sorts", c[1])
						}
						stages = append(stages, st)
					}
					sink := &recSink{}
					p := pipeline.New(src, stages, sink, pipeline.Config{
						Handoff: sharedmem.Policy{Mode: mode}, Mem: mem,
						DecodeWorkers: workers, EncodeWorkers: workers,
					})
					require.NoError(t, p.Run(context.Background()))
					defer releaseAll(sink.recs)
					return rowtest.Rows(t, sink.recs)
				}
				tail := func(rs []row, n int) []row { return rs[max(len(rs)-n, 0):] }
				all := flatten(parts)

				got := run([][]string{{"sort", "k_int desc, v_str"}, {"tail", "2000"}})
				assert.Equal(t, tail(refSort(t, all, "k_int desc, v_str"), 2000), got, "sort then tail")

				got = run([][]string{{"top", big, "k_str desc nulls first"}, {"tail", "1500"}, {"top", "40", "v_f"}})
				want := refSort(t, tail(refSort(t, all, "k_str desc nulls first")[:bigN], 1500), "v_f")[:40]
				assert.Equal(t, want, got, "top then tail then top")

				got = run([][]string{{"tail", "4000"}, {"top", big, "k_bool, v_int desc"}})
				assert.Equal(t, refSort(t, tail(all, 4000), "k_bool, v_int desc")[:bigN], got, "tail then top")
				assertEmptyDir(t, env.TempDir)
			})
		}
	}
}
