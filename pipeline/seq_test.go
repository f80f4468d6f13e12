package pipeline_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/sharedmem"
)

// holdStage keeps every row it sees, tagged with the sequence number of its
// batch, and emits them all from Finish in that order, in batches of
// emitRows: the shape of sort, tail and group-by.
func holdStage(mem memory.Allocator, name string, workers, emitRows int) pipeline.Stage {
	type tagged struct{ seq, v int64 }
	type holder struct {
		funcWorker
		rows []tagged
	}
	return pipeline.Stage{
		Name:    name,
		Workers: workers,
		NewWorker: func() pipeline.Worker {
			h := &holder{}
			h.funcWorker = func(ctx context.Context, seq uint64, in arrow.RecordBatch) (arrow.RecordBatch, error) {
				defer in.Release()
				for _, v := range in.Column(0).(*array.Int64).Int64Values() {
					h.rows = append(h.rows, tagged{int64(seq), v})
				}
				return nil, nil
			}
			return h
		},
		Finish: func(ctx context.Context, workers []pipeline.Worker, emit func(arrow.RecordBatch) error) error {
			var all []tagged
			for _, w := range workers {
				all = append(all, w.(*holder).rows...)
			}
			// Input order: by batch, then by position in the batch (each
			// worker appended a batch's rows together).
			byBatch := map[int64][]int64{}
			var seqs []int64
			for _, r := range all {
				if _, ok := byBatch[r.seq]; !ok {
					seqs = append(seqs, r.seq)
				}
				byBatch[r.seq] = append(byBatch[r.seq], r.v)
			}
			sortInt64s(seqs)
			var vals []int64
			for _, s := range seqs {
				vals = append(vals, byBatch[s]...)
			}
			for len(vals) > 0 {
				n := min(emitRows, len(vals))
				if err := emit(int64Batch(mem, vals[:n]...)); err != nil {
					return err
				}
				vals = vals[n:]
			}
			return nil
		},
	}
}

func sortInt64s(s []int64) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// seqRecorder notes the sequence number of every batch it passes on.
type seqRecorder struct {
	mu   sync.Mutex
	seqs []uint64
}

func (r *seqRecorder) stage(workers int) pipeline.Stage {
	return stageOf("record", workers, func(ctx context.Context, seq uint64, in arrow.RecordBatch) (arrow.RecordBatch, error) {
		r.mu.Lock()
		r.seqs = append(r.seqs, seq)
		r.mu.Unlock()
		return in, nil
	})
}

// Batches emitted by Finish are numbered after every batch the stage took
// in, so a stage downstream of two stateful stages in a row still sees
// input order, whatever the worker count and handoff.
func TestFinishOutputIsSequenced(t *testing.T) {
	for _, workers := range []int{1, 4} {
		for _, mode := range modes {
			t.Run(fmt.Sprintf("workers=%d/mode=%s", workers, mode), func(t *testing.T) {
				mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
				defer mem.AssertSize(t, 0)
				src := &countSource{mem: mem, batches: 50, rows: 3, maxDelay: 200 * time.Microsecond, seed: 3}
				rec := &seqRecorder{}
				stages := []pipeline.Stage{
					holdStage(mem, "hold1", workers, 7),
					holdStage(mem, "hold2", workers, 5),
					rec.stage(1),
					holdStage(mem, "hold3", workers, 11),
				}
				sink := &collectSink{}
				p := pipeline.New(src, stages, sink, pipeline.Config{
					Handoff: sharedmem.Policy{Mode: mode}, Mem: mem,
					DecodeWorkers: workers, EncodeWorkers: workers,
				})
				require.NoError(t, runWithTimeout(t, context.Background(), p))
				assert.Equal(t, sequence(50*3), sink.got(), "hold3 must see hold2's output in order")
				require.Len(t, rec.seqs, (150+4)/5)
				for i := 1; i < len(rec.seqs); i++ {
					assert.Greater(t, rec.seqs[i], rec.seqs[i-1], "sequence at batch %d", i)
				}
				assert.GreaterOrEqual(t, rec.seqs[0], uint64(50), "Finish output comes after every input batch")
			})
		}
	}
}

