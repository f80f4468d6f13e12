package plan_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/sharedmem"
	"github.com/arrowpipe/arrowpipe/stages/plan"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

var regionSchema = arrow.NewSchema([]arrow.Field{
	{Name: "region", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "qty", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
}, nil)

// A regionRow is a row of regionSchema; nil is null.
type regionRow struct {
	region *string
	qty    *int64
}

// writeRegions writes groups as the row groups of a Snappy Parquet file
// (arrow-go's own zstd codec asserts on the empty dictionary page of an
// all-null row group in the assert build) with
// dictionary-encoded text whose dictionary page is capped at 256 bytes,
// checked every 16 rows: a row group of many long values falls back to
// plain pages part way.
func writeRegions(t *testing.T, path string, groups [][]regionRow) {
	writeRegionsAs(t, path, regionSchema, groups)
}

// writeRegionsAs is writeRegions with region of schema's type (utf8 or
// large_utf8, stored so in the file's Arrow schema, as Polars writes).
func writeRegionsAs(t *testing.T, path string, schema *arrow.Schema, groups [][]regionRow) {
	t.Helper()
	f, err := os.Create(path)
	require.NoError(t, err)
	props := parquet.NewWriterProperties(parquet.WithDictionaryDefault(true), parquet.WithDictionaryPageSizeLimit(256),
		parquet.WithBatchSize(16), parquet.WithDataPageSize(256), parquet.WithCompression(compress.Codecs.Snappy))
	fw, err := pqarrow.NewFileWriter(schema, f, props, pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema()))
	require.NoError(t, err)
	mem := memory.NewGoAllocator()
	for _, g := range groups {
		b := array.NewRecordBuilder(mem, schema)
		for _, r := range g {
			if r.region == nil {
				b.Field(0).AppendNull()
			} else {
				b.Field(0).(interface{ Append(string) }).Append(*r.region)
			}
			if r.qty == nil {
				b.Field(1).AppendNull()
			} else {
				b.Field(1).(*array.Int64Builder).Append(*r.qty)
			}
		}
		rec := b.NewRecordBatch()
		require.NoError(t, fw.Write(rec)) // one row group
		rec.Release()
		b.Release()
	}
	require.NoError(t, fw.Close())
}

// regionGroups makes row groups of 1 to maxRows rows: short region names
// drawn from a different set in each (their dictionaries differ), nulls,
// one row group of 60 to 160 long names (plain fallback) and one of nulls
// only.
func regionGroups(r *rand.Rand, maxRows int) (groups [][]regionRow, rows []regionRow) {
	sets := [][]string{{"EU", "NA", "APAC"}, {"NA", "MEA", "", "ANZ"}, {"LATAM", "EU"}, {"ü-région", "APAC", "EU"}}
	for i := range 12 {
		n := 1 + r.IntN(maxRows)
		if i == 5 {
			n = 60 + r.IntN(100) // past the dictionary page limit
		}
		g := make([]regionRow, n)
		for j := range g {
			q := int64(r.IntN(100))
			if r.IntN(11) != 0 {
				g[j].qty = &q
			}
			var s string
			switch {
			case i == 5:
				s = fmt.Sprintf("a long region name that ends with %d", r.IntN(40+n))
			case i == 7 || r.IntN(9) == 0:
				continue // null
			default:
				set := sets[i%len(sets)]
				s = set[r.IntN(len(set))]
			}
			g[j].region = &s
		}
		groups = append(groups, g)
		rows = append(rows, g...)
	}
	return groups, rows
}

// refRegionGroupBy is the reference: count() and sum(qty) by region in
// order of first appearance; nulls are one group (DuckDB's rule), a sum
// of no value is null.
func refRegionGroupBy(rows []regionRow) [][3]any {
	type acc struct {
		n   int64
		sum *int64
	}
	var order []*string
	accs := map[string]*acc{}
	name := func(s *string) string {
		if s == nil {
			return "\x00null"
		}
		return *s
	}
	for _, r := range rows {
		a, ok := accs[name(r.region)]
		if !ok {
			a = &acc{}
			accs[name(r.region)] = a
			order = append(order, r.region)
		}
		a.n++
		if r.qty != nil {
			s := *r.qty
			if a.sum != nil {
				s += *a.sum
			}
			a.sum = &s
		}
	}
	out := make([][3]any, len(order))
	for i, k := range order {
		a := accs[name(k)]
		out[i][1] = a.n
		if k != nil {
			out[i][0] = *k
		}
		if a.sum != nil {
			out[i][2] = *a.sum
		}
	}
	return out
}

