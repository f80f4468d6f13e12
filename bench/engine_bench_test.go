package bench

import (
	"context"
	"fmt"
	"io"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/sharedmem"
)

var benchSchema = arrow.NewSchema([]arrow.Field{
	{Name: "id", Type: arrow.PrimitiveTypes.Int64},
	{Name: "price", Type: arrow.PrimitiveTypes.Float64},
	{Name: "region", Type: arrow.BinaryTypes.String},
}, nil)

// makeBatch builds a batch of rows ids, prices and region names.
func makeBatch(mem memory.Allocator, rows int) arrow.RecordBatch {
	b := array.NewRecordBuilder(mem, benchSchema)
	defer b.Release()
	regions := []string{"EU", "NA", "APAC", "LATAM", "MEA", "ANZ"}
	for i := 0; i < rows; i++ {
		b.Field(0).(*array.Int64Builder).Append(int64(i))
		b.Field(1).(*array.Float64Builder).Append(float64(i) * 0.25)
		b.Field(2).(*array.StringBuilder).Append(regions[i%len(regions)])
	}
	return b.NewRecordBatch()
}

var batchSizes = []int{16, 256, 4096, 65536, 1 << 20}

// BenchmarkHandoff measures one batch crossing one stage boundary: Send on
// the producer side, Receive on the consumer side, Release.
func BenchmarkHandoff(b *testing.B) {
	for _, mode := range []sharedmem.Mode{sharedmem.Copy, sharedmem.Shared, sharedmem.Auto} {
		for _, rows := range batchSizes {
			b.Run(fmt.Sprintf("mode=%s/rows=%d", mode, rows), func(b *testing.B) {
				mem := sharedmem.NewPool(0)
				rec := makeBatch(mem, rows)
				defer rec.Release()
				h := sharedmem.NewHandoff(sharedmem.Policy{Mode: mode}, mem)
				b.SetBytes(sharedmem.LiveBytes(rec))
				b.ReportAllocs()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					rec.Retain()
					p, err := h.Send(rec)
					if err != nil {
						b.Fatal(err)
					}
					got, err := h.Receive(p)
					if err != nil {
						b.Fatal(err)
					}
					got.Release()
				}
			})
		}
	}
}

// repeatSource hands out the same batch, retained, n times.
type repeatSource struct {
	rec  arrow.RecordBatch
	n, i int
}

func (s *repeatSource) Schema() *arrow.Schema { return s.rec.Schema() }

func (s *repeatSource) Next(ctx context.Context) (pipeline.Chunk, error) {
	if s.i >= s.n {
		return pipeline.Chunk{}, io.EOF
	}
	s.i++
	s.rec.Retain()
	return pipeline.Chunk{Batch: s.rec, Rows: int(s.rec.NumRows())}, nil
}

func (s *repeatSource) NewDecoder() pipeline.Decoder { return passDecoder{} }

type passDecoder struct{}

func (passDecoder) Decode(ctx context.Context, c pipeline.Chunk) (arrow.RecordBatch, error) {
	return c.Batch, nil
}

// discardSink drops every batch.
type discardSink struct{}

func (discardSink) NewEncoder() pipeline.Encoder                      { return countEncoder{} }
func (discardSink) Write(ctx context.Context, c pipeline.Chunk) error { return nil }
func (discardSink) Close(ctx context.Context) error                   { return nil }

type countEncoder struct{}

func (countEncoder) Encode(ctx context.Context, rec arrow.RecordBatch) (pipeline.Chunk, error) {
	return pipeline.Chunk{Rows: int(rec.NumRows())}, nil
}

type noopWorker struct{}

func (noopWorker) Process(ctx context.Context, seq uint64, in arrow.RecordBatch) (arrow.RecordBatch, error) {
	return in, nil
}

func noopStages(n, workers int) []pipeline.Stage {
	stages := make([]pipeline.Stage, n)
	for i := range stages {
		stages[i] = pipeline.Stage{
			Name:      fmt.Sprintf("noop%d", i),
			Workers:   workers,
			NewWorker: func() pipeline.Worker { return noopWorker{} },
		}
	}
	return stages
}

// BenchmarkEngineOverhead runs small batches through four no-op stages:
// ns/op is the engine's cost per batch for the whole chain. depth=0 is the
// default queue depth (one batch per worker); a deeper queue lets a step
// run ahead of the next, so a woken worker finds several batches waiting,
// which is what tiny batches need (and, being tiny, cost no memory for).
func BenchmarkEngineOverhead(b *testing.B) {
	for _, workers := range []int{1, 2} {
		for _, depth := range []int{0, 8} {
			for _, mode := range []sharedmem.Mode{sharedmem.Shared, sharedmem.Auto} {
				b.Run(fmt.Sprintf("stages=4/workers=%d/depth=%d/mode=%s", workers, depth, mode), func(b *testing.B) {
					benchEngineOverhead(b, workers, depth, mode)
				})
			}
		}
	}
}

func benchEngineOverhead(b *testing.B, workers, depth int, mode sharedmem.Mode) {
	mem := sharedmem.NewPool(0)
	rec := makeBatch(mem, 1)
	defer rec.Release()
	src := &repeatSource{rec: rec, n: b.N}
	p := pipeline.New(src, noopStages(4, workers), discardSink{}, pipeline.Config{
		Handoff: sharedmem.Policy{Mode: mode}, Mem: mem,
		DecodeWorkers: workers, EncodeWorkers: workers, QueueDepth: depth,
	})
	b.ReportAllocs()
	b.ResetTimer()
	if err := p.Run(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "batches/s")
}
