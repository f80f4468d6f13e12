package transform

import (
	"context"
	"fmt"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/arrowpipe/arrowpipe/pipeline"
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

func (w *headWorker) Process(_ context.Context, in arrow.RecordBatch) (arrow.RecordBatch, error) {
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
	return pipeline.Stage{Name: "head", Workers: 1, NewWorker: func() pipeline.Worker {
		return &headWorker{left: n}
	}}, in, nil
}

// tailWorker keeps the batches that hold the last n rows seen so far.
type tailWorker struct {
	n    int64
	kept []arrow.RecordBatch
	rows int64 // rows in kept
}

func (w *tailWorker) Process(_ context.Context, in arrow.RecordBatch) (arrow.RecordBatch, error) {
	if w.n == 0 || in.NumRows() == 0 {
		in.Release()
		return nil, nil
	}
	w.kept = append(w.kept, in)
	w.rows += in.NumRows()
	for len(w.kept) > 0 && w.rows-w.kept[0].NumRows() >= w.n {
		w.rows -= w.kept[0].NumRows()
		w.kept[0].Release()
		w.kept[0] = nil
		w.kept = w.kept[1:]
	}
	return nil, nil
}

// finish emits the last n rows in order; emit takes ownership of each
// batch.
func (w *tailWorker) finish(emit func(arrow.RecordBatch) error) error {
	defer func() {
		for _, b := range w.kept {
			if b != nil {
				b.Release()
			}
		}
		w.kept, w.rows = nil, 0
	}()
	for k, b := range w.kept {
		w.kept[k] = nil
		if extra := w.rows - w.n; k == 0 && extra > 0 {
			s := b.NewSlice(extra, b.NumRows())
			b.Release()
			b = s
		}
		if err := emit(b); err != nil {
			return err
		}
	}
	return nil
}

func buildTail(_ verb.Env, args []string, in *arrow.Schema) (pipeline.Stage, *arrow.Schema, error) {
	n, err := parseCount("tail", args[0])
	if err != nil {
		return pipeline.Stage{}, nil, err
	}
	return pipeline.Stage{
		Name:      "tail",
		Workers:   1,
		NewWorker: func() pipeline.Worker { return &tailWorker{n: n} },
		Finish: func(_ context.Context, workers []pipeline.Worker, emit func(arrow.RecordBatch) error) error {
			for _, w := range workers {
				if err := w.(*tailWorker).finish(emit); err != nil {
					return err
				}
			}
			return nil
		},
	}, in, nil
}
