package aggregate

import (
	"context"
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
	"github.com/arrowpipe/arrowpipe/stages/internal/rowtest"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

var dictTestSchema = arrow.NewSchema([]arrow.Field{
	{Name: "k", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "g", Type: arrow.PrimitiveTypes.Int64},
	{Name: "v", Type: arrow.PrimitiveTypes.Int64},
}, nil)

// A dictKeyRow is one input row: its key (nil: null), a second key and a
// value.
type dictKeyRow struct {
	k    *string
	g, v int64
}

// dictKeyBatch builds rows as a batch whose k column is plain strings, or
// (dict) a dictionary: shared, when given, else its own values in a
// shuffled order with an unused value, a duplicate and a null value
// added. Row offsets: the batch is a slice of a larger one.
func dictKeyBatch(t *testing.T, r *rand.Rand, mem memory.Allocator, rows []dictKeyRow, dict bool, shared *array.String) arrow.RecordBatch {
	pad := r.IntN(3)
	kb, gb, vb := array.NewStringBuilder(mem), array.NewInt64Builder(mem), array.NewInt64Builder(mem)
	defer kb.Release()
	defer gb.Release()
	defer vb.Release()
	var values *array.String
	if dict {
		values = shared
		if values == nil {
			var vals []string
			for _, row := range rows {
				if row.k != nil && !slices.Contains(vals, *row.k) {
					vals = append(vals, *row.k)
				}
			}
			r.Shuffle(len(vals), func(i, j int) { vals[i], vals[j] = vals[j], vals[i] })
			vals = append(vals, "unused-value")
			if len(vals) > 1 {
				vals = append(vals, vals[0]) // a second code for one value
			}
			b := array.NewStringBuilder(mem)
			b.AppendValues(vals, nil)
			b.AppendNull() // a null value: its rows are null keys
			values = b.NewStringArray()
			b.Release()
			defer values.Release()
		} else {
			values.Retain()
			defer values.Release()
		}
	}
	ib := array.NewInt32Builder(mem)
	defer ib.Release()
	codeOf := func(s *string) (int32, bool) {
		var at []int
		for i := range values.Len() {
			if (s == nil && values.IsNull(i)) || (s != nil && values.IsValid(i) && values.Value(i) == *s) {
				at = append(at, i)
			}
		}
		if len(at) == 0 {
			return 0, false
		}
		return int32(at[r.IntN(len(at))]), true
	}
	add := func(row dictKeyRow) {
		gb.Append(row.g)
		vb.Append(row.v)
		if !dict {
			if row.k == nil {
				kb.AppendNull()
			} else {
				kb.Append(*row.k)
			}
			return
		}
		if c, ok := codeOf(row.k); ok && (row.k != nil || r.IntN(2) == 0) {
			ib.Append(c)
			return
		}
		require.Nil(t, row.k, "no code for %v", row.k)
		ib.AppendNull()
	}
	filler := dictKeyRow{g: -1, v: 1 << 40}
	for range pad {
		add(filler)
	}
	for _, row := range rows {
		add(row)
	}
	for range pad {
		add(filler)
	}
	g, v := gb.NewArray(), vb.NewArray()
	defer g.Release()
	defer v.Release()
	var k arrow.Array
	schema := dictTestSchema
	if dict {
		idx := ib.NewArray()
		defer idx.Release()
		dt := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}
		k = array.NewDictionaryArray(dt, idx, values)
		fields := schema.Fields()
		fields[0].Type = dt
		schema = arrow.NewSchema(fields, nil)
	} else {
		k = kb.NewArray()
	}
	defer k.Release()
	whole := array.NewRecordBatch(schema, []arrow.Array{k, g, v}, int64(len(rows)+2*pad))
	defer whole.Release()
	return whole.NewSlice(int64(pad), int64(pad+len(rows)))
}