// regionRows reads a group-by's output batches.
func regionRows(t *testing.T, recs []arrow.RecordBatch) [][3]any {
	var out [][3]any
	for _, rec := range recs {
		k, n, s := rec.Column(0), rec.Column(1).(*array.Int64), rec.Column(2).(*array.Int64)
		for i := range int(rec.NumRows()) {
			var row [3]any
			if k.IsValid(i) {
				row[0] = k.ValueStr(i) // utf8 or large_utf8
			}
			row[1] = n.Value(i)
			if s.IsValid(i) {
				row[2] = s.Value(i)
			}
			out = append(out, row)
		}
	}
	return out
}

// countingSource cancels the run at its cancelAt-th Next (0: never).
type countingSource struct {
	pipeline.Source
	next, cancelAt int
	cancel         context.CancelFunc
}

func (s *countingSource) Next(ctx context.Context) (pipeline.Chunk, error) {
	if s.next++; s.next == s.cancelAt {
		s.cancel()
	}
	return s.Source.Next(ctx)
}

// dictionaryBatches opens path, builds verbs for it and decodes every
// batch as a decode worker would, counting the batches that hold a
// dictionary column and those that do not.
func dictionaryBatches(t *testing.T, path string, verbs []verb.Verb) (dict, plain int) {
	ctx := context.Background()
	src, err := plan.Open(ctx, []string{path}, nil, plan.ReadOptions{})
	require.NoError(t, err)
	defer src.Close()
	_, err = plan.Build(verb.Env{}, verbs, src, plan.Options{})
	require.NoError(t, err)
	dec := src.NewDecoder()
	for {
		c, err := src.Next(ctx)
		if errors.Is(err, io.EOF) {
			return dict, plain
		}
		require.NoError(t, err)
		rec, err := dec.Decode(ctx, c)
		require.NoError(t, err)
		found := false
		for _, f := range rec.Schema().Fields() {
			found = found || f.Type.ID() == arrow.DICTIONARY
		}
		if found {
			dict++
		} else {
			plain++
		}
		rec.Release()
	}
}

