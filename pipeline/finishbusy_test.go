package pipeline_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/pipeline"
)

// A stage's Finish is its work (a sort's merge): its time is the stage's
// busy time, and a snapshot taken while it runs says so.
func TestFinishCountsAsBusyAndIsVisible(t *testing.T) {
	for _, workers := range []int{1, 4} {
		t.Run(fmt.Sprintf("workers=%d", workers), func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			src := &countSource{mem: mem, batches: 4, rows: 10}
			entered := make(chan struct{})
			leave := make(chan struct{})
			stage := stageOf("slowfinish", workers, func(ctx context.Context, seq uint64, in arrow.RecordBatch) (arrow.RecordBatch, error) {
				in.Release()
				return nil, nil
			})
			stage.Finish = func(ctx context.Context, _ []pipeline.Worker, emit func(arrow.RecordBatch) error) error {
				close(entered)
				select {
				case <-leave:
				case <-time.After(10 * time.Second):
				}
				time.Sleep(60 * time.Millisecond)
				return emit(int64Batch(mem, 7))
			}
			p := pipeline.New(src, []pipeline.Stage{stage}, &collectSink{}, pipeline.Config{Mem: mem})
			done := make(chan error, 1)
			go func() { done <- p.Run(context.Background()) }()
			select {
			case <-entered:
			case <-time.After(10 * time.Second):
				t.Fatal("Finish never ran")
			}
			live := p.Metrics().Transforms()
			require.Len(t, live, 1)
			assert.True(t, live[0].Finishing, "a snapshot during Finish names it")
			close(leave)
			select {
			case err := <-done:
				require.NoError(t, err)
			case <-time.After(10 * time.Second):
				t.Fatal("run did not end")
			}
			st := p.Metrics().Transforms()[0]
			assert.False(t, st.Finishing)
			assert.GreaterOrEqual(t, st.Busy, 60*time.Millisecond, "Finish time is the stage's")
			assert.Equal(t, int64(1), st.RowsOut)
		})
	}
}
