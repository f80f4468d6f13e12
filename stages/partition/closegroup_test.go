package partition_test

import (
	"context"
	"io"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/partition"
)

// countingSink counts the files open at once.
type countingSink struct {
	pipeline.Sink
	open *int
}

func (c countingSink) Close(ctx context.Context) error {
	*c.open--
	return c.Sink.Close(ctx)
}

// TestCloseWritesWaitingWithinBudget: the partitions that waited for a
// writer are written at Close a few at a time, as many as have
// MemoryBudget of rows together (an open Parquet file holds its row
// group), not MaxOpen at a time; and their rows come out whole.
func TestCloseWritesWaitingWithinBudget(t *testing.T) {
	for _, c := range []struct {
		budget   int64
		wantOpen int // at most, during Close
	}{{1, 1}, {8 << 10, 8}, {1 << 30, 16}} {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		rng := rand.New(rand.NewPCG(5, uint64(c.budget)))
		rows := genRows(rng, 4000, 40) // ~100 rows, 1-2 KB a partition
		in := batches(t, mem, rows, rng, 500)
		dir := filepath.Join(t.TempDir(), "out")
		open, most := 0, 0
		sink, err := partition.New(schema, partition.Options{Dir: dir, Keys: []string{"region"}, Ext: ".parquet",
			MaxOpen: 16, MemoryBudget: c.budget, Mem: mem,
			NewWriter: func(w io.Writer, s *arrow.Schema) (pipeline.Sink, error) {
				inner, err := parquetWriter(w, s)
				open++
				most = max(most, open)
				return countingSink{inner, &open}, err
			}})
		require.NoError(t, err)
		ctx := context.Background()
		for _, b := range in {
			require.NoError(t, sink.Write(ctx, pipeline.Chunk{Batch: b, Rows: int(b.NumRows())}))
		}
		assert.Equal(t, 16, most, "budget %d: MaxOpen files open while routing", c.budget)
		most = 0
		require.NoError(t, sink.Close(ctx))
		assert.LessOrEqual(t, most, c.wantOpen, "budget %d: files open at once during Close", c.budget)
		assert.Positive(t, most)
		require.NoError(t, sink.Commit())
		want, got := byPartition(rows), byPartition(readBack(t, dir))
		assert.Equal(t, len(want), len(got))
		for k, v := range want {
			assert.Equal(t, v, got[k], "partition %q", k)
		}
		mem.AssertSize(t, 0)
	}
}
