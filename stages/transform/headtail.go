package transform

import (
	"context"
	"fmt"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/aggregate"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

func parseCount(verbName, arg string) (int64, error) {
	n, err := strconv.ParseInt(arg, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%s: %q is not a row count (a whole number ≥ 0)", verbName, arg)
	}
	return n, nil
}

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

func buildHead(_ verb.Env, args []string, in *arrow.Schema) (pipeline.Stage, *arrow.Schema, error) {
	n, err := parseCount("head", args[0])
	if err != nil {
		return pipeline.Stage{}, nil, err
	}
	// The first rows are the first to arrive, in input order.
	return pipeline.Stage{Name: "head", Workers: 1, Ordered: true, NewWorker: func() pipeline.Worker {
		return &headWorker{left: n}
	}}, in, nil
}

func buildTail(env verb.Env, args []string, in *arrow.Schema) (pipeline.Stage, *arrow.Schema, error) {
	n, err := parseCount("tail", args[0])
	if err != nil {
		return pipeline.Stage{}, nil, err
	}
	// tail spills to disk beyond the memory cap, as sort does.
	return aggregate.NewTail(env, in, n), in, nil
}
