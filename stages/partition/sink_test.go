package partition_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
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
	"github.com/arrowpipe/arrowpipe/stages/format"
	"github.com/arrowpipe/arrowpipe/stages/partition"
	"github.com/arrowpipe/arrowpipe/stages/plan"
)

var schema = arrow.NewSchema([]arrow.Field{
	{Name: "id", Type: arrow.PrimitiveTypes.Int64},
	{Name: "region", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "n", Type: arrow.PrimitiveTypes.Int64},
}, nil)

// regions holds values unsafe as path segments; "" stands for a null.
var regions = []string{"EU", "US", "../../etc", "..", ".", "a/b", "empty", "null", "_x", "100%", "k=v"}

type row struct {
	id     int64
	region string
	valid  bool
	n      int64
}

// batches cuts rows into batches of random sizes (1..max).
func batches(t *testing.T, mem memory.Allocator, rows []row, rng *rand.Rand, most int) []arrow.RecordBatch {
	var out []arrow.RecordBatch
	for len(rows) > 0 {
		k := min(len(rows), 1+rng.IntN(most))
		b := array.NewRecordBuilder(mem, schema)
		for _, r := range rows[:k] {
			b.Field(0).(*array.Int64Builder).Append(r.id)
			rb := b.Field(1).(*array.StringBuilder)
			switch {
			case !r.valid:
				rb.AppendNull()
			case r.region == "empty":
				rb.Append("")
			default:
				rb.Append(r.region)
			}
			b.Field(2).(*array.Int64Builder).Append(r.n)
		}
		out = append(out, b.NewRecordBatch())
		b.Release()
		rows = rows[k:]
	}
	return out
}

func genRows(rng *rand.Rand, n int, keys int) []row {
	rows := make([]row, n)
	for i := range rows {
		k := rng.IntN(keys)
		reg := "k" + strconv.Itoa(k)
		if k < len(regions) {
			reg = regions[k]
		}
		rows[i] = row{id: int64(i), region: reg, valid: reg != "null", n: int64(k)}
	}
	return rows
}

func csvWriter(w io.Writer, s *arrow.Schema) (pipeline.Sink, error) {
	return plan.NewSink(w, format.CSV, s, plan.SinkOptions{})
}

func parquetWriter(w io.Writer, s *arrow.Schema) (pipeline.Sink, error) {
	return plan.NewSink(w, format.Parquet, s, plan.SinkOptions{})
}

// readBack reads dir with plan.Open (partition columns from the paths)
// and returns each row's id, region (as the reader gives it) and n.
func readBack(t *testing.T, dir string) []row {
	t.Helper()
	src, err := plan.Open(context.Background(), []string{dir}, nil, plan.ReadOptions{})
	if err != nil {
		files, _ := filepath.Glob(filepath.Join(dir, "*"))
		require.NoError(t, err, "%v", files)
	}
	defer src.Close()
	var got []row
	require.NoError(t, pipeline.New(src, nil, pipeline.ToFunc(func(_ context.Context, rec arrow.RecordBatch) error {
		idx := func(name string) arrow.Array { return rec.Column(rec.Schema().FieldIndices(name)[0]) }
		id, n := idx("id").(*array.Int64), idx("n").(*array.Int64)
		var reg arrow.Array
		if len(rec.Schema().FieldIndices("region")) > 0 {
			reg = idx("region")
		}
		for r := range int(rec.NumRows()) {
			x := row{id: id.Value(r), n: n.Value(r)}
			if reg != nil && reg.IsValid(r) {
				x.valid = true
				x.region = reg.ValueStr(r)
				if x.region == "" {
					x.region = "empty"
				}
			}
			got = append(got, x)
		}
		return nil
	}), pipeline.Config{}).Run(context.Background()))
	return got
}

// byPartition groups rows by region, each in input order.
func byPartition(rows []row) map[string][]row {
	m := map[string][]row{}
	for _, r := range rows {
		k := r.region
		if !r.valid {
			k = "<null>"
			r.region = ""
		}
		m[k] = append(m[k], r)
	}
	return m
}

func TestPartitionRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 6))
	for _, w := range []struct {
		name string
		ext  string
		fn   func(io.Writer, *arrow.Schema) (pipeline.Sink, error)
	}{{"csv", ".csv", csvWriter}, {"parquet", ".parquet", parquetWriter}} {
		for _, workers := range []int{1, 4} {
			for _, mode := range []sharedmem.Mode{sharedmem.Shared, sharedmem.Copy, sharedmem.Auto} {
				for _, c := range []struct {
					maxOpen int
					budget  int64
				}{{64, 0}, {3, 1}, {2, 4 << 10}} {
					name := fmt.Sprintf("format=%s/workers=%d/mode=%d/open=%d/budget=%d", w.name, workers, mode, c.maxOpen, c.budget)
					t.Run(name, func(t *testing.T) {
						mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
						defer mem.AssertSize(t, 0)
						rows := genRows(rng, 3000, 25)
						in := batches(t, mem, rows, rng, 1000)
						parent := t.TempDir()
						dir := filepath.Join(parent, "out")
						sink, err := partition.New(schema, partition.Options{Dir: dir, Keys: []string{"region"}, Ext: w.ext, NewWriter: w.fn,
							MaxOpen: c.maxOpen, MemoryBudget: c.budget, Mem: mem})
						require.NoError(t, err)
						defer sink.Abort()
						rr, err := array.NewRecordReader(schema, in)
						require.NoError(t, err)
						for _, b := range in {
							b.Release()
						}
						ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
						defer cancel()
						err = pipeline.New(pipeline.FromRecordReader(rr), []pipeline.Stage{passStage(workers)}, sink, pipeline.Config{Handoff: sharedmem.Policy{Mode: mode}, Mem: mem}).Run(ctx)
						rr.Release()
						require.NoError(t, err)
						require.NoError(t, sink.Commit())
						want := byPartition(rows)
						got := byPartition(readBack(t, dir))
						assert.Equal(t, len(want), len(got))
						for k, v := range want {
							assert.Equal(t, v, got[k], "partition %q", k)
						}
						files := sink.Files()
						assert.Len(t, files, len(want), "one file per partition")
						var total int64
						for _, f := range files {
							total += f.Rows
						}
						assert.EqualValues(t, len(rows), total)
						assertOnlyDir(t, parent, "out")
					})
				}
			}
		}
	}
}

func passStage(workers int) pipeline.Stage {
	return pipeline.Stage{Name: "pass", Workers: workers, NewWorker: func() pipeline.Worker {
		return pipeline.WorkerFunc(func(_ context.Context, _ uint64, in arrow.RecordBatch) (arrow.RecordBatch, error) { return in, nil })
	}}
}

// assertOnlyDir checks that parent holds only name: nothing escaped the
// output directory and no staging directory is left.
func assertOnlyDir(t *testing.T, parent, name string) {
	t.Helper()
	ents, err := os.ReadDir(parent)
	require.NoError(t, err)
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	if name == "" {
		assert.Empty(t, names)
	} else {
		assert.Equal(t, []string{name}, names)
	}
	_, err = os.Stat(filepath.Join(parent, "..", "etc"))
	assert.True(t, errors.Is(err, fs.ErrNotExist) || !strings.HasPrefix(parent, os.TempDir()))
}

func TestPartitionPathsStayInside(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rows := []row{{1, "../../etc", true, 1}, {2, "a/b", true, 2}, {3, "..", true, 3}, {4, "", false, 4}, {5, "empty", true, 5}}
	parent := t.TempDir()
	dir := filepath.Join(parent, "out")
	write(t, mem, dir, rows, partition.Options{Keys: []string{"region"}})
	var paths []string
	require.NoError(t, filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			paths = append(paths, filepath.ToSlash(rel))
		}
		return err
	}))
	assert.ElementsMatch(t, []string{
		"region=..%2F..%2Fetc/part-00001.csv",
		"region=a%2Fb/part-00001.csv",
		"region=%2E%2E/part-00001.csv",
		"region=__HIVE_DEFAULT_PARTITION__/part-00001.csv",
		"region=__HIVE_EMPTY__/part-00001.csv",
	}, paths)
	assertOnlyDir(t, parent, "out")
	assert.ElementsMatch(t, rowsAsRead(rows), readBack(t, dir))
}

func rowsAsRead(rows []row) []row {
	out := make([]row, len(rows))
	for i, r := range rows {
		if !r.valid {
			r.region = ""
		}
		out[i] = r
	}
	return out
}

// write runs rows through a partition sink into dir and commits.
func write(t *testing.T, mem memory.Allocator, dir string, rows []row, opts partition.Options) *partition.Sink {
	t.Helper()
	opts.Dir, opts.Mem = dir, mem
	if opts.NewWriter == nil {
		opts.NewWriter, opts.Ext = csvWriter, ".csv"
	}
	sink, err := partition.New(schema, opts)
	require.NoError(t, err)
	in := batches(t, mem, rows, rand.New(rand.NewPCG(1, 2)), 7)
	rr, err := array.NewRecordReader(schema, in)
	require.NoError(t, err)
	for _, b := range in {
		b.Release()
	}
	defer rr.Release()
	require.NoError(t, pipeline.New(pipeline.FromRecordReader(rr), nil, sink, pipeline.Config{Mem: mem}).Run(context.Background()))
	require.NoError(t, sink.Commit())
	return sink
}

