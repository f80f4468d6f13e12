package transform_test

import (
	"context"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/transform"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// A chain built in Go, run over a batch in memory: the rows with more than
// two items, their total, and the region.
func Example() {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "region", Type: arrow.BinaryTypes.String},
		{Name: "qty", Type: arrow.PrimitiveTypes.Int64},
		{Name: "price", Type: arrow.PrimitiveTypes.Float64},
	}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	b.Field(0).(*array.StringBuilder).AppendValues([]string{"north", "south", "north", "east"}, nil)
	b.Field(1).(*array.Int64Builder).AppendValues([]int64{5, 1, 3, 4}, nil)
	b.Field(2).(*array.Float64Builder).AppendValues([]float64{2.5, 10, 1.25, 0.5}, nil)
	rec := b.NewRecordBatch()
	defer rec.Release()

	chain := []verb.Verb{
		transform.Filter("qty > 2"),
		transform.Derive(transform.Definition{Name: "total", Expr: "qty * price"}),
		transform.Select("region", "total"),
	}
	// Each verb is built for the schema the one before it outputs.
	var stages []pipeline.Stage
	in := schema
	for _, v := range chain {
		st, out, err := v.Build(verb.Env{Workers: 1}, in)
		if err != nil {
			fmt.Println(err)
			return
		}
		stages, in = append(stages, st), out
	}

	rr, err := array.NewRecordReader(schema, []arrow.RecordBatch{rec})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer rr.Release()
	sink := pipeline.ToFunc(func(_ context.Context, out arrow.RecordBatch) error {
		for r := range int(out.NumRows()) {
			fmt.Println(out.Column(0).ValueStr(r), out.Column(1).ValueStr(r))
		}
		return nil
	})
	p := pipeline.New(pipeline.FromRecordReader(rr), stages, sink, pipeline.Config{})
	if err := p.Run(context.Background()); err != nil {
		fmt.Println(err)
	}
	// Output:
	// north 12.5
	// north 3.75
	// east 2
}