// A group-by on a Parquet file's text column groups its dictionary codes
// (the chain's first verb, which only groups by the column) with the
// output of the strings: the same rows and schema as with the dictionary
// path off and as an in-test group-by of the rows, over row groups of 1
// to 1000 rows with differing dictionaries, a plain fallback and nulls,
// 1 and 4 workers, every handoff, and a cancelled run; no Arrow bytes
// are left behind.
func TestGroupByParquetDictionary(t *testing.T) {
	dir := t.TempDir()
	chain := func(t *testing.T, words ...string) []verb.Verb {
		calls, _, err := plan.ParseChain(words, plan.Specs(nil, nil))
		require.NoError(t, err)
		return plan.Verbs(calls)
	}
	for _, maxRows := range []int{1, 7, 1000} {
		path := filepath.Join(dir, fmt.Sprintf("regions-%d.parquet", maxRows))
		groups, rows := regionGroups(rand.New(rand.NewPCG(18, uint64(maxRows))), maxRows)
		writeRegions(t, path, groups)
		want := refRegionGroupBy(rows)

		groupby := chain(t, "groupby", "region", "count(),sum(qty)")
		dict, plain := dictionaryBatches(t, path, groupby)
		assert.Positive(t, dict, "row groups read as dictionaries")
		assert.Positive(t, plain, "the plain fallback")
		off := groupby[0]
		off.DictionaryKeys = nil
		for _, mode := range []sharedmem.Mode{sharedmem.Shared, sharedmem.Copy, sharedmem.Auto} {
			for _, workers := range []int{1, 4} {
				for _, cancelAt := range []int{0, 3} {
					for _, v := range []verb.Verb{groupby[0], off} {
						name := fmt.Sprintf("rows=%d/mode=%v/workers=%d/cancel=%d/dictionary=%t", maxRows, mode, workers, cancelAt, v.DictionaryKeys != nil)
						t.Run(name, func(t *testing.T) {
							mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
							defer mem.AssertSize(t, 0)
							ctx, cancel := context.WithCancel(context.Background())
							defer cancel()
							src, err := plan.Open(ctx, []string{path}, nil, plan.ReadOptions{Mem: mem})
							require.NoError(t, err)
							defer src.Close()
							p, err := plan.Build(verb.Env{Workers: workers, Mem: mem}, []verb.Verb{v}, src, plan.Options{})
							require.NoError(t, err)
							assert.Equal(t, "schema:\n  fields: 3\n    - region: type=utf8, nullable\n    - count: type=int64, nullable\n    - sum_qty: type=int64, nullable", p.Output().String())
							var recs []arrow.RecordBatch
							defer func() {
								for _, r := range recs {
									r.Release()
								}
							}()
							sink := pipeline.ToFunc(func(_ context.Context, rec arrow.RecordBatch) error {
								assert.True(t, rec.Schema().Equal(p.Output()), "batch schema %s", rec.Schema())
								rec.Retain()
								recs = append(recs, rec)
								return nil
							})
							cs := &countingSource{Source: src, cancelAt: cancelAt, cancel: cancel}
							err = pipeline.New(cs, p.Stages, sink, pipeline.Config{
								Handoff: sharedmem.Policy{Mode: mode, CopyThreshold: 4 << 10}, Mem: mem,
								DecodeWorkers: workers, EncodeWorkers: workers,
							}).Run(ctx)
							if cancelAt > 0 && cancelAt <= len(groups) {
								require.ErrorIs(t, err, context.Canceled)
								return
							}
							require.NoError(t, err)
							assert.Equal(t, want, regionRows(t, recs))
						})
					}
				}
			}
		}
	}

	t.Run("large_utf8", func(t *testing.T) {
		large := arrow.NewSchema([]arrow.Field{
			{Name: "region", Type: arrow.BinaryTypes.LargeString, Nullable: true},
			{Name: "qty", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		}, nil)
		path := filepath.Join(dir, "large.parquet")
		groups, rows := regionGroups(rand.New(rand.NewPCG(18, 2)), 300)
		writeRegionsAs(t, path, large, groups)
		groupby := chain(t, "groupby", "region", "count(),sum(qty)")
		dict, plain := dictionaryBatches(t, path, groupby)
		assert.Positive(t, dict, "row groups read as dictionaries")
		assert.Positive(t, plain, "the plain fallback")
		for _, workers := range []int{1, 4} {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			src, err := plan.Open(context.Background(), []string{path}, nil, plan.ReadOptions{Mem: mem})
			require.NoError(t, err)
			p, err := plan.Build(verb.Env{Workers: workers, Mem: mem}, groupby, src, plan.Options{})
			require.NoError(t, err)
			assert.Equal(t, arrow.BinaryTypes.LargeString, p.Output().Field(0).Type, "the key keeps its type")
			var got [][3]any
			sink := pipeline.ToFunc(func(_ context.Context, rec arrow.RecordBatch) error {
				got = append(got, regionRows(t, []arrow.RecordBatch{rec})...)
				return nil
			})
			require.NoError(t, pipeline.New(src, p.Stages, sink, pipeline.Config{Mem: mem, DecodeWorkers: workers}).Run(context.Background()))
			require.NoError(t, src.Close())
			assert.Equal(t, refRegionGroupBy(rows), got, "workers=%d", workers)
			mem.AssertSize(t, 0)
		}
	})

	t.Run("not for another first verb or a key also aggregated", func(t *testing.T) {
		path := filepath.Join(dir, "regions-1000.parquet")
		for _, words := range [][]string{
			{"filter", "qty > 0", "then", "groupby", "region", "count()"},
			{"groupby", "region", "count(region)"},
			{"distinct", "region"},
		} {
			dict, _ := dictionaryBatches(t, path, chain(t, words...))
			assert.Zero(t, dict, "%v", words)
		}
		dict, _ := dictionaryBatches(t, path, chain(t, "count_distinct", "region"))
		assert.Positive(t, dict, "count_distinct")
	})
}