// refDictGroupBy is the reference: count() and sum(v) by the keys, in
// order of first appearance, one null key.
func refDictGroupBy(rows []dictKeyRow, byG bool) []rowtest.Row {
	type key struct {
		k    string
		null bool
		g    int64
	}
	var order []key
	count, sum := map[key]int64{}, map[key]int64{}
	for _, r := range rows {
		k := key{null: r.k == nil}
		if r.k != nil {
			k.k = *r.k
		}
		if byG {
			k.g = r.g
		}
		if _, ok := count[k]; !ok {
			order = append(order, k)
		}
		count[k]++
		sum[k] += r.v
	}
	out := make([]rowtest.Row, len(order))
	for i, k := range order {
		var kv any = k.k
		if k.null {
			kv = nil
		}
		if byG {
			out[i] = rowtest.Row{kv, k.g, count[k], sum[k]}
		} else {
			out[i] = rowtest.Row{kv, count[k], sum[k]}
		}
	}
	return out
}

// A dictionary key column, in some batches and plain in others, groups as
// the same strings would: the single-key fast path (codes memoized per
// dictionary, one dictionary shared by several batches) and the multi-key
// path, across batches of 1 to 300 rows, workers and handoffs. Groups
// come in order of first appearance, the key column is utf8, and unused
// dictionary values make no group.
func TestGroupByDictionaryKeys(t *testing.T) {
	words := []string{"EU", "NA", "", "APAC", "a-key-longer-than-sixteen-bytes", "ü"}
	for _, mode := range []sharedmem.Mode{sharedmem.Shared, sharedmem.Copy, sharedmem.Auto} {
		for _, workers := range []int{1, 4} {
			for _, maxRows := range []int{1, 300} {
				t.Run(fmt.Sprintf("mode=%v/workers=%d/batch=%d", mode, workers, maxRows), func(t *testing.T) {
					mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
					defer mem.AssertSize(t, 0)
					r := rand.New(rand.NewPCG(uint64(workers), uint64(maxRows)))
					n := 3000
					if maxRows == 1 {
						n = 120
					}
					rows := make([]dictKeyRow, n)
					for i := range rows {
						rows[i] = dictKeyRow{g: int64(r.IntN(3)), v: int64(r.IntN(100))}
						if r.IntN(8) != 0 {
							rows[i].k = &words[r.IntN(len(words))]
						}
					}
					sb := array.NewStringBuilder(mem)
					sb.AppendValues(words, nil)
					sb.AppendNull()
					shared := sb.NewStringArray()
					sb.Release()
					defer shared.Release()

					for _, byG := range []bool{false, true} {
						var recs []arrow.RecordBatch
						for lo := 0; lo < n; {
							hi := min(n, lo+1+r.IntN(maxRows))
							var sh *array.String
							if r.IntN(2) == 0 {
								sh = shared
							}
							recs = append(recs, dictKeyBatch(t, r, mem, rows[lo:hi], r.IntN(4) != 0, sh))
							lo = hi
						}
						keys := []string{"k"}
						if byG {
							keys = append(keys, "g")
						}
						v := GroupBy(keys, CountRows(), Sum("v"))
						assert.Equal(t, []string{"k"}, v.DictionaryKeys(dictTestSchema))
						st, out, err := v.Build(verb.Env{Workers: workers, Mem: mem}, dictTestSchema)
						require.NoError(t, err)
						assert.Equal(t, arrow.BinaryTypes.String, out.Field(0).Type, "key type")
						src := &recSource{schema: dictTestSchema, recs: recs}
						sink := &recSink{}
						p := pipeline.New(src, []pipeline.Stage{st}, sink, pipeline.Config{
							Handoff: sharedmem.Policy{Mode: mode, CopyThreshold: 2 << 10}, Mem: mem,
							DecodeWorkers: workers, EncodeWorkers: workers,
						})
						require.NoError(t, p.Run(context.Background()))
						src.release()
						for _, rec := range sink.recs {
							assert.True(t, rec.Schema().Equal(out), "batch schema %s", rec.Schema())
						}
						got := rowtest.Rows(t, sink.recs)
						releaseAll(sink.recs)
						assert.Equal(t, refDictGroupBy(rows, byG), got, "keys %v", keys)
					}
				})
			}
		}
	}
}

// Only utf8 keys that no aggregate reads may come as dictionaries.
func TestDictionaryKeysOfVerbs(t *testing.T) {
	assert.Equal(t, []string{"k"}, CountDistinct("k", "g").DictionaryKeys(dictTestSchema))
	assert.Empty(t, GroupBy([]string{"k"}, CountValues("k")).DictionaryKeys(dictTestSchema))
	assert.Empty(t, GroupBy([]string{"g"}, Sum("v")).DictionaryKeys(dictTestSchema))
	assert.Empty(t, GroupBy([]string{"nope"}, Sum("v")).DictionaryKeys(dictTestSchema))
	assert.Nil(t, Distinct("k").DictionaryKeys, "distinct passes rows whole: its key column must stay utf8")
}

