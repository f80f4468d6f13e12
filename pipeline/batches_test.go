package pipeline_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/sharedmem"
)

// Batches yields the output in order in every handoff mode; leaving the
// loop early, an error in a stage and a cancelled context all end the run
// with every batch released (goleak checks the goroutines in TestMain).
func TestBatches(t *testing.T) {
	for _, mode := range modes {
		t.Run(fmt.Sprintf("mode=%s", mode), func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			rr := recordReader(t, mem, 25, 4)
			defer rr.Release()
			cfg := pipeline.Config{Handoff: sharedmem.Policy{Mode: mode}, Mem: mem}
			var got []int64
			for rec, err := range pipeline.Batches(context.Background(), pipeline.FromRecordReader(rr),
				[]pipeline.Stage{delayStage("shuffle", 4, 100_000, 1)}, cfg) {
				require.NoError(t, err)
				got = append(got, rec.Column(0).(*array.Int64).Int64Values()...)
				rec.Release()
			}
			assert.Equal(t, sequence(100), got)
		})
	}
	t.Run("break", func(t *testing.T) {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		defer mem.AssertSize(t, 0)
		rr := recordReader(t, mem, 25, 4)
		defer rr.Release()
		n := 0
		for rec, err := range pipeline.Batches(context.Background(), pipeline.FromRecordReader(rr), nil, pipeline.Config{Mem: mem}) {
			require.NoError(t, err)
			n += int(rec.NumRows())
			rec.Release()
			if n == 8 {
				break
			}
		}
		assert.Equal(t, 8, n)
	})
	t.Run("stage error", func(t *testing.T) {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		defer mem.AssertSize(t, 0)
		rr := recordReader(t, mem, 25, 4)
		defer rr.Release()
		boom := errors.New("boom")
		fail := stageOf("fail", 2, func(_ context.Context, seq uint64, in arrow.RecordBatch) (arrow.RecordBatch, error) {
			if seq == 5 {
				in.Release()
				return nil, boom
			}
			return in, nil
		})
		var rows int
		var last error
		for rec, err := range pipeline.Batches(context.Background(), pipeline.FromRecordReader(rr), []pipeline.Stage{fail}, pipeline.Config{Mem: mem}) {
			if err != nil {
				last = err
				continue
			}
			rows += int(rec.NumRows())
			rec.Release()
		}
		require.ErrorIs(t, last, boom)
		assert.LessOrEqual(t, rows, 5*4, "no batch after the failing one")
	})
	t.Run("cancel", func(t *testing.T) {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		defer mem.AssertSize(t, 0)
		rr := recordReader(t, mem, 25, 4)
		defer rr.Release()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var last error
		for rec, err := range pipeline.Batches(ctx, pipeline.FromRecordReader(rr), nil, pipeline.Config{Mem: mem}) {
			cancel()
			if err != nil {
				last = err
				continue
			}
			rec.Release()
		}
		assert.ErrorIs(t, last, context.Canceled)
	})
	t.Run("record reader", func(t *testing.T) {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		defer mem.AssertSize(t, 0)
		rr := recordReader(t, mem, 5, 3)
		defer rr.Release()
		out := array.ReaderFromIter(valueSchema, pipeline.Batches(context.Background(), pipeline.FromRecordReader(rr), nil, pipeline.Config{Mem: mem}))
		var got []int64
		for out.Next() {
			got = append(got, out.RecordBatch().Column(0).(*array.Int64).Int64Values()...)
		}
		require.NoError(t, out.Err())
		out.Release()
		assert.Equal(t, sequence(15), got)
	})
}
