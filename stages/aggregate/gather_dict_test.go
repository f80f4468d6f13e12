package aggregate

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/sharedmem"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// dictKind is how the batches of a dictionary test get their dictionaries.
type dictKind string

const (
	dictShared dictKind = "shared" // one array for every batch, as an IPC stream has
	dictEqual  dictKind = "equal"  // equal values, one array per batch
	dictOwn    dictKind = "own"    // each batch its own values and order
)

// dictRow is one row of a dictionary test: an int key and a text that is
// nil for null.
type dictRow struct {
	k int64
	d *string
}

func (r dictRow) String() string {
	if r.d == nil {
		return fmt.Sprintf("%d:null", r.k)
	}
	return fmt.Sprintf("%d:%s", r.k, *r.d)
}

func dictSchema(index arrow.DataType) *arrow.Schema {
	return arrow.NewSchema([]arrow.Field{
		{Name: "k", Type: arrow.PrimitiveTypes.Int64},
		{Name: "d", Type: &arrow.DictionaryType{IndexType: index, ValueType: arrow.BinaryTypes.String}, Nullable: true},
	}, nil)
}

// dictBatches builds batches of rows split at sizes, the text column
// encoded by hand with index type index and dictionaries of kind.
func dictBatches(t testing.TB, mem memory.Allocator, index arrow.DataType, kind dictKind, rows []dictRow, sizes []int) []arrow.RecordBatch {
	schema := dictSchema(index)
	dt := schema.Field(1).Type.(*arrow.DictionaryType)
	var all []string
	for _, r := range rows {
		if r.d != nil && !slices.Contains(all, *r.d) {
			all = append(all, *r.d)
		}
	}
	strs := func(vals []string) arrow.Array {
		b := array.NewStringBuilder(mem)
		defer b.Release()
		b.AppendValues(vals, nil)
		return b.NewArray()
	}
	shared := strs(all)
	defer shared.Release()
	var out []arrow.RecordBatch
	at := 0
	for _, n := range sizes {
		part := rows[at : at+n]
		at += n
		vals := all
		dict := shared
		switch kind {
		case dictEqual:
			dict = strs(all)
		case dictOwn:
			vals = nil
			for _, r := range part {
				if r.d != nil && !slices.Contains(vals, *r.d) {
					vals = append(vals, *r.d)
				}
			}
			rand.Shuffle(len(vals), func(i, j int) { vals[i], vals[j] = vals[j], vals[i] })
			dict = strs(vals)
		default:
			dict.Retain()
		}
		kb := array.NewInt64Builder(mem)
		ib := array.NewBuilder(mem, index)
		for _, r := range part {
			kb.Append(r.k)
			if r.d == nil {
				ib.AppendNull()
				continue
			}
			i := slices.Index(vals, *r.d)
			switch b := ib.(type) {
			case *array.Int8Builder:
				b.Append(int8(i))
			case *array.Uint16Builder:
				b.Append(uint16(i))
			case *array.Int32Builder:
				b.Append(int32(i))
			}
		}
		k, idx := kb.NewArray(), ib.NewArray()
		kb.Release()
		ib.Release()
		d := array.NewDictionaryArray(dt, idx, dict)
		out = append(out, array.NewRecordBatch(schema, []arrow.Array{k, d}, int64(n)))
		for _, a := range []arrow.Array{k, idx, dict, d} {
			a.Release()
		}
	}
	return out
}

// readDictRows decodes batches with the test's own reading of a
// dictionary column (index → value), checking each index is in range.
func readDictRows(t testing.TB, recs []arrow.RecordBatch) []string {
	var out []string
	for _, rec := range recs {
		k := rec.Column(0).(*array.Int64)
		d := rec.Column(1).(*array.Dictionary)
		vals := d.Dictionary().(*array.String)
		for i := range int(rec.NumRows()) {
			r := dictRow{k: k.Value(i)}
			if d.IsValid(i) {
				at := d.GetValueIndex(i)
				require.Less(t, at, vals.Len(), "index in range")
				require.GreaterOrEqual(t, at, 0)
				v := vals.Value(at)
				r.d = &v
			}
			out = append(out, r.String())
		}
	}
	return out
}

func randomDictRows(r *rand.Rand, n, distinct int) []dictRow {
	rows := make([]dictRow, n)
	for i := range rows {
		rows[i].k = int64(r.IntN(10))
		if r.IntN(7) > 0 {
			s := fmt.Sprintf("v%03d", r.IntN(distinct))
			rows[i].d = &s
		}
	}
	return rows
}

