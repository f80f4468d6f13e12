package aggregate

import (
	"context"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// countWorker counts the rows it sees; it reads no column.
type countWorker struct{ n int64 }

func (w *countWorker) Process(_ context.Context, seq uint64, in arrow.RecordBatch) (arrow.RecordBatch, error) {
	w.n += in.NumRows()
	in.Release()
	return nil, nil
}

var countSchema = arrow.NewSchema([]arrow.Field{{Name: "count", Type: arrow.PrimitiveTypes.Int64}}, nil)

func newCount(env verb.Env) (pipeline.Stage, *arrow.Schema) {
	mem := env.Mem
	if mem == nil {
		mem = memory.DefaultAllocator
	}
	return pipeline.Stage{
		Name:      "count",
		Workers:   env.Workers,
		NewWorker: func() pipeline.Worker { return &countWorker{} },
		Finish: func(_ context.Context, workers []pipeline.Worker, emit func(arrow.RecordBatch) error) error {
			var n int64
			for _, w := range workers {
				n += w.(*countWorker).n
			}
			b := array.NewInt64Builder(mem)
			defer b.Release()
			b.Append(n)
			col := b.NewArray()
			defer col.Release()
			return emit(array.NewRecordBatch(countSchema, []arrow.Array{col}, 1))
		},
	}, countSchema
}
