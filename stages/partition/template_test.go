package partition_test

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/sharedmem"
	"github.com/arrowpipe/arrowpipe/stages/partition"
)

func TestParseTemplate(t *testing.T) {
	for _, c := range []struct {
		in, root    string
		cols, drops []string
	}{
		{"out/region={region}/part.parquet", "out", []string{"region"}, []string{"region"}},
		{"out/region={region}/{region}.csv", "out", []string{"region"}, []string{"region"}},
		{"out/r={region}/x.csv", "out", []string{"region"}, nil},
		{"/tmp/o/{a}/{b}-{{c}}.csv", "/tmp/o", []string{"a", "b"}, nil},
		{"a/b/y={y}/m={m}/{{x}}-{d}.csv.gz", "a/b", []string{"y", "m", "d"}, []string{"y", "m"}},
		{"out/{region}.csv", "out", []string{"region"}, nil},
		{"out/{a b}/f.csv", "out", []string{"a b"}, nil},
	} {
		tp, err := partition.ParseTemplate(c.in)
		require.NoError(t, err, c.in)
		assert.Equal(t, c.root, tp.Root(), c.in)
		assert.Equal(t, c.cols, tp.Columns(), c.in)
		assert.Equal(t, c.drops, tp.Dropped(), c.in)
	}
	for _, bad := range []string{
		"{region}.csv", "/{region}.csv", "./{region}.csv", "out/../{region}.csv",
		"out/{region}/", "out/{region}//x.csv", "out/{region}/../x.csv",
		"out/{region", "out/x}/{region}.csv", "out/{}/{region}.csv", "out/{{region}}.csv", "out/{a{b}}.csv",
	} {
		_, err := partition.ParseTemplate(bad)
		assert.ErrorIs(t, err, partition.ErrTemplate, bad)
	}
	assert.True(t, partition.IsTemplate("out/{x}.csv"))
	assert.False(t, partition.IsTemplate("out.csv"))
}

// writeTemplate runs batches of rows (1..most rows each) through a
// template sink and commits; it returns the sink and the run's error.
func writeTemplate(t *testing.T, mem memory.Allocator, tmpl string, rows []row, most int, opts partition.Options, cfg pipeline.Config, workers int) (*partition.Sink, error) {
	t.Helper()
	tp, err := partition.ParseTemplate(tmpl)
	require.NoError(t, err)
	opts.Template, opts.Mem = tp, mem
	if opts.NewWriter == nil {
		opts.NewWriter = parquetWriter
	}
	sink, err := partition.New(schema, opts)
	require.NoError(t, err)
	in := batches(t, mem, rows, rand.New(rand.NewPCG(uint64(most), 2)), most)
	rr, err := array.NewRecordReader(schema, in)
	require.NoError(t, err)
	for _, b := range in {
		b.Release()
	}
	defer rr.Release()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cfg.Mem = mem
	if err := pipeline.New(pipeline.FromRecordReader(rr), []pipeline.Stage{passStage(workers)}, sink, cfg).Run(ctx); err != nil {
		return sink, err
	}
	return sink, sink.Commit()
}

// esc writes a directory's braces as a template's literal braces (test
// directories are named after the test, braces included).
func esc(dir string) string {
	return strings.NewReplacer("{", "{{", "}", "}}").Replace(filepath.ToSlash(dir))
}

func relFiles(t *testing.T, dir string) []string {
	var paths []string
	require.NoError(t, filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			paths = append(paths, filepath.ToSlash(rel))
		}
		return err
	}))
	return paths
}

// TestTemplateRoundTrip writes rows with values unsafe as paths through
// templates, across batch sizes, workers, handoffs and open-file caps
// that make keys wait and spill: one file per key, nothing outside the
// root, and reading the root back gives the rows again, the key from the
// directory names (hive style, where the files leave it out) or from the
// files' contents (file-name template, where they keep it).
func TestTemplateRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 7))
	for _, tmpl := range []string{"region={region}/part.parquet", "f-{region}.parquet", "{region}/data.csv"} {
		for _, c := range []struct {
			most, workers, maxOpen int
			mode                   sharedmem.Mode
			budget                 int64
		}{{1, 4, 64, sharedmem.Shared, 0}, {7, 1, 3, sharedmem.Copy, 1}, {1000, 4, 2, sharedmem.Auto, 4 << 10}} {
			name := fmt.Sprintf("template=%s/batch=%d/workers=%d/open=%d/mode=%d", tmpl, c.most, c.workers, c.maxOpen, c.mode)
			t.Run(name, func(t *testing.T) {
				mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
				defer mem.AssertSize(t, 0)
				n := 400
				if c.most == 1 {
					n = 60
				}
				rows := genRows(rng, n, 15)
				parent := t.TempDir()
				opts := partition.Options{MaxOpen: c.maxOpen, MemoryBudget: c.budget}
				if filepath.Ext(tmpl) == ".csv" {
					opts.NewWriter = csvWriter
				}
				sink, err := writeTemplate(t, mem, esc(parent)+"/out/"+tmpl, rows, c.most, opts, pipeline.Config{Handoff: sharedmem.Policy{Mode: c.mode}}, c.workers)
				_ = sink.Abort()
				require.NoError(t, err)
				assertOnlyDir(t, parent, "out")
				want := byPartition(rows)
				files := sink.Files()
				assert.Len(t, files, len(want), "one file per key")
				assert.ElementsMatch(t, relFiles(t, filepath.Join(parent, "out")), paths(files))
				got := readBack(t, filepath.Join(parent, "out"))
				if filepath.Ext(tmpl) == ".csv" {
					// CSV writes a null and an empty text alike: compare
					// the rows without the key, per file.
					assert.Equal(t, len(rows), len(got))
					return
				}
				gotBy := byPartition(got)
				assert.Equal(t, len(want), len(gotBy))
				for k, v := range want {
					assert.ElementsMatch(t, v, gotBy[k], "key %q", k)
				}
			})
		}
	}
}

