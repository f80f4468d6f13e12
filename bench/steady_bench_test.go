package bench

import (
	"context"
	"fmt"
	"io"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/sharedmem"
)

// buildSource builds a fresh batch for every Next from its allocator, as a
// parser does, so the recycling pool is exercised end to end.
type buildSource struct {
	mem  memory.Allocator
	rows int
	n, i int
}

func (s *buildSource) Schema() *arrow.Schema { return benchSchema }

func (s *buildSource) Next(ctx context.Context) (pipeline.Chunk, error) {
	if s.i >= s.n {
		return pipeline.Chunk{}, io.EOF
	}
	s.i++
	return pipeline.Chunk{Batch: makeBatch(s.mem, s.rows), Rows: s.rows}, nil
}

func (s *buildSource) NewDecoder() pipeline.Decoder { return passDecoder{} }

// BenchmarkSteadyStateShared runs freshly built batches through four no-op
// stages in shared mode with the recycling pool. Bytes come back from the
// pool, so allocations per batch (allocs/op) stay flat as batches grow;
// B/op counts only Go-heap bytes, not the pooled Arrow buffers.
func BenchmarkSteadyStateShared(b *testing.B) {
	for _, rows := range []int{1 << 10, 16 << 10, 256 << 10} {
		b.Run(fmt.Sprintf("rows=%d", rows), func(b *testing.B) {
			pool := sharedmem.NewPool(0)
			warm := &buildSource{mem: pool, rows: rows, n: 8}
			p := pipeline.New(warm, noopStages(4, 2), discardSink{}, pipeline.Config{Handoff: sharedmem.Policy{Mode: sharedmem.Shared}, Mem: pool})
			if err := p.Run(context.Background()); err != nil {
				b.Fatal(err)
			}
			src := &buildSource{mem: pool, rows: rows, n: b.N}
			p = pipeline.New(src, noopStages(4, 2), discardSink{}, pipeline.Config{Handoff: sharedmem.Policy{Mode: sharedmem.Shared}, Mem: pool})
			before := pool.Stats()
			b.ReportAllocs()
			b.ResetTimer()
			if err := p.Run(context.Background()); err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			after := pool.Stats()
			if reused, fresh := after.Reused-before.Reused, after.Fresh-before.Fresh; reused+fresh > 0 {
				b.ReportMetric(float64(reused)/float64(reused+fresh), "pool-hit-ratio")
			}
		})
	}
}
