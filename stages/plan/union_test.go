package plan_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
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

// driftFile is one generated file of a drifting set, with the rows the
// union must read from it, as text by column name.
type driftFile struct {
	path string
	rows []map[string]string
}

// writeDrift writes n CSV files whose columns drift: reordered, some
// missing, one extra per file, "v" integer in some files and decimal in
// others (→ float64), "s" integer in some and text in others (→ string),
// some files in key=value directories, some with a header only.
func writeDrift(t *testing.T, dir string, n int, rng *rand.Rand) (files []driftFile, want []map[string]string) {
	t.Helper()
	for k := range n {
		cols := []string{"id", "v", "s", fmt.Sprintf("extra%d", k)}
		rng.Shuffle(len(cols), func(i, j int) { cols[i], cols[j] = cols[j], cols[i] })
		if k > 0 && rng.IntN(3) == 0 { // drop one column, never the last one left
			cols = cols[1:]
		}
		floatV, textS := rng.IntN(2) == 0, rng.IntN(3) == 0
		sub := ""
		if k%3 != 2 {
			sub = fmt.Sprintf("part=%d", k%4)
		}
		path := filepath.Join(dir, sub, fmt.Sprintf("f%03d.csv", k))
		var b strings.Builder
		b.WriteString(strings.Join(cols, ",") + "\n")
		f := driftFile{path: path}
		rows := rng.IntN(300)
		if k%5 == 4 {
			rows = 0
		}
		for r := range rows {
			vals := map[string]string{}
			fields := make([]string, len(cols))
			for i, c := range cols {
				switch {
				case c == "id":
					vals[c] = strconv.Itoa(k*1000 + r)
				case c == "v" && floatV:
					vals[c] = strconv.FormatFloat(float64(r)+0.25, 'g', -1, 64)
				case c == "v":
					vals[c] = strconv.Itoa(r - 100)
				case c == "s" && textS:
					vals[c] = "t" + strconv.Itoa(r)
				case c == "s":
					vals[c] = strconv.Itoa(r * 7)
				default:
					vals[c] = strconv.Itoa(rng.IntN(50))
				}
				fields[i] = vals[c]
			}
			b.WriteString(strings.Join(fields, ",") + "\n")
			f.rows = append(f.rows, vals)
		}
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o644))
		files = append(files, f)
	}
	slices.SortFunc(files, func(a, b driftFile) int { return strings.Compare(a.path, b.path) }) // as a directory reads
	for _, f := range files {
		for _, r := range f.rows {
			row := map[string]string{"file": f.path}
			for k, v := range r {
				row[k] = v
			}
			if p := filepath.Base(filepath.Dir(f.path)); strings.HasPrefix(p, "part=") {
				row["part"] = strings.TrimPrefix(p, "part=")
			}
			want = append(want, row)
		}
	}
	return files, want
}

// collect runs src through no stages and returns its rows as text by
// column name (nulls left out), in output order.
func collect(t *testing.T, ctx context.Context, src *plan.Source, cfg pipeline.Config) ([]map[string]string, error) {
	var got []map[string]string
	err := pipeline.New(src, nil, pipeline.ToFunc(func(_ context.Context, rec arrow.RecordBatch) error {
		for r := range int(rec.NumRows()) {
			row := map[string]string{}
			for i, f := range rec.Schema().Fields() {
				if col := rec.Column(i); col.IsValid(r) {
					row[f.Name] = col.ValueStr(r)
				}
			}
			got = append(got, row)
		}
		return nil
	}), cfg).Run(ctx)
	return got, err
}