// largeText returns rec with its k column as large_utf8 (the values of a
// dictionary column too, when largeValues), as Polars' text reads.
func largeText(t *testing.T, mem memory.Allocator, rec arrow.RecordBatch, largeValues bool) arrow.RecordBatch {
	defer rec.Release()
	toLarge := func(a arrow.Array) arrow.Array {
		s := a.(*array.String)
		b := array.NewLargeStringBuilder(mem)
		defer b.Release()
		for i := range s.Len() {
			if s.IsNull(i) {
				b.AppendNull()
			} else {
				b.Append(s.Value(i))
			}
		}
		return b.NewArray()
	}
	cols := []arrow.Array{nil, rec.Column(1), rec.Column(2)}
	fields := rec.Schema().Fields()
	switch k := rec.Column(0).(type) {
	case *array.Dictionary:
		if !largeValues {
			rec.Retain()
			return rec
		}
		vals := toLarge(k.Dictionary())
		defer vals.Release()
		dt := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.LargeString}
		cols[0] = array.NewDictionaryArray(dt, k.Indices(), vals)
		fields[0].Type = dt
	default:
		cols[0] = toLarge(k)
		fields[0].Type = arrow.BinaryTypes.LargeString
	}
	defer cols[0].Release()
	return array.NewRecordBatch(arrow.NewSchema(fields, nil), cols, rec.NumRows())
}

// A large_utf8 key groups as a utf8 one and comes out as large_utf8, in
// plain batches and as dictionaries of utf8 or large_utf8 values, alone
// and beside another key; workers' tables merge.
func TestGroupByLargeTextKeys(t *testing.T) {
	words := []string{"EU", "NA", "", "a-key-longer-than-sixteen-bytes"}
	in := arrow.NewSchema([]arrow.Field{
		{Name: "k", Type: arrow.BinaryTypes.LargeString, Nullable: true},
		{Name: "g", Type: arrow.PrimitiveTypes.Int64},
		{Name: "v", Type: arrow.PrimitiveTypes.Int64},
	}, nil)
	for _, workers := range []int{1, 4} {
		t.Run(fmt.Sprintf("workers=%d", workers), func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			r := rand.New(rand.NewPCG(21, uint64(workers)))
			rows := make([]dictKeyRow, 2000)
			for i := range rows {
				rows[i] = dictKeyRow{g: int64(r.IntN(3)), v: int64(r.IntN(100))}
				if r.IntN(8) != 0 {
					rows[i].k = &words[r.IntN(len(words))]
				}
			}
			for _, byG := range []bool{false, true} {
				var recs []arrow.RecordBatch
				for lo := 0; lo < len(rows); {
					hi := min(len(rows), lo+1+r.IntN(200))
					rec := dictKeyBatch(t, r, mem, rows[lo:hi], r.IntN(3) != 0, nil)
					recs = append(recs, largeText(t, mem, rec, r.IntN(2) == 0))
					lo = hi
				}
				keys := []string{"k"}
				if byG {
					keys = append(keys, "g")
				}
				v := GroupBy(keys, CountRows(), Sum("v"))
				assert.Equal(t, []string{"k"}, v.DictionaryKeys(in))
				st, out, err := v.Build(verb.Env{Workers: workers, Mem: mem}, in)
				require.NoError(t, err)
				assert.Equal(t, arrow.BinaryTypes.LargeString, out.Field(0).Type, "key type")
				src := &recSource{schema: in, recs: recs}
				sink := &recSink{}
				p := pipeline.New(src, []pipeline.Stage{st}, sink, pipeline.Config{Mem: mem, DecodeWorkers: workers, EncodeWorkers: workers})
				require.NoError(t, p.Run(context.Background()))
				src.release()
				got := rowtest.Rows(t, sink.recs)
				releaseAll(sink.recs)
				assert.Equal(t, refDictGroupBy(rows, byG), got, "keys %v", keys)
			}
		})
	}
}
