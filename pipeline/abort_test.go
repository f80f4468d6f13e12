package pipeline_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/pipeline"
)

// holder keeps every batch it sees until Finish or Abort.
type holder struct {
	mu   sync.Mutex
	held []arrow.RecordBatch
}

func (h *holder) Process(ctx context.Context, seq uint64, in arrow.RecordBatch) (arrow.RecordBatch, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.held = append(h.held, in)
	return nil, nil
}

func (h *holder) drop() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, rec := range h.held {
		rec.Release()
	}
	h.held = nil
}

func holdingStage(aborts *int) pipeline.Stage {
	return pipeline.Stage{
		Name:      "hold",
		Workers:   2,
		NewWorker: func() pipeline.Worker { return &holder{} },
		Finish: func(ctx context.Context, workers []pipeline.Worker, emit func(arrow.RecordBatch) error) error {
			for _, w := range workers {
				w.(*holder).drop()
			}
			return nil
		},
		Abort: func(workers []pipeline.Worker) {
			*aborts++
			for _, w := range workers {
				w.(*holder).drop()
			}
		},
	}
}

// A failed run calls Abort before Run returns, so what the stage held is
// freed by then; a successful run does not call it.
func TestAbortRunsBeforeRunReturns(t *testing.T) {
	boom := errors.New("boom")
	for _, fail := range []bool{false, true} {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		aborts := 0
		failing := stageOf("fail", 2, func(ctx context.Context, seq uint64, in arrow.RecordBatch) (arrow.RecordBatch, error) {
			if fail && seq == 30 {
				in.Release()
				return nil, boom
			}
			return in, nil
		})
		src := &countSource{mem: mem, batches: 100, rows: 4}
		p := pipeline.New(src, []pipeline.Stage{failing, holdingStage(&aborts)}, &collectSink{}, pipeline.Config{Mem: mem})
		err := runWithTimeout(t, context.Background(), p)
		if fail {
			require.ErrorIs(t, err, boom)
			assert.Equal(t, 1, aborts)
		} else {
			require.NoError(t, err)
			assert.Zero(t, aborts)
		}
		// No waiting: the promise holds when Run returns.
		assert.Zero(t, mem.CurrentAlloc())
		mem.AssertSize(t, 0)
	}
}