func batchSizes(r *rand.Rand, n, maxBatch int) []int {
	var sizes []int
	for left := n; left > 0; {
		m := min(left, 1+r.IntN(maxBatch))
		sizes = append(sizes, m)
		left -= m
	}
	return sizes
}

// gather over sources with one dictionary keeps it; over differing ones it
// builds one holding just the values the rows use, each once; both read
// back as the rows picked.
func TestGatherDictionary(t *testing.T) {
	for _, index := range []arrow.DataType{arrow.PrimitiveTypes.Int8, arrow.PrimitiveTypes.Uint16, arrow.PrimitiveTypes.Int32} {
		for _, kind := range []dictKind{dictShared, dictEqual, dictOwn} {
			t.Run(fmt.Sprintf("index=%s/dict=%s", index, kind), func(t *testing.T) {
				mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
				defer mem.AssertSize(t, 0)
				r := rand.New(rand.NewPCG(5, 6))
				rows := randomDictRows(r, 300, 40)
				srcs := dictBatches(t, mem, index, kind, rows, batchSizes(r, len(rows), 60))
				defer releaseAll(srcs)
				var refs []rowRef
				var want []string
				for range 400 {
					s := r.IntN(len(srcs))
					row := r.IntN(int(srcs[s].NumRows()))
					// Runs of consecutive rows too, as sort output has.
					for j := 0; j < 1+r.IntN(3) && row+j < int(srcs[s].NumRows()); j++ {
						refs = append(refs, rowRef{uint32(s), uint32(row + j)})
					}
				}
				decoded := make([][]string, len(srcs))
				for s, src := range srcs {
					decoded[s] = readDictRows(t, []arrow.RecordBatch{src})
				}
				for _, ref := range refs {
					want = append(want, decoded[ref.src][ref.row])
				}
				out, err := gather(mem, srcs[0].Schema(), srcs, refs)
				require.NoError(t, err)
				defer out.Release()
				assert.Equal(t, want, readDictRows(t, []arrow.RecordBatch{out}))
				dict := out.Column(1).Data().Dictionary()
				switch kind {
				case dictShared:
					assert.Same(t, srcs[0].Column(1).Data().Dictionary(), dict, "the shared dictionary is kept")
				case dictOwn:
					vals := array.MakeFromData(dict).(*array.String)
					defer vals.Release()
					seen := map[string]bool{}
					for i := range vals.Len() {
						assert.False(t, seen[vals.Value(i)], "value %q once", vals.Value(i))
						seen[vals.Value(i)] = true
					}
				}
			})
		}
	}
}

// Rows from batches whose int8-indexed dictionaries differ and together
// hold more than 127 values are an error naming the column, for gather
// and for a sorted merge of two runs, and nothing stays allocated.
func TestGatherDictionaryOverflow(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	// Two batches of 100 rows, each with its own 100 values.
	rows := make([]dictRow, 200)
	for i := range rows {
		s := fmt.Sprintf("v%03d", i)
		rows[i] = dictRow{k: int64(i % 100), d: &s}
	}
	check := func(t *testing.T, err error) {
		var te *verb.TypeError
		require.True(t, errors.As(err, &te), "a TypeError: %v", err)
		assert.Equal(t, "d", te.Column)
		assert.Contains(t, err.Error(), `column "d"`)
		assert.Contains(t, te.Advice(), "cast")
	}
	t.Run("gather", func(t *testing.T) {
		srcs := dictBatches(t, mem, arrow.PrimitiveTypes.Int8, dictOwn, rows, []int{100, 100})
		defer releaseAll(srcs)
		var refs []rowRef
		for i := range 100 {
			refs = append(refs, rowRef{0, uint32(i)}, rowRef{1, uint32(i)})
		}
		out, err := gather(mem, srcs[0].Schema(), srcs, refs)
		require.Nil(t, out)
		check(t, err)
		// 127 values still fit.
		out, err = gather(mem, srcs[0].Schema(), srcs, refs[:127])
		require.NoError(t, err)
		out.Release()
	})
	t.Run("merge", func(t *testing.T) {
		schema := dictSchema(arrow.PrimitiveTypes.Int8)
		runs := make([]SortedRun, 2)
		var held []*sliceRun
		for i := range runs {
			run := &sliceRun{recs: dictBatches(t, mem, arrow.PrimitiveTypes.Int8, dictOwn, rows[100*i:100*(i+1)], []int{100})}
			// Sorted by k: rows i and i+100 share a key.
			held, runs[i] = append(held, run), run
		}
		keys, err := ParseOrder(schema, "k")
		require.NoError(t, err)
		m, err := NewSortedMerge(schema, keys, mem, 200, runs)
		require.NoError(t, err)
		rec, err := m.Next(context.Background())
		require.Nil(t, rec)
		check(t, err)
		m.Release()
		for _, run := range held {
			run.release()
		}
	})
	t.Run("sort", func(t *testing.T) {
		env := verb.Env{Workers: 2, Mem: mem, TempDir: t.TempDir()}
		st, _, err := buildVerb(t, env, "sort", dictSchema(arrow.PrimitiveTypes.Int8), "k")
		require.NoError(t, err)
		src := &recSource{schema: dictSchema(arrow.PrimitiveTypes.Int8), recs: dictBatches(t, mem, arrow.PrimitiveTypes.Int8, dictOwn, rows, []int{100, 100})}
		defer src.release()
		sink := &recSink{}
		p := pipeline.New(src, []pipeline.Stage{st}, sink, pipeline.Config{Mem: mem})
		check(t, p.Run(context.Background()))
		releaseAll(sink.recs)
		assertEmptyDir(t, env.TempDir)
	})
}

