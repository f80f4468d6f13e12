package aggregate

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// dictSources makes nsrc one-column batches of rows rows each, a
// dictionary<int32, utf8> column over dictLen values; shared gives every
// batch the same dictionary array, otherwise each has its own (values
// drawn from a common pool, so they overlap in part).
func dictSources(mem memory.Allocator, r *rand.Rand, nsrc, rows, dictLen int, shared bool) (*arrow.Schema, []arrow.RecordBatch) {
	dt := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}
	schema := arrow.NewSchema([]arrow.Field{{Name: "d", Type: dt, Nullable: true}}, nil)
	newDict := func() arrow.Array {
		b := array.NewStringBuilder(mem)
		defer b.Release()
		perm := r.Perm(4 * dictLen)[:dictLen]
		for _, v := range perm {
			b.Append(fmt.Sprintf("value-%06d", v))
		}
		return b.NewArray()
	}
	var dict arrow.Array
	if shared {
		dict = newDict()
		defer dict.Release()
	}
	recs := make([]arrow.RecordBatch, nsrc)
	for s := range recs {
		d := dict
		if !shared {
			d = newDict()
		}
		ib := array.NewInt32Builder(mem)
		for range rows {
			ib.Append(int32(r.IntN(dictLen)))
		}
		idx := ib.NewArray()
		ib.Release()
		col := array.NewDictionaryArray(dt, idx, d)
		idx.Release()
		if !shared {
			d.Release()
		}
		recs[s] = array.NewRecordBatch(schema, []arrow.Array{col}, int64(rows))
		col.Release()
	}
	return schema, recs
}

// BenchmarkGatherDict gathers 8192 one-row runs from 16 batches with
// dictionaries of ~8K values, as a sort's output batch over interleaved
// inputs does.
func BenchmarkGatherDict(b *testing.B) {
	for _, shared := range []bool{true, false} {
		b.Run(fmt.Sprintf("shared=%v", shared), func(b *testing.B) {
			mem := memory.NewGoAllocator()
			r := rand.New(rand.NewPCG(1, 2))
			schema, recs := dictSources(mem, r, 16, 1024, 8192, shared)
			defer releaseAll(recs)
			refs := make([]rowRef, 8192)
			for i := range refs {
				refs[i] = rowRef{uint32(i % 16), uint32(r.IntN(1024))}
			}
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				out, err := gather(mem, schema, recs, refs)
				if err != nil {
					b.Fatal(err)
				}
				out.Release()
			}
		})
	}
}
