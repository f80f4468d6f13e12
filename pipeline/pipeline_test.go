package pipeline_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/sharedmem"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var modes = []sharedmem.Mode{sharedmem.Copy, sharedmem.Shared, sharedmem.Auto}

// runWithTimeout runs p and fails the test instead of hanging.
func runWithTimeout(t *testing.T, ctx context.Context, p *pipeline.Pipeline) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	select {
	case err := <-done:
		return err
	case <-time.After(30 * time.Second):
		t.Fatal("pipeline did not finish within 30 s")
		return nil
	}
}

func TestOrderPreserved(t *testing.T) {
	for _, workers := range []int{1, 2, 4, 16} {
		for _, mode := range modes {
			t.Run(fmt.Sprintf("workers=%d/mode=%s", workers, mode), func(t *testing.T) {
				mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
				defer mem.AssertSize(t, 0)
				src := &countSource{mem: mem, batches: 60, rows: 7, maxDelay: time.Millisecond, seed: uint64(workers)}
				sink := &collectSink{}
				stages := []pipeline.Stage{
					delayStage("a", workers, time.Millisecond, 1),
					delayStage("b", workers, time.Millisecond, 2),
				}
				p := pipeline.New(src, stages, sink, pipeline.Config{
					Handoff: sharedmem.Policy{Mode: mode}, Mem: mem,
					DecodeWorkers: workers, EncodeWorkers: workers,
				})
				require.NoError(t, runWithTimeout(t, context.Background(), p))
				assert.Equal(t, sequence(60*7), sink.got())
				assert.True(t, sink.closed)
				m := p.Metrics()
				require.Len(t, m.Stages, 6)
				assert.Equal(t, int64(60*7), m.Stages[2].RowsIn, "stage a rows in")
				assert.Equal(t, int64(60), m.Stages[3].BatchesOut, "stage b batches out")
				h := m.Stages[2].Handoff
				switch mode {
				case sharedmem.Copy:
					assert.Equal(t, int64(60), h.CopiedBatches)
				case sharedmem.Shared:
					assert.Equal(t, int64(60), h.SharedBatches)
				}
			})
		}
	}
}

func TestUnorderedDeliversEveryBatchOnce(t *testing.T) {
	for _, mode := range modes {
		t.Run("mode="+mode.String(), func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			src := &countSource{mem: mem, batches: 80, rows: 5, maxDelay: time.Millisecond}
			sink := &collectSink{}
			p := pipeline.New(src, []pipeline.Stage{delayStage("a", 4, time.Millisecond, 3)}, sink, pipeline.Config{
				Handoff: sharedmem.Policy{Mode: mode}, Mem: mem, DecodeWorkers: 4, EncodeWorkers: 4, Unordered: true,
			})
			require.NoError(t, runWithTimeout(t, context.Background(), p))
			got := sink.got()
			slices.Sort(got)
			assert.Equal(t, sequence(80*5), got)
		})
	}
}

func TestStageErrorStopsRun(t *testing.T) {
	boom := errors.New("boom")
	for _, mode := range modes {
		t.Run("mode="+mode.String(), func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			src := &countSource{mem: mem, batches: 1000, rows: 3}
			failing := stageOf("explode", 3, func(ctx context.Context, seq uint64, in arrow.RecordBatch) (arrow.RecordBatch, error) {
				if seq == 17 {
					in.Release()
					return nil, boom
				}
				return in, nil
			})
			sink := &collectSink{}
			p := pipeline.New(src, []pipeline.Stage{delayStage("before", 2, 100*time.Microsecond, 4), failing, delayStage("after", 2, 100*time.Microsecond, 5)}, sink,
				pipeline.Config{Handoff: sharedmem.Policy{Mode: mode}, Mem: mem})
			err := runWithTimeout(t, context.Background(), p)
			require.ErrorIs(t, err, boom)
			var se *pipeline.StageError
			require.ErrorAs(t, err, &se)
			assert.Equal(t, "explode", se.Stage)
			assert.Equal(t, int64(17), se.Seq)
			assert.Contains(t, err.Error(), "stage explode, batch 17: boom")
			assert.False(t, sink.closed, "sink must not be closed after a failed run")
			assert.Less(t, src.read.Load(), int64(1000), "the source must stop reading")
			// Ordered: what was written is a prefix that stops before the failing batch.
			got := sink.got()
			assert.LessOrEqual(t, len(got), 17*3)
			assert.Equal(t, sequence(len(got)), got)
		})
	}
}

func TestPanicBecomesError(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	src := &countSource{mem: mem, batches: 1000, rows: 3}
	panicky := stageOf("panicky", 2, func(ctx context.Context, seq uint64, in arrow.RecordBatch) (arrow.RecordBatch, error) {
		if seq == 5 {
			in.Release()
			panic("worker exploded")
		}
		return in, nil
	})
	p := pipeline.New(src, []pipeline.Stage{panicky}, &collectSink{}, pipeline.Config{Mem: mem})
	err := runWithTimeout(t, context.Background(), p)
	var pe *pipeline.PanicError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "worker exploded", pe.Value)
	assert.Contains(t, string(pe.Stack), "pipeline_test.TestPanicBecomesError")
	var se *pipeline.StageError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, "panicky", se.Stage)
	assert.Equal(t, int64(5), se.Seq)
}