func TestUnionByNameDrift(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 1))
	dir := t.TempDir()
	files, want := writeDrift(t, dir, 23, rng)
	paths := []string{dir} // partition columns come from the directories walked
	for _, workers := range []int{1, 4} {
		for _, mode := range []sharedmem.Mode{sharedmem.Shared, sharedmem.Copy, sharedmem.Auto} {
			for _, maxOpen := range []int{1, 16} {
				batch := 1 + rng.IntN(1000)
				if maxOpen == 1 {
					batch = 1 + rng.IntN(7)
				}
				name := fmt.Sprintf("workers=%d/mode=%d/open=%d/batch=%d", workers, mode, maxOpen, batch)
				t.Run(name, func(t *testing.T) {
					mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
					defer mem.AssertSize(t, 0)
					ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
					defer cancel()
					src, err := plan.Open(ctx, paths, nil, plan.ReadOptions{BatchRows: batch, MaxOpenFiles: maxOpen, FilenameColumn: "file", Mem: mem})
					require.NoError(t, err)
					defer src.Close()
					sch := src.Schema()
					assert.Equal(t, arrow.PrimitiveTypes.Int64, fieldType(sch, "id"))
					assert.Equal(t, arrow.PrimitiveTypes.Float64, fieldType(sch, "v"))
					assert.Equal(t, arrow.BinaryTypes.String, fieldType(sch, "s"))
					assert.Equal(t, arrow.PrimitiveTypes.Int64, fieldType(sch, "part"))
					assert.Equal(t, []string{"part", "file"}, names(sch)[sch.NumFields()-2:], "partition columns, then the file name, come last")
					got, err := collect(t, ctx, src, pipeline.Config{DecodeWorkers: workers, Handoff: sharedmem.Policy{Mode: mode}, Mem: mem})
					require.NoError(t, err)
					require.Equal(t, len(want), len(got))
					for i := range want {
						require.Equal(t, want[i], got[i], "row %d", i)
					}
					require.NoError(t, src.Close())
					done, total, skipped := src.Files()
					assert.Equal(t, [3]int{len(files), len(files), 0}, [3]int{done, total, skipped})
				})
			}
		}
	}
}

func fieldType(s *arrow.Schema, name string) arrow.DataType {
	idx := s.FieldIndices(name)
	if len(idx) == 0 {
		return nil
	}
	return s.Field(idx[0]).Type
}

func TestUnionCancelAndErrorRelease(t *testing.T) {
	dir := t.TempDir()
	var paths []string
	for k := range 40 {
		p := filepath.Join(dir, fmt.Sprintf("f%02d.csv", k))
		var b strings.Builder
		b.WriteString("a,b\n")
		rows := 500
		if k == 30 {
			rows = 1200
		}
		for r := range rows {
			fmt.Fprintf(&b, "%d,%d\n", r, k)
		}
		if k == 30 {
			b.WriteString("x,1\n") // beyond the sample that typed a as int64
		}
		require.NoError(t, os.WriteFile(p, []byte(b.String()), 0o644))
		paths = append(paths, p)
	}
	t.Run("bad value names file and line", func(t *testing.T) {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		defer mem.AssertSize(t, 0)
		src, err := plan.Open(context.Background(), paths, nil, plan.ReadOptions{BatchRows: 64, MaxOpenFiles: 2, Mem: mem})
		require.NoError(t, err)
		defer src.Close()
		_, err = collect(t, context.Background(), src, pipeline.Config{DecodeWorkers: 4, Mem: mem})
		var de *pipeline.DataError
		require.ErrorAs(t, err, &de)
		assert.Equal(t, paths[30], de.File)
		assert.EqualValues(t, 1202, de.Line)
		assert.EqualValues(t, 1, de.Column)
	})
	t.Run("cancel", func(t *testing.T) {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		defer mem.AssertSize(t, 0)
		ctx, cancel := context.WithCancel(context.Background())
		src, err := plan.Open(ctx, paths[:20], nil, plan.ReadOptions{BatchRows: 16, MaxOpenFiles: 2, Mem: mem})
		require.NoError(t, err)
		defer src.Close()
		n := 0
		err = pipeline.New(src, nil, pipeline.ToFunc(func(context.Context, arrow.RecordBatch) error {
			if n++; n == 30 {
				cancel()
			}
			return nil
		}), pipeline.Config{DecodeWorkers: 4, Mem: mem}).Run(ctx)
		assert.True(t, err == nil || errors.Is(err, context.Canceled), "%v", err)
	})
}

func TestUnionStrictSchema(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.csv"), filepath.Join(dir, "b.csv")
	require.NoError(t, os.WriteFile(a, []byte("x,y\n1,2\n"), 0o644))
	require.NoError(t, os.WriteFile(b, []byte("y,x\n3,4\n"), 0o644))
	_, err := plan.Open(context.Background(), []string{a, b}, nil, plan.ReadOptions{StrictSchema: true})
	var uerr *plan.UsageError
	require.ErrorAs(t, err, &uerr)
	assert.Contains(t, uerr.Msg, "b.csv has columns y,x but "+a+" has x,y")
	src, err := plan.Open(context.Background(), []string{a, a}, nil, plan.ReadOptions{StrictSchema: true})
	require.NoError(t, err)
	got, err := collect(t, context.Background(), src, pipeline.Config{})
	require.NoError(t, err)
	assert.Equal(t, []map[string]string{{"x": "1", "y": "2"}, {"x": "1", "y": "2"}}, got)
	require.NoError(t, src.Close())
}

