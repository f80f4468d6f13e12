package plan_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
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
)

// writeRun writes files CSV files of rows rows with one header (id, v, t)
// and the same rows as one file; v is an integer, t a timestamp.
func writeRun(t *testing.T, dir string, files, rows int) (paths []string, one string) {
	t.Helper()
	const header = "id,v,t\n"
	var all strings.Builder
	all.WriteString(header)
	for f := range files {
		var b strings.Builder
		b.WriteString(header)
		for r := range rows {
			id := f*rows + r
			fmt.Fprintf(&b, "%d,%d,2026-01-%02dT10:00:00Z\n", id, id%17-8, 1+id%28)
		}
		all.WriteString(b.String()[len(header):])
		p := filepath.Join(dir, fmt.Sprintf("r%03d.csv", f))
		require.NoError(t, os.WriteFile(p, []byte(b.String()), 0o644))
		paths = append(paths, p)
	}
	one = filepath.Join(dir, "one.csv")
	require.NoError(t, os.WriteFile(one, []byte(all.String()), 0o644))
	return paths, one
}

// TestHeaderRunReadsAsOneFile: a run of files with one header line, typed
// from its first file's sample, gives the schema and rows of the same rows
// in one file, across batch sizes, workers and handoffs.
func TestHeaderRunReadsAsOneFile(t *testing.T) {
	paths, one := writeRun(t, t.TempDir(), 30, 8)
	read := func(t *testing.T, paths []string, batch, workers int, mode sharedmem.Mode) (*arrow.Schema, []map[string]string) {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		defer mem.AssertSize(t, 0)
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		src, err := plan.Open(ctx, paths, nil, plan.ReadOptions{SampleRows: 5, BatchRows: batch, Mem: mem})
		require.NoError(t, err)
		defer src.Close()
		got, err := collect(t, ctx, src, pipeline.Config{DecodeWorkers: workers, Handoff: sharedmem.Policy{Mode: mode}, Mem: mem})
		require.NoError(t, err)
		require.NoError(t, src.Close())
		return src.Schema(), got
	}
	wantSchema, want := read(t, []string{one}, 1000, 1, sharedmem.Auto)
	require.Len(t, want, 240)
	for _, c := range []struct {
		batch, workers int
		mode           sharedmem.Mode
	}{{1, 4, sharedmem.Shared}, {7, 1, sharedmem.Copy}, {1000, 4, sharedmem.Auto}} {
		t.Run(fmt.Sprintf("batch=%d/workers=%d/mode=%d", c.batch, c.workers, c.mode), func(t *testing.T) {
			sch, got := read(t, paths, c.batch, c.workers, c.mode)
			assert.True(t, wantSchema.Equal(sch), "%v\n%v", wantSchema, sch)
			assert.Equal(t, want, got)
		})
	}
}

// TestHeaderRunTypeDrift: a file of the run's header whose values do not
// fit the leader's types fails naming its file, line and column, as a
// later line of one file would; when the leader's first 64 KiB hold fewer
// records than the sample, every file is sampled and the types widen.
func TestHeaderRunTypeDrift(t *testing.T) {
	dir := t.TempDir()
	lead := filepath.Join(dir, "a.csv")
	drift := filepath.Join(dir, "b.csv")
	require.NoError(t, os.WriteFile(lead, []byte("x,y\n1,2\n3,4\n5,6\n"), 0o644))
	require.NoError(t, os.WriteFile(drift, []byte("x,y\n7,8\n9,1.5\n"), 0o644))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	t.Run("full sample", func(t *testing.T) {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		defer mem.AssertSize(t, 0)
		src, err := plan.Open(ctx, []string{lead, drift}, nil, plan.ReadOptions{SampleRows: 2, Mem: mem})
		require.NoError(t, err)
		defer src.Close()
		assert.Equal(t, arrow.PrimitiveTypes.Int64, fieldType(src.Schema(), "y"))
		_, err = collect(t, ctx, src, pipeline.Config{Mem: mem})
		var de *pipeline.DataError
		require.ErrorAs(t, err, &de)
		assert.Equal(t, drift, de.File)
		assert.EqualValues(t, 3, de.Line)
		assert.EqualValues(t, 2, de.Column)
		assert.ErrorContains(t, err, "b.csv has the header of "+lead)
	})
	t.Run("short sample", func(t *testing.T) {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		defer mem.AssertSize(t, 0)
		src, err := plan.Open(ctx, []string{lead, drift}, nil, plan.ReadOptions{Mem: mem})
		require.NoError(t, err)
		defer src.Close()
		assert.Equal(t, arrow.PrimitiveTypes.Float64, fieldType(src.Schema(), "y"))
		got, err := collect(t, ctx, src, pipeline.Config{Mem: mem})
		require.NoError(t, err)
		assert.Len(t, got, 5)
		assert.Equal(t, "1.5", got[4]["y"])
	})
}

