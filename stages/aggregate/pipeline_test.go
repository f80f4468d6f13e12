package aggregate

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/sharedmem"
	"github.com/arrowpipe/arrowpipe/stages/internal/rowtest"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// recSource hands out prepared batches; its decoder passes them through.
type recSource struct {
	schema *arrow.Schema
	recs   []arrow.RecordBatch
	next   int
}

func (s *recSource) Schema() *arrow.Schema { return s.schema }

func (s *recSource) Next(ctx context.Context) (pipeline.Chunk, error) {
	if s.next == len(s.recs) {
		return pipeline.Chunk{}, io.EOF
	}
	rec := s.recs[s.next]
	s.recs[s.next] = nil
	s.next++
	return pipeline.Chunk{Batch: rec, Rows: int(rec.NumRows())}, nil
}

func (s *recSource) NewDecoder() pipeline.Decoder { return passThrough{} }

// release drops the batches never read.
func (s *recSource) release() {
	for _, r := range s.recs {
		if r != nil {
			r.Release()
		}
	}
}

type passThrough struct{}

func (passThrough) Decode(_ context.Context, c pipeline.Chunk) (arrow.RecordBatch, error) {
	return c.Batch, nil
}

func (passThrough) Encode(_ context.Context, rec arrow.RecordBatch) (pipeline.Chunk, error) {
	rec.Retain()
	return pipeline.Chunk{Batch: rec}, nil
}

// recSink keeps the batches written, in order.
type recSink struct {
	mu   sync.Mutex
	recs []arrow.RecordBatch
}

func (s *recSink) NewEncoder() pipeline.Encoder { return passThrough{} }

func (s *recSink) Write(_ context.Context, c pipeline.Chunk) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.recs = append(s.recs, c.Batch)
	return nil
}

func (s *recSink) Close(context.Context) error { return nil }

// The stages inside the real engine: groupby, then sort and top chained,
// for both handoff routes; results equal the references.
func TestInPipeline(t *testing.T) {
	for _, mode := range []sharedmem.Mode{sharedmem.Shared, sharedmem.Copy} {
		for _, workers := range []int{1, 4} {
			t.Run(fmt.Sprintf("mode=%v/workers=%d", mode, workers), func(t *testing.T) {
				mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
				defer mem.AssertSize(t, 0)
				r := rand.New(rand.NewPCG(11, uint64(workers)))
				parts := rowtest.Split(r, randomRows(r, 4000), 150)
				// sort spills with this cap.
				env := verb.Env{Workers: workers, Mem: mem, MaxMemory: 32 << 10, TempDir: t.TempDir()}
				run := func(build func(in *arrow.Schema) []pipeline.Stage) []row {
					src := &recSource{schema: testSchema, recs: rowtest.Batches(t, mem, testSchema, parts)}
					defer src.release()
					sink := &recSink{}
					p := pipeline.New(src, build(testSchema), sink, pipeline.Config{
						Handoff: sharedmem.Policy{Mode: mode}, Mem: mem,
						DecodeWorkers: workers, EncodeWorkers: workers,
					})
					require.NoError(t, p.Run(context.Background()))
					defer releaseAll(sink.recs)
					return rowtest.Rows(t, sink.recs)
				}

				got := run(func(in *arrow.Schema) []pipeline.Stage {
					st, _, err := buildVerb(t, verb.Env{Workers: workers, Mem: mem}, "groupby", in, "k_str,k_bool", "count() as n, sum(v_int), first(v_str), last(v_f), p90(v_f)")
					require.NoError(t, err)
					return []pipeline.Stage{st}
				})
				want := refGroupBy(t, flatten(parts), []string{"k_str", "k_bool"}, []refAgg{
					{"count", "", 0}, {"sum", "v_int", 0}, {"first", "v_str", 0}, {"last", "v_f", 0}, {"quantile", "v_f", 0.9},
				})
				assertRowsMatch(t, want, got, []string{"k_str", "k_bool", "n", "sum", "first", "last", "p90"})

				got = run(func(in *arrow.Schema) []pipeline.Stage {
					srt, s1, err := buildVerb(t, env, "sort", in, "k_int desc, v_str")
					require.NoError(t, err)
					top, _, err := buildVerb(t, env, "top", s1, "50", "k_str nulls first")
					require.NoError(t, err)
					return []pipeline.Stage{srt, top}
				})
				sorted := refSort(t, flatten(parts), "k_int desc, v_str")
				require.Equal(t, refSort(t, sorted, "k_str nulls first")[:50], got)
				assertEmptyDir(t, env.TempDir)
			})
		}
	}
}
