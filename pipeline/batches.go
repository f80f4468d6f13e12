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
//	for rec, err := range pipeline.Batches(ctx, src, stages, cfg) { ... }
//
// A batch is lent for one iteration: the loop body retains what it keeps.
// An error ends the sequence as its last element. Leaving the loop early
// stops the run; every goroutine has ended and every batch is released
// when the loop is over. array.ReaderFromIter turns the sequence into an
// array.RecordReader. Each range over the result runs the pipeline anew,
// so src must be readable again for a second range.
func Batches(ctx context.Context, src Source, stages []Stage, cfg Config) iter.Seq2[arrow.RecordBatch, error] {
	return func(yield func(arrow.RecordBatch, error) bool) {
		ctx, cancel := context.WithCancelCause(ctx)
		defer cancel(nil)
		lent := make(chan arrow.RecordBatch)
		returned := make(chan bool)
		sink := ToFunc(func(ctx context.Context, rec arrow.RecordBatch) error {
			select {
			case lent <- rec:
			case <-ctx.Done():
				return context.Cause(ctx)
			}
			select {
			case <-returned:
				return nil
			case <-ctx.Done():
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
			case rec := <-lent:
				more := yield(rec, nil)
				if !more {
					return
				}
				select {
				case returned <- true:
				case err := <-done: // the run ended while the batch was out
					ended = true
					if err != nil {
						yield(nil, err)
					}
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