// TestHeaderRunFileNames: a run of files read by one reader still names
// each row's own file in the file-name column, across batch sizes,
// workers and handoffs, and counts each file as read.
func TestHeaderRunFileNames(t *testing.T) {
	const files, rows = 30, 8
	paths, _ := writeRun(t, t.TempDir(), files, rows)
	for _, c := range []struct {
		batch, workers int
		mode           sharedmem.Mode
	}{{1, 4, sharedmem.Shared}, {5, 1, sharedmem.Copy}, {1000, 4, sharedmem.Auto}} {
		t.Run(fmt.Sprintf("batch=%d/workers=%d/mode=%d", c.batch, c.workers, c.mode), func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			src, err := plan.Open(ctx, paths, nil, plan.ReadOptions{SampleRows: 5, BatchRows: c.batch, FilenameColumn: "file", Mem: mem})
			require.NoError(t, err)
			defer src.Close()
			got, err := collect(t, ctx, src, pipeline.Config{DecodeWorkers: c.workers, Handoff: sharedmem.Policy{Mode: c.mode}, Mem: mem})
			require.NoError(t, err)
			require.Len(t, got, files*rows)
			for i, r := range got {
				assert.Equal(t, fmt.Sprint(i), r["id"])
				assert.Equal(t, paths[i/rows], r["file"], "row %d", i)
			}
			require.NoError(t, src.Close())
			done, total, _ := src.Files()
			assert.Equal(t, [2]int{files, files}, [2]int{done, total})
		})
	}
}

// TestHeaderRunWideRows: a first file whose first 64 KiB hold fewer
// records than the sample is read on to count them: with 1100 records
// its run follows it (a later file's misfit value is an error), with 900
// every file is sampled (the types widen).
func TestHeaderRunWideRows(t *testing.T) {
	pad := strings.Repeat("w", 100)
	for _, c := range []struct {
		rows   int
		follow bool
	}{{1100, true}, {900, false}} {
		t.Run(fmt.Sprintf("rows=%d", c.rows), func(t *testing.T) {
			dir := t.TempDir()
			var b strings.Builder
			b.WriteString("y,pad\n")
			for r := range c.rows {
				fmt.Fprintf(&b, "%d,%s\n", r, pad)
			}
			lead, next := filepath.Join(dir, "a.csv"), filepath.Join(dir, "b.csv")
			require.NoError(t, os.WriteFile(lead, []byte(b.String()), 0o644))
			require.NoError(t, os.WriteFile(next, []byte("y,pad\n1.5,x\n"), 0o644))
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			src, err := plan.Open(ctx, []string{lead, next}, nil, plan.ReadOptions{Mem: mem})
			require.NoError(t, err)
			defer src.Close()
			_, err = collect(t, ctx, src, pipeline.Config{Mem: mem})
			if c.follow {
				assert.Equal(t, arrow.PrimitiveTypes.Int64, fieldType(src.Schema(), "y"))
				var de *pipeline.DataError
				require.ErrorAs(t, err, &de)
				assert.Equal(t, next, de.File)
				return
			}
			assert.Equal(t, arrow.PrimitiveTypes.Float64, fieldType(src.Schema(), "y"))
			require.NoError(t, err)
		})
	}
}
