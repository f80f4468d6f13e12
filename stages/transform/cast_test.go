package transform

import (
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// batchSource hands out ready batches, one chunk each, in order.
type batchSource struct {
	schema  *arrow.Schema
	batches []arrow.RecordBatch
}

func (s *batchSource) Schema() *arrow.Schema { return s.schema }

func (s *batchSource) Next(ctx context.Context) (pipeline.Chunk, error) {
	if len(s.batches) == 0 {
		return pipeline.Chunk{}, io.EOF
	}
	b := s.batches[0]
	s.batches = s.batches[1:]
	return pipeline.Chunk{Batch: b}, nil
}

func (s *batchSource) NewDecoder() pipeline.Decoder { return passDecoder{} }

// release frees the batches a failed run did not read.
func (s *batchSource) release() {
	for _, b := range s.batches {
		b.Release()
	}
	s.batches = nil
}

type passDecoder struct{}

func (passDecoder) Decode(_ context.Context, c pipeline.Chunk) (arrow.RecordBatch, error) {
	return c.Batch, nil
}

// collectSink keeps the batches that reach it, in order.
type collectSink struct {
	mu  sync.Mutex
	out []arrow.RecordBatch
}

func (s *collectSink) NewEncoder() pipeline.Encoder { return retainEncoder{} }

func (s *collectSink) Write(_ context.Context, c pipeline.Chunk) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.out = append(s.out, c.Batch)
	return nil
}

func (s *collectSink) Close(context.Context) error { return nil }

type retainEncoder struct{}

func (retainEncoder) Encode(_ context.Context, rec arrow.RecordBatch) (pipeline.Chunk, error) {
	rec.Retain()
	return pipeline.Chunk{Batch: rec}, nil
}

// runCast runs "cast arg" over batches on a pipeline with the given
// workers and returns the output batches (to release) and the run's error.
func runCast(t *testing.T, mem memory.Allocator, schema *arrow.Schema, arg string, workers int, batches []arrow.RecordBatch) ([]arrow.RecordBatch, error) {
	t.Helper()
	return runVerb(t, mem, schema, "cast", arg, workers, batches)
}

// runVerb runs one verb over batches on a pipeline with the given workers.
func runVerb(t *testing.T, mem memory.Allocator, schema *arrow.Schema, name, arg string, workers int, batches []arrow.RecordBatch) ([]arrow.RecordBatch, error) {
	t.Helper()
	var spec verb.Spec
	for _, s := range Verbs() {
		if s.Name == name {
			spec = s
		}
	}
	require.NotNil(t, spec.Build, "verb %s", name)
	st, _, err := spec.Build(verb.Env{Workers: workers, Mem: mem}, []string{arg}, schema)
	require.NoError(t, err)
	sink := &collectSink{}
	src := &batchSource{schema: schema, batches: batches}
	defer src.release()
	p := pipeline.New(src, []pipeline.Stage{st}, sink, pipeline.Config{Mem: mem, DecodeWorkers: 1, EncodeWorkers: 1})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err = p.Run(ctx)
	return sink.out, err
}

