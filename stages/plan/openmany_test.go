package plan_test

import (
	"context"
	"fmt"
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
	"github.com/arrowpipe/arrowpipe/sharedmem"
	"github.com/arrowpipe/arrowpipe/stages/plan"
	"github.com/arrowpipe/arrowpipe/stages/textval"
)

// writeTiny writes n CSV files of 0-3 rows each (a,b: file number, row
// number) and returns their paths and the rows in file order, as "a/b".
func writeTiny(t *testing.T, dir string, n int) (paths, want []string) {
	t.Helper()
	for k := range n {
		var b strings.Builder
		b.WriteString("a,b\n")
		for r := range k % 4 {
			fmt.Fprintf(&b, "%d,%d\n", k, r)
			want = append(want, fmt.Sprintf("%d/%d", k, r))
		}
		p := filepath.Join(dir, fmt.Sprintf("f%04d.csv", k))
		require.NoError(t, os.WriteFile(p, []byte(b.String()), 0o644))
		paths = append(paths, p)
	}
	return paths, want
}

// rowsOf runs src through no stage and returns its rows as "a/b".
func rowsOf(t *testing.T, ctx context.Context, src *plan.Source, cfg pipeline.Config) ([]string, error) {
	var got []string
	lastDone := 0
	err := pipeline.New(src, nil, pipeline.ToFunc(func(_ context.Context, rec arrow.RecordBatch) error {
		done, total, _ := src.Files()
		assert.GreaterOrEqual(t, done, lastDone, "files done never go down")
		assert.LessOrEqual(t, done, total)
		lastDone = done
		for r := range int(rec.NumRows()) {
			got = append(got, rec.Column(0).ValueStr(r)+"/"+rec.Column(1).ValueStr(r))
		}
		return nil
	}), cfg).Run(ctx)
	return got, err
}

// TestManyTinyFiles reads hundreds of files of a few rows, as one run of
// files (same columns) and as one reader per file (a file-name column),
// across batch sizes, workers and handoffs: in order, the rows come in
// file order then row order; unordered, the same rows in any order.
func TestManyTinyFiles(t *testing.T) {
	paths, want := writeTiny(t, t.TempDir(), 60)
	sorted := slices.Sorted(slices.Values(want))
	cases := []struct {
		batch, workers int
		mode           sharedmem.Mode
		unordered      bool
	}{
		{1, 4, sharedmem.Shared, false},
		{7, 1, sharedmem.Copy, false},
		{7, 4, sharedmem.Auto, true},
		{1000, 1, sharedmem.Auto, false},
		{1000, 4, sharedmem.Copy, true},
	}
	for _, perFile := range []bool{false, true} {
		for _, c := range cases {
			name := fmt.Sprintf("perfile=%t/batch=%d/workers=%d/mode=%d/unordered=%t", perFile, c.batch, c.workers, c.mode, c.unordered)
			t.Run(name, func(t *testing.T) {
				mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
				defer mem.AssertSize(t, 0)
				ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				defer cancel()
				opts := plan.ReadOptions{BatchRows: c.batch, Mem: mem}
				if perFile {
					opts.FilenameColumn = "file"
				}
				src, err := plan.Open(ctx, paths, nil, opts)
				require.NoError(t, err)
				defer src.Close()
				got, err := rowsOf(t, ctx, src, pipeline.Config{DecodeWorkers: c.workers, Handoff: sharedmem.Policy{Mode: c.mode}, Unordered: c.unordered, Mem: mem})
				require.NoError(t, err)
				if c.unordered {
					slices.Sort(got)
					assert.Equal(t, sorted, got)
				} else {
					assert.Equal(t, want, got, "file order, then row order")
				}
				done, total, _ := src.Files()
				assert.Equal(t, [2]int{len(paths), len(paths)}, [2]int{done, total}, "a run of files counts each")
				require.NoError(t, src.Close())
			})
		}
	}
}

// TestManyFilesBadValueNamesFile: a value that does not fit its declared
// type in file 500 of 600 fails the run with that file, line and column,
// whatever the workers and the batch size, and leaks nothing.
func TestManyFilesBadValueNamesFile(t *testing.T) {
	dir := t.TempDir()
	paths, _ := writeTiny(t, dir, 600)
	require.NoError(t, os.WriteFile(paths[500], []byte("a,b\n500,0\n500,1\n500,x\n"), 0o644))
	for _, c := range []struct {
		perFile        bool
		workers, batch int
	}{{false, 4, 7}, {true, 1, 1000}} {
		{
			perFile, workers, batch := c.perFile, c.workers, c.batch
			{
				t.Run(fmt.Sprintf("perfile=%t/workers=%d/batch=%d", perFile, workers, batch), func(t *testing.T) {
					mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
					defer mem.AssertSize(t, 0)
					ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
					defer cancel()
					opts := plan.ReadOptions{BatchRows: batch, Mem: mem, Schema: textval.Spec{
						{Name: "a", Type: arrow.PrimitiveTypes.Int64}, {Name: "b", Type: arrow.PrimitiveTypes.Int64}}}
					if perFile {
						opts.FilenameColumn = "file"
					}
					src, err := plan.Open(ctx, paths, nil, opts)
					require.NoError(t, err)
					defer src.Close()
					_, err = rowsOf(t, ctx, src, pipeline.Config{DecodeWorkers: workers, Mem: mem})
					var de *pipeline.DataError
					require.ErrorAs(t, err, &de)
					assert.Equal(t, paths[500], de.File)
					assert.EqualValues(t, 4, de.Line)
					assert.EqualValues(t, 2, de.Column)
					assert.Contains(t, err.Error(), "f0500.csv")
				})
			}
		}
	}
}

// TestManyFilesSchemaErrorIsTheFirstFiles: schemas are read in parallel,
// and of two bad files the first in order is reported, every time.
func TestManyFilesSchemaErrorIsTheFirstFiles(t *testing.T) {
	dir := t.TempDir()
	paths, _ := writeTiny(t, dir, 200)
	for _, k := range []int{37, 150} { // two bad files: the first is reported
		require.NoError(t, os.WriteFile(paths[k], []byte("a,a\n1,2\n"), 0o644))
	}
	for range 5 {
		_, err := plan.Open(context.Background(), paths, nil, plan.ReadOptions{})
		require.Error(t, err)
		assert.Contains(t, err.Error(), "f0037.csv", "%v", err)
		assert.NotContains(t, err.Error(), "f0150.csv")
	}
}
