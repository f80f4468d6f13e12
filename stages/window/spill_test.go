package window

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/sharedmem"
	"github.com/arrowpipe/arrowpipe/stages/aggregate"
	"github.com/arrowpipe/arrowpipe/stages/internal/rowtest"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// requireNoFiles fails when dir holds a file: spill files are removed.
func requireNoFiles(t *testing.T, dir string) {
	t.Helper()
	left, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Empty(t, left, "spill files left behind")
}

// lead and the ranks spill under a cap far below what they hold, and give
// what the reference gives, with batches of 1 to 1000 rows (one-row
// batches over fewer rows), in every configuration; their files are
// removed.
func TestWindowSpillMatchesReference(t *testing.T) {
	keySets := [][]string{{"g", "h"}, nil, {"v_int"}}
	for _, set := range []string{"lead", "rank"} {
		fns := funcSets[set]
		for ki, keys := range keySets {
			for ci, cfg := range configs() {
				if ki > 0 && ci > 0 {
					continue
				}
				t.Run(fmt.Sprintf("fns=%s/keys=%s/%v", set, keysName(keys), cfg), func(t *testing.T) {
					mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
					defer mem.AssertSize(t, 0)
					dir := t.TempDir()
					r := rand.New(rand.NewPCG(uint64(ki), uint64(ci)))
					for _, maxRows := range []int{1, 7, 100, 1000} {
						if ci > 0 && maxRows != 7 {
							continue
						}
						if ki > 0 && maxRows == 1000 {
							continue
						}
						n := 200
						if maxRows == 1 {
							n = 30
						}
						rows := randomRows(r, n)
						want := refWindow(rows, keys, fns)
						env := verb.Env{MaxMemory: 64 << 10, TempDir: dir}
						got, err := runVerb(t, context.Background(), mem, env, cfg, rowtest.Split(r, rows, maxRows), Window(keys, fns...))
						require.NoError(t, err)
						if d := sameRows(want, got, outNames(fns)); d != "" {
							t.Fatalf("batches of up to %d rows: %s", maxRows, d)
						}
						requireNoFiles(t, dir)
					}
				})
			}
		}
	}
}

// The spill path is taken: the worker driven directly with a small cap
// has a spill file while it holds the input.
func TestWindowSpills(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	dir := t.TempDir()
	st, _, err := Window([]string{"g"}, Rank(aggregate.Asc("v_f")), Lead("v_str", 2)).Build(verb.Env{Mem: mem, MaxMemory: 8 << 10, TempDir: dir}, testSchema)
	require.NoError(t, err)
	w := st.NewWorker()
	ctx := context.Background()
	rows := randomRows(newRand(), 600)
	for i, part := range rowtest.Split(newRand(), rows, 50) {
		out, err := w.Process(ctx, uint64(i), rowtest.Batch(t, mem, testSchema, part))
		require.NoError(t, err)
		require.Nil(t, out)
	}
	require.NotNil(t, w.(*worker).spill)
	left, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.NotEmpty(t, left)
	n := 0
	require.NoError(t, st.Finish(ctx, []pipeline.Worker{w}, func(rec arrow.RecordBatch) error {
		n += int(rec.NumRows())
		rec.Release()
		return nil
	}))
	require.Equal(t, len(rows), n)
	requireNoFiles(t, dir)
}

// A spilling run that fails (an overflow) or is cancelled removes its
// files and releases its memory.
func TestWindowSpillCleanup(t *testing.T) {
	for _, cfg := range configs()[:2] {
		t.Run("error/"+cfg.String(), func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			dir := t.TempDir()
			rows := bigRows(400)
			env := verb.Env{MaxMemory: 8 << 10, TempDir: dir}
			_, err := runVerb(t, context.Background(), mem, env, cfg, rowtest.Split(newRand(), rows, 20),
				Window(nil, Rank(aggregate.Asc("v_int")), Lead("v_str", 500), RunningSum("v_int")))
			require.ErrorIs(t, err, ErrOverflow)
			require.Eventually(t, func() bool { left, _ := os.ReadDir(dir); return len(left) == 0 }, 10*time.Second, time.Millisecond)
		})
		t.Run("cancel/"+cfg.String(), func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			dir := t.TempDir()
			r := newRand()
			rows := randomRows(r, 3000)
			ctx, cancel := context.WithCancelCause(context.Background())
			defer cancel(nil)
			stop := errors.New("stop")
			st, _, err := Window([]string{"g"}, Rank(aggregate.Desc("v_f")), Lead("v_int", 1)).Build(verb.Env{Mem: mem, MaxMemory: 8 << 10, TempDir: dir}, testSchema)
			require.NoError(t, err)
			src := &genSource{rows: rowtest.Split(r, rows, 50), mem: mem, t: t, onNext: func(i int) {
				if i == 60 {
					cancel(stop)
				}
			}}
			p := pipeline.New(src, []pipeline.Stage{st}, pipeline.ToFunc(func(context.Context, arrow.RecordBatch) error { return nil }), pipeline.Config{
				Handoff: sharedmem.Policy{Mode: cfg.mode}, Mem: mem, DecodeWorkers: cfg.workers, EncodeWorkers: cfg.workers,
			})
			done := make(chan error, 1)
			go func() { done <- p.Run(ctx) }()
			select {
			case err := <-done:
				require.ErrorIs(t, err, stop)
			case <-time.After(60 * time.Second):
				t.Fatal("run did not end")
			}
			require.Zero(t, mem.CurrentAlloc())
			left, _ := os.ReadDir(dir)
			require.Empty(t, left, "spill files left")
		})
	}
}