var priceSchema = arrow.NewSchema([]arrow.Field{
	{Name: "id", Type: arrow.PrimitiveTypes.Int64},
	{Name: "price", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
}, nil)

// priceBatches cuts rows of (id, price) into batches of size rows; price
// NaN in vals stands for null.
func priceBatches(mem memory.Allocator, vals []float64, valid []bool, size int) []arrow.RecordBatch {
	var out []arrow.RecordBatch
	for start := 0; start < len(vals); start += size {
		end := min(start+size, len(vals))
		b := array.NewRecordBuilder(mem, priceSchema)
		for r := start; r < end; r++ {
			b.Field(0).(*array.Int64Builder).Append(int64(r))
			if valid[r] {
				b.Field(1).(*array.Float64Builder).Append(vals[r])
			} else {
				b.Field(1).(*array.Float64Builder).AppendNull()
			}
		}
		out = append(out, b.NewRecordBatch())
		b.Release()
	}
	return out
}

// nearestInt is the documented float to int rule written out: the whole
// part, plus one away from zero when the rest is a half or more.
func nearestInt(x float64) int64 {
	whole := math.Trunc(x)
	if math.Abs(x-whole) >= 0.5 { // exact: x - trunc(x) loses nothing
		whole += math.Copysign(1, x)
	}
	return int64(whole)
}

// TestCastFloatToIntRounds: cast price:int gives the nearest int, halves
// away from zero (DuckDB: CAST(3.97 AS BIGINT) = 4, CAST(-2.5 AS BIGINT) =
// -3), across batch sizes and worker counts, nulls kept.
func TestCastFloatToIntRounds(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	const n = 2000
	vals := make([]float64, n)
	valid := make([]bool, n)
	for r := range vals {
		valid[r] = rng.IntN(10) != 0
		switch rng.IntN(4) {
		case 0: // an exact half
			vals[r] = float64(rng.IntN(2001)-1000) + 0.5
		case 1: // near the ends of int64
			vals[r] = []float64{-0x1p63, 0x1p63 - 1024, -(0x1p63 - 1024), 4.5e18}[rng.IntN(4)]
		default:
			vals[r] = (rng.Float64() - 0.5) * math.Pow10(rng.IntN(12))
		}
	}
	vals[0], vals[1], vals[2] = 3.97, -2.5, 2.4999999999999996
	valid[0], valid[1], valid[2] = true, true, true
	for _, workers := range []int{1, 4} {
		for _, size := range []int{1, 7, 64, 1000} {
			t.Run(fmt.Sprintf("workers=%d/batch=%d", workers, size), func(t *testing.T) {
				mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
				defer mem.AssertSize(t, 0)
				out, err := runCast(t, mem, priceSchema, "price:int", workers, priceBatches(mem, vals, valid, size))
				defer releaseAll(out)
				require.NoError(t, err)
				r := 0
				var first []int64
				for _, b := range out {
					ids := b.Column(0).(*array.Int64)
					got := b.Column(1).(*array.Int64)
					for k := 0; k < int(b.NumRows()); k++ {
						require.Equal(t, int64(r), ids.Value(k), "rows keep their order")
						if !valid[r] {
							assert.True(t, got.IsNull(k), "row %d stays null", r)
						} else {
							assert.Equal(t, nearestInt(vals[r]), got.Value(k), "row %d: %v", r, vals[r])
						}
						if r < 3 {
							first = append(first, got.Value(k))
						}
						r++
					}
				}
				assert.Equal(t, n, r)
				assert.Equal(t, []int64{4, -3, 2}, first, "3.97, -2.5 and 2.4999999999999996")
			})
		}
	}
}

// TestCastBadValueIsAnError: a value with no int to round to, or text that
// is not an integer, stops the run with an error naming the column, the
// row within its batch and the value, whatever the batching.
func TestCastBadValueIsAnError(t *testing.T) {
	for _, c := range []struct {
		bad  float64
		text string
	}{
		{math.NaN(), "NaN"},
		{math.Inf(1), "+Inf"},
		{math.Inf(-1), "-Inf"},
		{0x1p63, "9.223372036854776e+18"},
		{-0x1p64, "-1.8446744073709552e+19"},
	} {
		for _, workers := range []int{1, 4} {
			for _, size := range []int{1, 7, 64} {
				t.Run(fmt.Sprintf("value=%s/workers=%d/batch=%d", c.text, workers, size), func(t *testing.T) {
					mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
					defer mem.AssertSize(t, 0)
					const n, badRow = 200, 150
					vals := make([]float64, n)
					valid := make([]bool, n)
					for r := range vals {
						vals[r], valid[r] = float64(r)+0.25, true
					}
					vals[badRow] = c.bad
					out, err := runCast(t, mem, priceSchema, "price:int", workers, priceBatches(mem, vals, valid, size))
					releaseAll(out)
					require.Error(t, err)
					assert.Contains(t, err.Error(),
						fmt.Sprintf(`cast: column "price" row %d of the batch: cannot convert "%s" to int64`, badRow%size+1, c.text))
				})
			}
		}
	}
	// Text must be an integer: '3.97' does not convert (DuckDB: CAST('3.97'
	// AS BIGINT) is an error too), ' 12' does.
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	schema := arrow.NewSchema([]arrow.Field{{Name: "note", Type: arrow.BinaryTypes.String, Nullable: true}}, nil)
	b := array.NewRecordBuilder(mem, schema)
	b.Field(0).(*array.StringBuilder).AppendValues([]string{" 12", "3.97"}, nil)
	rec := b.NewRecordBatch()
	b.Release()
	out, err := runCast(t, mem, schema, "note:int", 1, []arrow.RecordBatch{rec})
	releaseAll(out)
	assert.ErrorContains(t, err, `cast: column "note" row 2 of the batch: cannot convert "3.97" to int64`)
}

// TestCastUint64 keeps uint64 values: to string unsigned, to int only when
// they fit.
func TestCastUint64(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	schema := arrow.NewSchema([]arrow.Field{{Name: "u", Type: arrow.PrimitiveTypes.Uint64}}, nil)
	mk := func(vals ...uint64) arrow.RecordBatch {
		b := array.NewRecordBuilder(mem, schema)
		defer b.Release()
		b.Field(0).(*array.Uint64Builder).AppendValues(vals, nil)
		return b.NewRecordBatch()
	}
	out, err := runCast(t, mem, schema, "u:string", 1, []arrow.RecordBatch{mk(0, math.MaxUint64)})
	require.NoError(t, err)
	require.Len(t, out, 1)
	assert.Equal(t, []string{"0", "18446744073709551615"}, []string{
		out[0].Column(0).(*array.String).Value(0), out[0].Column(0).(*array.String).Value(1)})
	releaseAll(out)

	out, err = runCast(t, mem, schema, "u:int", 1, []arrow.RecordBatch{mk(math.MaxInt64, 1<<63)})
	releaseAll(out)
	assert.ErrorContains(t, err, `cast: column "u" row 2 of the batch: cannot convert "9223372036854775808" to int64`)
}