func TestPartialFailureLeavesNothing(t *testing.T) {
	for _, failAt := range []int{1, 5, 12} {
		t.Run(fmt.Sprintf("fail=%d", failAt), func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			parent := t.TempDir()
			dir := filepath.Join(parent, "out")
			made := 0
			failing := func(w io.Writer, s *arrow.Schema) (pipeline.Sink, error) {
				if made++; made == failAt {
					return nil, errors.New("disk full")
				}
				return csvWriter(w, s)
			}
			sink, err := partition.New(schema, partition.Options{Dir: dir, Keys: []string{"region"}, Ext: ".csv", NewWriter: failing, MaxOpen: 2, MemoryBudget: 1, Mem: mem})
			require.NoError(t, err)
			in := batches(t, mem, genRows(rand.New(rand.NewPCG(3, 4)), 2000, 20), rand.New(rand.NewPCG(5, 6)), 300)
			rr, err := array.NewRecordReader(schema, in)
			require.NoError(t, err)
			for _, b := range in {
				b.Release()
			}
			err = pipeline.New(pipeline.FromRecordReader(rr), nil, sink, pipeline.Config{Mem: mem}).Run(context.Background())
			rr.Release()
			require.ErrorContains(t, err, "disk full")
			require.NoError(t, sink.Abort())
			assertOnlyDir(t, parent, "")
		})
	}
}

func TestExistingDirectory(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	parent := t.TempDir()
	dir := filepath.Join(parent, "out")
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "old"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "old", "f.csv"), []byte("x\n1\n"), 0o644))
	_, err := partition.New(schema, partition.Options{Dir: dir, NewWriter: csvWriter})
	require.ErrorIs(t, err, partition.ErrExists)
	assertOnlyDir(t, parent, "out")

	rows := []row{{1, "EU", true, 1}}
	write(t, mem, dir, rows, partition.Options{Keys: []string{"region"}, Overwrite: true})
	assertOnlyDir(t, parent, "out")
	_, err = os.Stat(filepath.Join(dir, "old"))
	assert.ErrorIs(t, err, fs.ErrNotExist, "overwrite replaces the whole directory")
	assert.Equal(t, rows, readBack(t, dir))

	empty := filepath.Join(parent, "empty")
	require.NoError(t, os.Mkdir(empty, 0o755))
	write(t, mem, empty, rows, partition.Options{Keys: []string{"region"}})
	assert.Equal(t, rows, readBack(t, empty))
}

func TestSplit(t *testing.T) {
	rows := genRows(rand.New(rand.NewPCG(7, 8)), 1000, 3)
	t.Run("rows", func(t *testing.T) {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		defer mem.AssertSize(t, 0)
		dir := filepath.Join(t.TempDir(), "out")
		sink := write(t, mem, dir, rows, partition.Options{SplitRows: 150})
		files := sink.Files()
		require.Len(t, files, 7)
		for i, f := range files {
			assert.Equal(t, fmt.Sprintf("part-%05d.csv", i+1), f.Path)
			want := int64(150)
			if i == 6 {
				want = 100
			}
			assert.Equal(t, want, f.Rows)
		}
		assert.Equal(t, rows, readBack(t, dir), "order kept across files")
	})
	t.Run("bytes", func(t *testing.T) {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		defer mem.AssertSize(t, 0)
		dir := filepath.Join(t.TempDir(), "out")
		const most = 2000
		sink := write(t, mem, dir, rows, partition.Options{SplitBytes: most})
		header := int64(len("id,region,n\n"))
		for _, f := range sink.Files() {
			st, err := os.Stat(filepath.Join(dir, f.Path))
			require.NoError(t, err)
			assert.LessOrEqual(t, st.Size(), most+header, f.Path)
			assert.Greater(t, st.Size(), int64(most/2), f.Path)
		}
		assert.Equal(t, rows, readBack(t, dir))
	})
	t.Run("partitioned", func(t *testing.T) {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		defer mem.AssertSize(t, 0)
		dir := filepath.Join(t.TempDir(), "out")
		sink := write(t, mem, dir, rows, partition.Options{Keys: []string{"region"}, SplitRows: 100, MaxOpen: 1, MemoryBudget: 1})
		for _, f := range sink.Files() {
			assert.LessOrEqual(t, f.Rows, int64(100))
		}
		want, got := byPartition(rows), byPartition(readBack(t, dir))
		assert.Equal(t, want, got)
	})
	t.Run("empty input", func(t *testing.T) {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		defer mem.AssertSize(t, 0)
		dir := filepath.Join(t.TempDir(), "out")
		sink := write(t, mem, dir, nil, partition.Options{SplitRows: 10})
		assert.Equal(t, []partition.FileInfo{{Path: "part-00001.csv"}}, sink.Files())
	})
}

func TestNewErrors(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	_, err := partition.New(schema, partition.Options{Dir: dir, Keys: []string{"nope"}, NewWriter: csvWriter})
	assert.ErrorContains(t, err, `no column "nope"`)
	_, err = partition.New(schema, partition.Options{Dir: dir, Keys: []string{"id", "region", "n"}, NewWriter: csvWriter})
	assert.ErrorContains(t, err, "every column")
	_, err = partition.New(schema, partition.Options{Dir: dir, Keys: []string{"id", "id"}, NewWriter: csvWriter})
	assert.ErrorContains(t, err, "twice")
}
