package csvout_test

import (
	"context"
	"fmt"
	"os"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/arrowpipe/arrowpipe/stages/csvout"
)

func Example() {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "id", Type: arrow.PrimitiveTypes.Int64},
		{Name: "note", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "price", Type: arrow.PrimitiveTypes.Float64},
	}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	b.Field(0).(*array.Int64Builder).AppendValues([]int64{1, 2}, nil)
	b.Field(1).(*array.StringBuilder).AppendValues([]string{`gift, "wrapped"`, ""}, []bool{true, false})
	b.Field(2).(*array.Float64Builder).AppendValues([]float64{12.5, 3}, nil)
	rec := b.NewRecordBatch()
	defer rec.Release()

	ctx := context.Background()
	sink, err := csvout.NewSink(os.Stdout, schema, csvout.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	chunk, err := sink.NewEncoder().Encode(ctx, rec) // on a worker
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := sink.Write(ctx, chunk); err != nil { // on the writer goroutine
		fmt.Println(err)
		return
	}
	if err := sink.Close(ctx); err != nil {
		fmt.Println(err)
	}
	// Output:
	// id,note,price
	// 1,"gift, ""wrapped""",12.5
	// 2,,3.0
}
