package pipeline

import (
	"context"
	"errors"
	"iter"

	"github.com/apache/arrow-go/v18/arrow"
)

// errBreak ends a run whose consumer left the range loop.
var errBreak = errors.New("pipeline: the consumer of Batches stopped")

// Batches runs src through stages and yields the output batches in order,
// so that a pipeline's result is read with a range loop:
//
//	for rec, err := range pipeline.Batches(ctx, src, stages, cfg) {
//		if err != nil { ... }
//		use(rec)
//		rec.Release()
//	}
//
// The loop owns each batch it is given and releases it, the ownership rule
// of arrow-go's array.ReaderFromIter, which turns the sequence into an
// array.RecordReader. An error ends the sequence as its last element.
// Leaving the loop early stops the run; every goroutine has ended when
// the loop is over. The run goes on with the next batch while the loop
// body works on one. Each range over the result runs the pipeline anew, so
// src must be readable again for a second range.
func Batches(ctx context.Context, src Source, stages []Stage, cfg Config) iter.Seq2[arrow.RecordBatch, error] {
	return func(yield func(arrow.RecordBatch, error) bool) {
		ctx, cancel := context.WithCancelCause(ctx)
		defer cancel(nil)
		out := make(chan arrow.RecordBatch)
		sink := ToFunc(func(ctx context.Context, rec arrow.RecordBatch) error {
			rec.Retain() // for the loop, which releases it
			select {
			case out <- rec:
				return nil
			case <-ctx.Done():
				rec.Release()
				return context.Cause(ctx)
			}
		})
		p := New(src, stages, sink, cfg)
		done := make(chan error, 1)
		go func() { done <- p.Run(ctx) }()
		ended := false
		defer func() {
			if !ended { // the loop was left, or its body panicked
				cancel(errBreak)
				<-done
			}
		}()
		for {
			select {
			case rec := <-out:
				if !yield(rec, nil) {
					return
				}
			case err := <-done:
				ended = true
				if err != nil {
					yield(nil, err)
				}
				return
			}
		}
	}
}