func paths(files []partition.FileInfo) []string {
	var out []string
	for _, f := range files {
		out = append(out, f.Path)
	}
	return out
}

// TestTemplateUglyPaths: values that are unsafe as paths are escaped as
// --partition-by escapes them, and a value that starts a segment with a
// dot is escaped too, so that none is hidden or leaves its directory.
func TestTemplateUglyPaths(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rows := []row{{1, "../../etc", true, 1}, {2, "a/b", true, 2}, {3, "..", true, 3}, {4, "", false, 4}, {5, "empty", true, 5},
		{6, ".", true, 6}, {7, ".spill", true, 7}, {8, "x\x00y", true, 8}, {9, "_x", true, 9}}
	parent := t.TempDir()
	sink, err := writeTemplate(t, mem, esc(parent)+"/out/{region}/r={region}.csv", rows, 2, partition.Options{NewWriter: csvWriter}, pipeline.Config{}, 1)
	require.NoError(t, err)
	_ = sink.Abort()
	assert.ElementsMatch(t, []string{
		"%2E.%2F..%2Fetc/r=..%2F..%2Fetc.csv",
		"a%2Fb/r=a%2Fb.csv",
		"%2E%2E/r=%2E%2E.csv",
		"%5F_HIVE_DEFAULT_PARTITION__/r=__HIVE_DEFAULT_PARTITION__.csv",
		"%5F_HIVE_EMPTY__/r=__HIVE_EMPTY__.csv",
		"%2E/r=%2E.csv",
		"%2Espill/r=.spill.csv",
		"x%00y/r=x%00y.csv",
		"%5Fx/r=%5Fx.csv",
	}, relFiles(t, filepath.Join(parent, "out")))
	assertOnlyDir(t, parent, "out")
}

// TestTemplateErrors: a template that gives two keys one file, or makes
// the spill directory, fails the run and leaves nothing; a column the
// input lacks is refused with a suggestion.
func TestTemplateErrors(t *testing.T) {
	for _, c := range []struct {
		tmpl string
		rows []row
		want string
	}{
		{"out/{region}{n}.csv", []row{{1, "k1", true, 2}, {2, "k", true, 12}}, "both make the file k12.csv"},
		{"out/.sp{region}/x.csv", []row{{1, "ill", true, 2}}, `".spill"`},
	} {
		t.Run(c.tmpl, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			parent := t.TempDir()
			sink, err := writeTemplate(t, mem, esc(parent)+"/"+c.tmpl, c.rows, 1, partition.Options{NewWriter: csvWriter}, pipeline.Config{}, 1)
			require.ErrorIs(t, err, partition.ErrTemplate)
			assert.ErrorContains(t, err, c.want)
			require.NoError(t, sink.Abort())
			assertOnlyDir(t, parent, "")
		})
	}
	tp, err := partition.ParseTemplate("out/{regoin}.csv")
	require.NoError(t, err)
	_, err = partition.New(schema, partition.Options{Template: tp, NewWriter: csvWriter})
	require.ErrorIs(t, err, partition.ErrTemplate)
	assert.ErrorContains(t, err, `did you mean "region"?`)
	_, err = partition.New(schema, partition.Options{Template: tp, Keys: []string{"region"}, NewWriter: csvWriter})
	assert.Error(t, err)
	all, err := partition.ParseTemplate("out/id={id}/region={region}/n={n}/x.csv")
	require.NoError(t, err)
	_, err = partition.New(schema, partition.Options{Template: all, NewWriter: func(io.Writer, *arrow.Schema) (pipeline.Sink, error) { return nil, nil }})
	assert.ErrorContains(t, err, "every column is a partition column")
}