func TestUnionPartitionFilterSkipsFiles(t *testing.T) {
	dir := t.TempDir()
	var paths []string
	for _, p := range []string{"year=2025/month=12", "year=2026/month=01", "year=2026/month=02", "year=__HIVE_DEFAULT_PARTITION__/month=03"} {
		path := filepath.Join(dir, p, "part.csv")
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte("n\n1\n"), 0o644))
		paths = append(paths, path)
	}
	require.NoError(t, os.Chmod(paths[0], 0)) // a skipped file is never opened
	var seen []map[string]any
	src, err := plan.Open(context.Background(), []string{dir}, nil, plan.ReadOptions{Keep: func(p map[string]any) bool {
		seen = append(seen, p)
		return p["year"] != nil && p["year"].(int64) == 2026
	}})
	require.NoError(t, err)
	defer src.Close()
	assert.Equal(t, map[string]any{"year": int64(2025), "month": "12"}, seen[0], "month keeps its zero: a string")
	assert.Equal(t, map[string]any{"year": nil, "month": "03"}, seen[3])
	got, err := collect(t, context.Background(), src, pipeline.Config{})
	require.NoError(t, err)
	assert.Equal(t, []map[string]string{{"n": "1", "year": "2026", "month": "01"}, {"n": "1", "year": "2026", "month": "02"}}, got)
	done, total, skipped := src.Files()
	assert.Equal(t, [3]int{2, 2, 2}, [3]int{done, total, skipped})
	assert.Equal(t, []string{paths[0], paths[3]}, src.Pruned())
}

func TestWiden(t *testing.T) {
	ts := func(u arrow.TimeUnit) arrow.DataType { return &arrow.TimestampType{Unit: u} }
	for _, c := range []struct{ a, b, want arrow.DataType }{
		{arrow.PrimitiveTypes.Int64, arrow.PrimitiveTypes.Int64, arrow.PrimitiveTypes.Int64},
		{arrow.PrimitiveTypes.Int32, arrow.PrimitiveTypes.Uint8, arrow.PrimitiveTypes.Int64},
		{arrow.PrimitiveTypes.Int64, arrow.PrimitiveTypes.Float64, arrow.PrimitiveTypes.Float64},
		{arrow.Null, arrow.FixedWidthTypes.Boolean, arrow.FixedWidthTypes.Boolean},
		{arrow.FixedWidthTypes.Boolean, arrow.PrimitiveTypes.Int64, arrow.BinaryTypes.String},
		{arrow.PrimitiveTypes.Float64, arrow.BinaryTypes.String, arrow.BinaryTypes.String},
		{ts(arrow.Second), ts(arrow.Nanosecond), ts(arrow.Nanosecond)},
		{ts(arrow.Millisecond), arrow.FixedWidthTypes.Date32, ts(arrow.Millisecond)},
		{&arrow.TimestampType{Unit: arrow.Second, TimeZone: "UTC"}, ts(arrow.Second), arrow.BinaryTypes.String},
	} {
		got, err := plan.Widen(c.a, c.b)
		require.NoError(t, err)
		assert.True(t, arrow.TypeEqual(c.want, got), "%s + %s = %s, want %s", c.a, c.b, got, c.want)
		rev, err := plan.Widen(c.b, c.a)
		require.NoError(t, err)
		assert.True(t, arrow.TypeEqual(got, rev), "commutes")
	}
	_, err := plan.Widen(arrow.ListOf(arrow.PrimitiveTypes.Int64), arrow.BinaryTypes.String)
	assert.Error(t, err)
}

func TestHiveOnlyBelowTheWalkedRoot(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a=b")
	p := filepath.Join(dir, "k=1", "f.csv")
	require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
	require.NoError(t, os.WriteFile(p, []byte("n\n1\n"), 0o644))
	for _, c := range []struct {
		arg  string
		want []string
	}{
		{p, []string{"n"}},
		{dir, []string{"n", "k"}},
		{filepath.Join(dir, "*", "*.csv"), []string{"n", "k"}},
	} {
		src, err := plan.Open(context.Background(), []string{c.arg}, nil, plan.ReadOptions{})
		require.NoError(t, err)
		assert.Equal(t, c.want, names(src.Schema()), c.arg)
		require.NoError(t, src.Close())
	}
}
