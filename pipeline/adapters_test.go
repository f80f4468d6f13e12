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

// A RecordReader's batches reach a ToFunc sink in order through stages on
// several workers, in every handoff mode, and every reference is released
// on success, on a sink error and on an early stop.
func TestRecordReaderToFunc(t *testing.T) {
	for _, mode := range modes {
		for _, workers := range []int{1, 4} {
			t.Run(fmt.Sprintf("mode=%s/workers=%d", mode, workers), func(t *testing.T) {
				mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
				defer mem.AssertSize(t, 0)
				rr := recordReader(t, mem, 30, 7)
				defer rr.Release()
				var got []int64
				sink := pipeline.ToFunc(func(ctx context.Context, rec arrow.RecordBatch) error {
					got = append(got, rec.Column(0).(*array.Int64).Int64Values()...)
					return nil
				})
				p := pipeline.New(pipeline.FromRecordReader(rr), []pipeline.Stage{delayStage("shuffle", workers, 200_000, 1)}, sink,
					pipeline.Config{Handoff: sharedmem.Policy{Mode: mode}, Mem: mem, DecodeWorkers: workers, EncodeWorkers: workers})
				require.NoError(t, runWithTimeout(t, context.Background(), p))
				assert.Equal(t, sequence(30*7), got)
			})
		}
	}
	t.Run("sink error", func(t *testing.T) {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		defer mem.AssertSize(t, 0)
		rr := recordReader(t, mem, 30, 7)
		defer rr.Release()
		boom := errors.New("boom")
		calls := 0
		sink := pipeline.ToFunc(func(ctx context.Context, rec arrow.RecordBatch) error {
			if calls++; calls == 3 {
				return boom
			}
			return nil
		})
		p := pipeline.New(pipeline.FromRecordReader(rr), nil, sink, pipeline.Config{Mem: mem})
		require.ErrorIs(t, runWithTimeout(t, context.Background(), p), boom)
	})
	t.Run("early stop", func(t *testing.T) {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		defer mem.AssertSize(t, 0)
		rr := recordReader(t, mem, 30, 7)
		defer rr.Release()
		var rows int
		head := stageOf("head", 1, func(ctx context.Context, seq uint64, in arrow.RecordBatch) (arrow.RecordBatch, error) {
			if seq == 2 {
				return in, pipeline.ErrStop
			}
			return in, nil
		})
		sink := pipeline.ToFunc(func(ctx context.Context, rec arrow.RecordBatch) error {
			rows += int(rec.NumRows())
			return nil
		})
		p := pipeline.New(pipeline.FromRecordReader(rr), []pipeline.Stage{head}, sink, pipeline.Config{Mem: mem})
		require.NoError(t, runWithTimeout(t, context.Background(), p))
		assert.Equal(t, 3*7, rows)
	})
}

// A columnar source and sink get no decode or encode step: the reader
// hands batches to the first stage, the last stage to Write, and with no
// stage the reader hands them to Write, in every handoff mode; a cancel
// mid-run releases everything.
func TestColumnarEndsHaveNoCodecSteps(t *testing.T) {
	for _, mode := range modes {
		for _, stages := range []int{0, 2} {
			t.Run(fmt.Sprintf("mode=%s/stages=%d", mode, stages), func(t *testing.T) {
				mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
				defer mem.AssertSize(t, 0)
				rr := recordReader(t, mem, 20, 5)
				defer rr.Release()
				var chain []pipeline.Stage
				for i := range stages {
					chain = append(chain, delayStage(fmt.Sprintf("s%d", i), 3, 100_000, 1))
				}
				var got []int64
				sink := pipeline.ToFunc(func(ctx context.Context, rec arrow.RecordBatch) error {
					got = append(got, rec.Column(0).(*array.Int64).Int64Values()...)
					return nil
				})
				p := pipeline.New(pipeline.FromRecordReader(rr), chain, sink, pipeline.Config{Handoff: sharedmem.Policy{Mode: mode}, Mem: mem})
				require.NoError(t, runWithTimeout(t, context.Background(), p))
				assert.Equal(t, sequence(20*5), got)
				m := p.Metrics()
				var kinds []pipeline.StepKind
				for _, s := range m.Stages {
					kinds = append(kinds, s.Kind)
				}
				want := []pipeline.StepKind{pipeline.ReadStep}
				for range stages {
					want = append(want, pipeline.StageStep)
				}
				assert.Equal(t, append(want, pipeline.WriteStep), kinds)
				assert.Equal(t, int64(100), m.Decoded().RowsOut)
				assert.Equal(t, int64(100), m.Stages[len(m.Stages)-1].RowsIn)
			})
		}
	}
	t.Run("cancel", func(t *testing.T) {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		defer mem.AssertSize(t, 0)
		rr := recordReader(t, mem, 50, 5)
		defer rr.Release()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		n := 0
		sink := pipeline.ToFunc(func(context.Context, arrow.RecordBatch) error {
			if n++; n == 3 {
				cancel()
			}
			return nil
		})
		p := pipeline.New(pipeline.FromRecordReader(rr), []pipeline.Stage{delayStage("s", 2, 100_000, 1)}, sink,
			pipeline.Config{Handoff: sharedmem.Policy{Mode: sharedmem.Copy}, Mem: mem})
		require.ErrorIs(t, runWithTimeout(t, ctx, p), context.Canceled)
	})
}

// recordReader reads batches of rows consecutive values, 0, 1, 2, ...
func recordReader(t *testing.T, mem memory.Allocator, batches, rows int) array.RecordReader {
	t.Helper()
	var recs []arrow.RecordBatch
	for b := range batches {
		vals := make([]int64, rows)
		for i := range vals {
			vals[i] = int64(b*rows + i)
		}
		recs = append(recs, int64Batch(mem, vals...))
	}
	rr, err := array.NewRecordReader(valueSchema, recs)
	require.NoError(t, err)
	for _, r := range recs {
		r.Release()
	}
	return rr
}
