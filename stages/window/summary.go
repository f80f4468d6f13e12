package window

import (
	"context"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// SummaryExact is the number of distinct values (and of numeric values
// for quantiles) a column's summary keeps exactly; beyond it distinct is
// a HyperLogLog estimate and the quantiles come from a t-digest, both
// flagged in the output.
const SummaryExact = 10000

// summaryTop is how many of the most frequent values the top column
// lists.
const summaryTop = 5

// summaryFields are summary's output: one row per input column.
var summaryFields = []arrow.Field{
	{Name: "column", Type: arrow.BinaryTypes.String},
	{Name: "type", Type: arrow.BinaryTypes.String},
	{Name: "count", Type: arrow.PrimitiveTypes.Int64},
	{Name: "nulls", Type: arrow.PrimitiveTypes.Int64},
	{Name: "distinct", Type: arrow.PrimitiveTypes.Int64},
	{Name: "distinct_approx", Type: arrow.FixedWidthTypes.Boolean},
	{Name: "min", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "max", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "mean", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "stddev", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "q25", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "q50", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "q75", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "quantiles_approx", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
	{Name: "top", Type: arrow.BinaryTypes.String, Nullable: true},
}

// Summary returns the summary verb: one output row per input column with
// its statistics (see the package documentation for each one's
// definition). It reads the input once, on every worker, each worker
// keeping its own bounded state per column; Finish merges them and emits
// the one batch.
func Summary() verb.Verb {
	return verb.Verb{Name: "summary", Build: func(env verb.Env, in *arrow.Schema) (pipeline.Stage, *arrow.Schema, error) {
		mem := env.Mem
		if mem == nil {
			mem = memory.DefaultAllocator
		}
		out := arrow.NewSchema(summaryFields, nil)
		return pipeline.Stage{
			Name:    "summary",
			Workers: env.Workers,
			NewWorker: func() pipeline.Worker {
				w := &summarizer{cols: make([]colStats, in.NumFields())}
				for i, f := range in.Fields() {
					w.cols[i] = newColStats(f.Type)
				}
				return w
			},
			Finish: func(ctx context.Context, workers []pipeline.Worker, emit func(arrow.RecordBatch) error) error {
				total := workers[0].(*summarizer)
				for _, w := range workers[1:] {
					for i := range total.cols {
						total.cols[i].merge(&w.(*summarizer).cols[i])
					}
				}
				return emit(summaryBatch(mem, in, out, total.cols))
			},
		}, out, nil
	}}
}

// summarizer is one worker's state: Go values only, no Arrow memory, so
// nothing to release on cancel.
type summarizer struct {
	cols []colStats
	buf  []byte
}

func (w *summarizer) Process(_ context.Context, _ uint64, in arrow.RecordBatch) (arrow.RecordBatch, error) {
	defer in.Release()
	for i, col := range in.Columns() {
		w.buf = w.cols[i].add(col, w.buf)
	}
	return nil, nil
}

// summaryBatch builds the output rows from the merged statistics.
func summaryBatch(mem memory.Allocator, in, out *arrow.Schema, cols []colStats) arrow.RecordBatch {
	b := array.NewRecordBuilder(mem, out)
	defer b.Release()
	str := func(i int, s string, ok bool) {
		if ok {
			b.Field(i).(*array.StringBuilder).Append(s)
		} else {
			b.Field(i).AppendNull()
		}
	}
	flt := func(i int, v float64, ok bool) {
		if ok {
			b.Field(i).(*array.Float64Builder).Append(v)
		} else {
			b.Field(i).AppendNull()
		}
	}
	for c := range cols {
		s := &cols[c]
		r := s.result()
		str(0, in.Field(c).Name, true)
		str(1, in.Field(c).Type.String(), true)
		b.Field(2).(*array.Int64Builder).Append(s.rows)
		b.Field(3).(*array.Int64Builder).Append(s.nulls)
		b.Field(4).(*array.Int64Builder).Append(r.distinct)
		b.Field(5).(*array.BooleanBuilder).Append(r.distinctApprox)
		str(6, r.min, r.hasMinMax)
		str(7, r.max, r.hasMinMax)
		flt(8, r.mean, r.hasMean)
		flt(9, r.stddev, r.hasStddev)
		for q := range 3 {
			flt(10+q, r.q[q], r.hasQ)
		}
		if r.hasQ {
			b.Field(13).(*array.BooleanBuilder).Append(r.qApprox)
		} else {
			b.Field(13).AppendNull()
		}
		str(14, r.top, r.hasTop)
	}
	return b.NewRecordBatch()
}
