package transform

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/sharedmem"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// TestExplodeElementTypes: lists of numbers, booleans, timestamps and
// dates (list and large list) explode into their element type, nulls and
// values kept, against the input's elements read one by one, in every
// handoff mode with 1 and 4 workers, across batches of 1 to 7 rows.
func TestExplodeElementTypes(t *testing.T) {
	elems := []arrow.DataType{arrow.PrimitiveTypes.Int64, arrow.PrimitiveTypes.Float64, arrow.FixedWidthTypes.Boolean,
		arrow.FixedWidthTypes.Timestamp_ms, arrow.FixedWidthTypes.Date32}
	for _, et := range elems {
		for _, large := range []bool{false, true} {
			lt := arrow.DataType(arrow.ListOf(et))
			if large {
				lt = arrow.LargeListOf(et)
			}
			for _, mode := range []sharedmem.Mode{sharedmem.Shared, sharedmem.Copy, sharedmem.Auto} {
				for _, workers := range []int{1, 4} {
					for _, maxRows := range []int{7} { // batches of 1 to 7 rows: lists straddle them
						t.Run(fmt.Sprintf("type=%s/mode=%v/workers=%d/batch=%d", lt, mode, workers, maxRows), func(t *testing.T) {
							mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
							defer mem.AssertSize(t, 0)
							rng := rand.New(rand.NewPCG(uint64(workers), uint64(maxRows)))
							schema := arrow.NewSchema([]arrow.Field{
								{Name: "id", Type: arrow.PrimitiveTypes.Int64},
								{Name: "tags", Type: lt, Nullable: true},
							}, nil)
							batches, want := typedListBatches(rng, mem, schema, 60, maxRows)
							defer func() {
								for _, b := range batches {
									b.Release()
								}
							}()
							assert.Equal(t, want, runExplodeText(t, mem, schema, batches, workers, mode, et))
						})
					}
				}
			}
		}
	}
}

// typedListBatches makes rows of random lists (null, empty, with null
// elements) and the rows explode should give, as "id:value" text
// ("id:null"), read element by element from the batches.
func typedListBatches(rng *rand.Rand, mem memory.Allocator, schema *arrow.Schema, n, maxRows int) ([]arrow.RecordBatch, []string) {
	var out []arrow.RecordBatch
	var want []string
	for id := 0; id < n; {
		b := array.NewRecordBuilder(mem, schema)
		for end := min(id+1+rng.IntN(maxRows), n); id < end; id++ {
			b.Field(0).(*array.Int64Builder).Append(int64(id))
			lb := b.Field(1).(array.ListLikeBuilder)
			if rng.IntN(6) == 0 {
				lb.AppendNull()
				continue
			}
			lb.(interface{ Append(bool) }).Append(true)
			vb := lb.ValueBuilder()
			for range rng.IntN(4) {
				if rng.IntN(5) == 0 {
					vb.AppendNull()
					continue
				}
				k := rng.IntN(1000) - 500
				switch vb := vb.(type) {
				case *array.Int64Builder:
					vb.Append(int64(k))
				case *array.Float64Builder:
					vb.Append(float64(k) / 4)
				case *array.BooleanBuilder:
					vb.Append(k%2 == 0)
				case *array.TimestampBuilder:
					vb.Append(arrow.Timestamp(int64(k) * 86_400_123))
				case *array.Date32Builder:
					vb.Append(arrow.Date32(k))
				}
			}
		}
		rec := b.NewRecordBatch()
		b.Release()
		ids, lists := rec.Column(0).(*array.Int64), rec.Column(1).(array.ListLike)
		for r := 0; r < int(rec.NumRows()); r++ {
			if lists.IsNull(r) {
				continue
			}
			start, end := lists.ValueOffsets(r)
			for e := start; e < end; e++ {
				v := "null"
				if lists.ListValues().IsValid(int(e)) {
					v = lists.ListValues().ValueStr(int(e))
				}
				want = append(want, fmt.Sprintf("%d:%s", ids.Value(r), v))
			}
		}
		out = append(out, rec)
	}
	return out, want
}

func runExplodeText(t *testing.T, mem memory.Allocator, schema *arrow.Schema, batches []arrow.RecordBatch, workers int, mode sharedmem.Mode, et arrow.DataType) []string {
	t.Helper()
	st, out, err := Explode("tags").Build(verb.Env{Workers: workers, Mem: mem}, schema)
	require.NoError(t, err)
	require.True(t, arrow.TypeEqual(et, out.Field(1).Type), "%s", out.Field(1).Type)
	rr, err := array.NewRecordReader(schema, batches)
	require.NoError(t, err)
	defer rr.Release()
	var got []string
	sink := pipeline.ToFunc(func(_ context.Context, rec arrow.RecordBatch) error {
		ids := rec.Column(0).(*array.Int64)
		for r := 0; r < int(rec.NumRows()); r++ {
			v := "null"
			if rec.Column(1).IsValid(r) {
				v = rec.Column(1).ValueStr(r)
			}
			got = append(got, fmt.Sprintf("%d:%s", ids.Value(r), v))
		}
		return nil
	})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	p := pipeline.New(pipeline.FromRecordReader(rr), []pipeline.Stage{st}, sink, pipeline.Config{
		Handoff: sharedmem.Policy{Mode: mode}, Mem: mem, DecodeWorkers: workers, EncodeWorkers: workers,
	})
	require.NoError(t, p.Run(ctx))
	return got
}