func TestDecodeAndWriteErrors(t *testing.T) {
	bad := errors.New("bad chunk")
	for _, tc := range []struct {
		name      string
		decodeErr func(uint64) error
		failWrite int
		stage     string
	}{
		{name: "decode", decodeErr: func(seq uint64) error {
			if seq == 9 {
				return bad
			}
			return nil
		}, stage: "decode"},
		{name: "write", failWrite: 4, stage: "write"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			src := &countSource{mem: mem, batches: 500, rows: 2, decodeErr: tc.decodeErr}
			sink := &collectSink{failAt: tc.failWrite}
			p := pipeline.New(src, []pipeline.Stage{delayStage("mid", 2, 50*time.Microsecond, 6)}, sink, pipeline.Config{Mem: mem})
			err := runWithTimeout(t, context.Background(), p)
			var se *pipeline.StageError
			require.ErrorAs(t, err, &se)
			assert.Equal(t, tc.stage, se.Stage)
			assert.False(t, sink.closed)
		})
	}
}

func TestCancelMidStream(t *testing.T) {
	for _, mode := range modes {
		t.Run("mode="+mode.String(), func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			src := &countSource{mem: mem, batches: 1 << 30, rows: 4}
			ctx, cancel := context.WithCancel(context.Background())
			sink := &collectSink{}
			cancelling := stageOf("cancel", 2, func(c context.Context, seq uint64, in arrow.RecordBatch) (arrow.RecordBatch, error) {
				if seq == 50 {
					cancel()
				}
				return in, nil
			})
			p := pipeline.New(src, []pipeline.Stage{cancelling}, sink, pipeline.Config{Handoff: sharedmem.Policy{Mode: mode}, Mem: mem})
			start := time.Now()
			err := runWithTimeout(t, ctx, p)
			assert.ErrorIs(t, err, context.Canceled)
			assert.Less(t, time.Since(start), 5*time.Second)
			assert.False(t, sink.closed)
		})
	}
}

func TestEarlyStop(t *testing.T) {
	for _, mode := range modes {
		t.Run("mode="+mode.String(), func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			src := &countSource{mem: mem, batches: 100000, rows: 10}
			// A head-like stage: passes 3 batches, then stops the stream.
			var seen int
			head := stageOf("head", 1, func(ctx context.Context, seq uint64, in arrow.RecordBatch) (arrow.RecordBatch, error) {
				seen++
				if seen == 3 {
					return in, pipeline.ErrStop
				}
				return in, nil
			})
			sink := &collectSink{}
			p := pipeline.New(src, []pipeline.Stage{head, delayStage("after", 2, 100*time.Microsecond, 7)}, sink,
				pipeline.Config{Handoff: sharedmem.Policy{Mode: mode}, Mem: mem})
			require.NoError(t, runWithTimeout(t, context.Background(), p))
			assert.Equal(t, sequence(30), sink.got())
			assert.True(t, sink.closed, "an early stop is a success: the sink is closed")
			assert.Less(t, src.read.Load(), int64(100), "the source must stop reading soon after the stop")
		})
	}
}

func TestFinishEmitsAfterLastBatch(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	src := &countSource{mem: mem, batches: 40, rows: 5}
	// Each worker sums what it sees; Finish emits one row with the total.
	type summer struct {
		funcWorker
		sum int64
	}
	stage := pipeline.Stage{
		Name:    "sum",
		Workers: 3,
		NewWorker: func() pipeline.Worker {
			s := &summer{}
			s.funcWorker = func(ctx context.Context, seq uint64, in arrow.RecordBatch) (arrow.RecordBatch, error) {
				defer in.Release()
				for _, v := range in.Column(0).(interface{ Int64Values() []int64 }).Int64Values() {
					s.sum += v
				}
				return nil, nil
			}
			return s
		},
		Finish: func(ctx context.Context, workers []pipeline.Worker, emit func(arrow.RecordBatch) error) error {
			var total int64
			for _, w := range workers {
				total += w.(*summer).sum
			}
			one := int64Batch(mem, total)
			return emit(one)
		},
	}
	sink := &collectSink{}
	p := pipeline.New(src, []pipeline.Stage{stage}, sink, pipeline.Config{Mem: mem})
	require.NoError(t, runWithTimeout(t, context.Background(), p))
	n := int64(40 * 5)
	assert.Equal(t, []int64{n * (n - 1) / 2}, sink.got())
}

func TestSlowInputReachesSinkPromptly(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	// One row every 50 ms: the engine itself must not hold rows back.
	src := &countSource{mem: mem, batches: 10, rows: 1, interval: 50 * time.Millisecond}
	sink := &collectSink{}
	p := pipeline.New(src, []pipeline.Stage{delayStage("a", 2, time.Microsecond, 8)}, sink, pipeline.Config{Mem: mem})
	start := time.Now()
	require.NoError(t, runWithTimeout(t, context.Background(), p))
	require.False(t, sink.firstWrite.IsZero())
	assert.Less(t, sink.firstWrite.Sub(start), 400*time.Millisecond, "first row must be written long before the stream ends (~500 ms)")
}
