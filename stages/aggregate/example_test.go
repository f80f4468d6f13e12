package aggregate_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/aggregate"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// A group-by built in Go and run over Arrow batches in memory: rows per
// region and their total quantity, in order of each region's first row.
func Example() {
	mem := memory.NewGoAllocator()
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "region", Type: arrow.BinaryTypes.String},
		{Name: "qty", Type: arrow.PrimitiveTypes.Int64},
	}, nil)
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	b.Field(0).(*array.StringBuilder).AppendValues([]string{"north", "south", "north", "east"}, nil)
	b.Field(1).(*array.Int64Builder).AppendValues([]int64{5, 1, 7, 2}, nil)
	rec := b.NewRecordBatch()
	rr, err := array.NewRecordReader(schema, []arrow.RecordBatch{rec})
	rec.Release() // the reader holds its own reference
	if err != nil {
		fmt.Println(err)
		return
	}
	defer rr.Release()

	groupby := aggregate.GroupBy([]string{"region"}, aggregate.CountRows().As("n"), aggregate.Sum("qty"))
	stage, out, err := groupby.Build(verb.Env{Mem: mem}, schema)
	if err != nil {
		fmt.Println(err)
		return
	}
	var names []string
	for _, f := range out.Fields() {
		names = append(names, f.Name)
	}
	fmt.Println(strings.Join(names, " "))
	show := pipeline.ToFunc(func(_ context.Context, res arrow.RecordBatch) error {
		for i := range int(res.NumRows()) {
			fmt.Println(res.Column(0).ValueStr(i), res.Column(1).ValueStr(i), res.Column(2).ValueStr(i))
		}
		return nil
	})
	p := pipeline.New(pipeline.FromRecordReader(rr), []pipeline.Stage{stage}, show, pipeline.Config{Mem: mem})
	if err := p.Run(context.Background()); err != nil {
		fmt.Println(err)
	}
	// Output:
	// region n sum_qty
	// north 2 12
	// south 1 1
	// east 1 2
}

// The command-line form of a verb parses its words into the typed verb:
// these words build the same stage as GroupBy([]string{"region"},
// CountRows().As("n"), Sum("qty"), Max("qty")).
func ExampleVerbs() {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "region", Type: arrow.BinaryTypes.String},
		{Name: "qty", Type: arrow.PrimitiveTypes.Int64},
	}, nil)
	for _, spec := range aggregate.Verbs() {
		if spec.Name != "groupby" {
			continue
		}
		v, err := spec.Parse([]string{"region", "count() as n, sum(qty), max(qty)"})
		if err != nil {
			fmt.Println(err)
			return
		}
		_, out, err := v.Build(verb.Env{}, schema)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(out)
		fmt.Println(v.Reads(schema, nil))
	}
	// Output:
	// schema:
	//   fields: 4
	//     - region: type=utf8, nullable
	//     - n: type=int64, nullable
	//     - sum_qty: type=int64, nullable
	//     - max_qty: type=int64, nullable
	// [region qty]
}
