package join_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/join"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// Orders enriched with their customer's name: a left join keeps the order
// whose customer is unknown, with a null name.
func ExampleNew() {
	mem := memory.NewGoAllocator()
	orders := batchOf(mem, `[{"id": 1, "customer_id": 10}, {"id": 2, "customer_id": 12}, {"id": 3, "customer_id": 11}]`,
		arrow.Field{Name: "id", Type: arrow.PrimitiveTypes.Int64}, arrow.Field{Name: "customer_id", Type: arrow.PrimitiveTypes.Int64})
	customers := batchOf(mem, `[{"id": 10, "name": "Ann"}, {"id": 11, "name": "Bo"}]`,
		arrow.Field{Name: "id", Type: arrow.PrimitiveTypes.Int32}, arrow.Field{Name: "name", Type: arrow.BinaryTypes.String})
	defer orders.Release()
	defer customers.Release()
	table, _ := array.NewRecordReader(customers.Schema(), []arrow.RecordBatch{customers})
	defer table.Release()
	stream, _ := array.NewRecordReader(orders.Schema(), []arrow.RecordBatch{orders})
	defer stream.Release()

	v := join.New(join.Left, []join.KeyPair{{Stream: "customer_id", Table: "id"}}, pipeline.FromRecordReader(table), join.Options{})
	stage, _, err := v.Build(verb.Env{Mem: mem}, orders.Schema())
	if err != nil {
		panic(err)
	}
	out := pipeline.ToFunc(func(_ context.Context, rec arrow.RecordBatch) error {
		for i := range int(rec.NumRows()) {
			fmt.Println(rec.Column(0).ValueStr(i), rec.Column(1).ValueStr(i), rec.Column(2).ValueStr(i))
		}
		return nil
	})
	if err := pipeline.New(pipeline.FromRecordReader(stream), []pipeline.Stage{stage}, out, pipeline.Config{}).Run(context.Background()); err != nil {
		panic(err)
	}
	// Output:
	// 1 10 Ann
	// 2 12 (null)
	// 3 11 Bo
}

func batchOf(mem memory.Allocator, rows string, fields ...arrow.Field) arrow.RecordBatch {
	rec, _, err := array.RecordFromJSON(mem, arrow.NewSchema(fields, nil), strings.NewReader(rows))
	if err != nil {
		panic(err)
	}
	return rec
}