// Unordered runs still number Finish output after every input batch, and
// no two batches share a number.
func TestFinishOutputSequencedUnordered(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	src := &countSource{mem: mem, batches: 30, rows: 4, maxDelay: 200 * time.Microsecond, seed: 5}
	rec := &seqRecorder{}
	stages := []pipeline.Stage{holdStage(mem, "hold", 4, 3), rec.stage(4)}
	p := pipeline.New(src, stages, &collectSink{}, pipeline.Config{Mem: mem, Unordered: true})
	require.NoError(t, runWithTimeout(t, context.Background(), p))
	seen := map[uint64]bool{}
	for _, s := range rec.seqs {
		assert.False(t, seen[s], "sequence %d twice", s)
		seen[s] = true
		assert.GreaterOrEqual(t, s, uint64(30))
	}
	assert.Len(t, seen, 40)
}

// Metrics may be read from another goroutine from before Run starts until
// after it returns; -race checks that it never races with Run's setup.
func TestMetricsDuringRun(t *testing.T) {
	for _, workers := range []int{1, 4} {
		t.Run(fmt.Sprintf("workers=%d", workers), func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			src := &countSource{mem: mem, batches: 200, rows: 5}
			stages := []pipeline.Stage{delayStage("a", workers, 50*time.Microsecond, 1), holdStage(mem, "hold", workers, 64)}
			p := pipeline.New(src, stages, &collectSink{}, pipeline.Config{Mem: mem})
			stop := make(chan struct{})
			polled := make(chan int)
			go func() {
				n := 0
				defer func() { polled <- n }()
				for {
					select {
					case <-stop:
						return
					default:
					}
					m := p.Metrics()
					if len(m.Stages) != 6 {
						panic("metrics lost a stage")
					}
					n++
				}
			}()
			err := runWithTimeout(t, context.Background(), p)
			close(stop)
			var n int
			select {
			case n = <-polled:
			case <-time.After(10 * time.Second):
				t.Fatal("poller did not stop")
			}
			require.NoError(t, err)
			assert.Positive(t, n)
			m := p.Metrics()
			assert.Equal(t, workers, m.Stages[2].Workers)
			assert.Equal(t, int64(1000), m.Stages[3].RowsOut)
		})
	}
}

// A stage that declares Ordered sees its input in input order even in an
// unordered pipeline whose earlier steps finish batches out of order; the
// steps after it may pass batches on as they are done.
func TestOrderedStageInUnorderedPipeline(t *testing.T) {
	for _, mode := range modes {
		t.Run(fmt.Sprintf("mode=%s", mode), func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			src := &countSource{mem: mem, batches: 80, rows: 3, maxDelay: 300 * time.Microsecond, seed: 9}
			var seen []int64
			ordered := stageOf("first-seen", 1, func(ctx context.Context, seq uint64, in arrow.RecordBatch) (arrow.RecordBatch, error) {
				seen = append(seen, in.Column(0).(*array.Int64).Int64Values()...)
				return in, nil
			})
			ordered.Ordered = true
			stages := []pipeline.Stage{
				delayStage("shuffle", 4, 300*time.Microsecond, 3),
				ordered,
				delayStage("after", 4, 300*time.Microsecond, 4),
			}
			sink := &collectSink{}
			p := pipeline.New(src, stages, sink, pipeline.Config{
				Handoff: sharedmem.Policy{Mode: mode}, Mem: mem, Unordered: true, DecodeWorkers: 4, EncodeWorkers: 4,
			})
			require.NoError(t, runWithTimeout(t, context.Background(), p))
			assert.Equal(t, sequence(240), seen, "the Ordered stage sees input order")
			assert.ElementsMatch(t, sequence(240), sink.got())
		})
	}
}