// Sort, top and distinct carry a dictionary column whose batches share a
// dictionary, hold equal ones, or each their own, across batch
// boundaries, worker counts and handoff modes; the output decodes to the
// reference's rows.
func TestDictionaryThroughVerbs(t *testing.T) {
	modes := []sharedmem.Mode{sharedmem.Auto, sharedmem.Copy, sharedmem.Shared}
	cases := []struct{ rows, maxBatch int }{{40, 1}, {500, 64}}
	i := 0
	for _, tc := range cases {
		for _, kind := range []dictKind{dictShared, dictEqual, dictOwn} {
			for _, workers := range []int{1, 4} {
				mode := modes[i%len(modes)]
				i++
				t.Run(fmt.Sprintf("rows=%d/batch=%d/dict=%s/workers=%d/mode=%v", tc.rows, tc.maxBatch, kind, workers, mode), func(t *testing.T) {
					mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
					defer mem.AssertSize(t, 0)
					r := rand.New(rand.NewPCG(uint64(tc.rows), uint64(workers)))
					rows := randomDictRows(r, tc.rows, 30)
					sizes := batchSizes(r, tc.rows, tc.maxBatch)
					schema := dictSchema(arrow.PrimitiveTypes.Int32)
					// A small cap makes sort and top spill and merge.
					env := verb.Env{Workers: workers, Mem: mem, MaxMemory: 8 << 10, TempDir: t.TempDir(), BatchRows: 50}
					run := func(name string, args ...string) []string {
						st, _, err := buildVerb(t, env, name, schema, args...)
						require.NoError(t, err)
						src := &recSource{schema: schema, recs: dictBatches(t, mem, arrow.PrimitiveTypes.Int32, kind, rows, sizes)}
						defer src.release()
						sink := &recSink{}
						p := pipeline.New(src, []pipeline.Stage{st}, sink, pipeline.Config{
							Handoff: sharedmem.Policy{Mode: mode}, Mem: mem, DecodeWorkers: workers, EncodeWorkers: workers,
						})
						require.NoError(t, p.Run(context.Background()), name)
						defer releaseAll(sink.recs)
						return readDictRows(t, sink.recs)
					}
					str := func(rs []dictRow) []string {
						out := make([]string, len(rs))
						for i, r := range rs {
							out[i] = r.String()
						}
						return out
					}
					asc := slices.Clone(rows)
					slices.SortStableFunc(asc, func(a, b dictRow) int { return int(a.k - b.k) })
					assert.Equal(t, str(asc), run("sort", "k"), "sort")
					desc := slices.Clone(rows)
					slices.SortStableFunc(desc, func(a, b dictRow) int { return int(b.k - a.k) })
					assert.Equal(t, str(desc[:min(9, len(desc))]), run("top", "9", "k desc"), "top")
					var first []dictRow
					for _, r := range rows {
						if !slices.ContainsFunc(first, func(f dictRow) bool { return f.k == r.k }) {
							first = append(first, r)
						}
					}
					assert.Equal(t, str(first), run("distinct", "k"), "distinct")
					assertEmptyDir(t, env.TempDir)
				})
			}
		}
	}
}
