package transform

import (
	"context"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/aggregate"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// headWorker passes batches until n rows have gone through, then returns
// pipeline.ErrStop with the batch that completes them (sliced to fit).
type headWorker struct{ left int64 }

func (w *headWorker) Process(_ context.Context, seq uint64, in arrow.RecordBatch) (arrow.RecordBatch, error) {
	if w.left == 0 {
		in.Release()
		return nil, pipeline.ErrStop
	}
	rows := in.NumRows()
	if rows < w.left {
		w.left -= rows
		return in, nil
	}
	out := in
	if rows > w.left {
		out = in.NewSlice(0, w.left)
		in.Release()
	}
	w.left = 0
	return out, pipeline.ErrStop
}

// Head returns the verb that keeps the first n rows, in input order, and
// then stops the source (pipeline.ErrStop). It runs one worker. Build
// fails when n is negative.
func Head(n int64) verb.Verb {
	if n < 0 {
		return verb.Failed("head", countError("head", n))
	}
	return verb.Verb{
		Name: "head",
		// The first rows are the first to arrive, in input order.
		Build: func(_ verb.Env, in *arrow.Schema) (pipeline.Stage, *arrow.Schema, error) {
			return pipeline.Stage{Name: "head", Workers: 1, Ordered: true, NewWorker: func() pipeline.Worker {
				return &headWorker{left: n}
			}}, in, nil
		},
		Reads: readsRows,
	}
}

// Tail returns the verb that keeps the last n rows and emits them at the
// end of the stream. It keeps at most n rows plus one batch and spills to
// Env.TempDir beyond Env.MaxMemory, as sort does. Build fails when n is
// negative.
func Tail(n int64) verb.Verb {
	if n < 0 {
		return verb.Failed("tail", countError("tail", n))
	}
	return verb.Verb{
		Name: "tail",
		Build: func(env verb.Env, in *arrow.Schema) (pipeline.Stage, *arrow.Schema, error) {
			return aggregate.NewTail(env, in, n), in, nil
		},
		Reads:  readsRows,
		Spills: true,
	}
}

func countError(verbName string, n int64) error {
	return fmt.Errorf("%s: %d is not a row count (a whole number ≥ 0)", verbName, n)
}
