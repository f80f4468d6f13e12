package aggregate_test

import (
	"context"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/aggregate"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// A group-by stage driven by hand: one worker, one batch, then Finish.
func ExampleVerbs() {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "region", Type: arrow.BinaryTypes.String},
		{Name: "qty", Type: arrow.PrimitiveTypes.Int64},
	}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	b.Field(0).(*array.StringBuilder).AppendValues([]string{"north", "south", "north", "east"}, nil)
	b.Field(1).(*array.Int64Builder).AppendValues([]int64{5, 1, 7, 2}, nil)
	rec := b.NewRecordBatch()

	var groupby verb.Spec
	for _, v := range aggregate.Verbs() {
		if v.Name == "groupby" {
			groupby = v
		}
	}
	st, out, err := groupby.Build(verb.Env{Workers: 1}, []string{"region", "count() as n, sum(qty), max(qty)"}, schema)
	if err != nil {
		panic(err)
	}
	fmt.Println(out)
	w := st.NewWorker()
	ctx := context.Background()
	if _, err := w.Process(ctx, 0, rec); err != nil {
		panic(err)
	}
	err = st.Finish(ctx, []pipeline.Worker{w}, func(res arrow.RecordBatch) error {
		defer res.Release()
		for i := range int(res.NumRows()) {
			fmt.Println(res.Column(0).ValueStr(i), res.Column(1).ValueStr(i), res.Column(2).ValueStr(i), res.Column(3).ValueStr(i))
		}
		return nil
	})
	if err != nil {
		panic(err)
	}
	// Output:
	// schema:
	//   fields: 4
	//     - region: type=utf8, nullable
	//     - n: type=int64, nullable
	//     - sum_qty: type=int64, nullable
	//     - max_qty: type=int64, nullable
	// north 2 12 7
	// south 1 1 1
	// east 1 2 2
}
