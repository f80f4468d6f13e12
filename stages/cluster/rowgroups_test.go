package cluster

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/sharedmem"
	"github.com/arrowpipe/arrowpipe/stages/plan"
)

// writeParquet writes the rows of a CSV file as Parquet with one row group
// per batch of batch rows (the last may be shorter), and returns its path
// and number of row groups.
func writeParquet(t *testing.T, csvFile string, batch int) (string, int) {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	src, err := plan.Open(context.Background(), []string{csvFile}, nil, plan.ReadOptions{BatchRows: batch, Mem: mem})
	require.NoError(t, err)
	defer src.Close()
	path := filepath.Join(t.TempDir(), "groups.parquet")
	f, err := os.Create(path)
	require.NoError(t, err)
	w, err := pqarrow.NewFileWriter(src.Schema(), f, parquet.NewWriterProperties(parquet.WithMaxRowGroupLength(int64(batch)),
		parquet.WithAllocator(mem)), pqarrow.NewArrowWriterProperties(pqarrow.WithAllocator(mem), pqarrow.WithStoreSchema()))
	require.NoError(t, err)
	groups := 0
	require.NoError(t, pipeline.New(src, nil, pipeline.ToFunc(func(_ context.Context, rec arrow.RecordBatch) error {
		groups++
		return w.Write(rec)
	}), pipeline.Config{Mem: mem}).Run(context.Background()))
	require.NoError(t, w.Close())
	return path, groups
}

// A Parquet file of many row groups becomes one task per run of row
// groups; the output is the single-process run's for any run size, and
// the tasks cover every row group once, in order.
func TestClusterParquetRowGroups(t *testing.T) {
	url := startServerOnly(t)
	inProcessWorker(t, url, WorkerOptions{})
	csvFiles := writeFiles(t, 1, 400)
	file, groups := writeParquet(t, csvFiles[0], 37)
	require.Greater(t, groups, 5)
	st, err := os.Stat(file)
	require.NoError(t, err)
	chains := map[string][]string{
		"pass-through": nil,
		"filter":       {"filter", "qty > 4", "then", "select", "note,id"},
		"groupby":      {"groupby", "region", "count() as n, sum(qty), min(price), first(note), mean(qty)"},
	}
	for name, words := range chains {
		calls := parseWords(t, words...)
		// 1 byte: a task per row group; a third of the file: a few runs.
		for _, size := range []int64{1, st.Size() / 3} {
			t.Run(fmt.Sprintf("chain=%s/task-bytes=%d", name, size), func(t *testing.T) {
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				defer cancel()
				want := reference(t, []string{file}, calls, ReadSpec{})
				got, reports, err := runJob(ctx, t, url, []string{file}, calls, ReadSpec{}, 2, sharedmem.Auto, size)
				require.NoError(t, err)
				assert.Equal(t, want, got)
				require.Greater(t, len(reports), 1)
				next := 0
				for _, r := range reports {
					require.NotNil(t, r.RowGroups)
					assert.Equal(t, next, r.RowGroups.First)
					next += r.RowGroups.Count
				}
				assert.Equal(t, groups, next)
				if size == 1 {
					assert.Len(t, reports, groups)
				}
			})
		}
	}
}

// A run of row groups reads as those row groups of the whole file: the
// same batches, one per row group.
func TestOpenRowGroups(t *testing.T) {
	csvFiles := writeFiles(t, 1, 100)
	file, groups := writeParquet(t, csvFiles[0], 9)
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	whole, err := plan.Open(context.Background(), []string{file}, nil, plan.ReadOptions{Mem: mem})
	require.NoError(t, err)
	defer whole.Close()
	all := batchesOf(t, whole, mem)
	defer releaseAll(all)
	require.Len(t, all, groups)
	for _, rg := range []RowGroups{{0, 1}, {3, 4}, {groups - 1, 1}, {0, groups}} {
		src, _, err := openRowGroups(file, rg, plan.ReadOptions{Mem: mem})
		require.NoError(t, err)
		got := batchesOf(t, src, mem)
		defer releaseAll(got)
		require.NoError(t, src.Close())
		require.NoError(t, src.Close())
		require.Len(t, got, rg.Count)
		for i, b := range got {
			assert.True(t, array.RecordEqual(all[rg.First+i], b), "row group %d", rg.First+i)
		}
	}
	_, _, err = openRowGroups(file, RowGroups{groups - 1, 2}, plan.ReadOptions{Mem: mem})
	assert.ErrorContains(t, err, fmt.Sprintf("row groups %d to %d", groups-1, groups))
}

// batchesOf runs src into a list of its batches, which the caller
// releases.
func batchesOf(t *testing.T, src pipeline.Source, mem memory.Allocator) []arrow.RecordBatch {
	t.Helper()
	var out []arrow.RecordBatch
	require.NoError(t, pipeline.New(src, nil, pipeline.ToFunc(func(_ context.Context, rec arrow.RecordBatch) error {
		rec.Retain()
		out = append(out, rec)
		return nil
	}), pipeline.Config{Mem: mem}).Run(context.Background()))
	return out
}

func releaseAll(recs []arrow.RecordBatch) {
	for _, r := range recs {
		r.Release()
	}
}
