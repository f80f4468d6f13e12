package jsonout_test

import (
	"context"
	"fmt"
	"os"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/arrowpipe/arrowpipe/stages/jsonout"
)

func Example() {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "id", Type: arrow.PrimitiveTypes.Int64},
		{Name: "region", Type: arrow.BinaryTypes.String},
		{Name: "price.net", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	b.Field(0).(*array.Int64Builder).AppendValues([]int64{1, 2}, nil)
	b.Field(1).(*array.StringBuilder).AppendValues([]string{"EU", "say \"hi\"\n"}, nil)
	b.Field(2).(*array.Float64Builder).AppendValues([]float64{12.5, 0}, []bool{true, false})
	rec := b.NewRecordBatch()
	defer rec.Release()

	ctx := context.Background()
	sink := jsonout.NewSink(os.Stdout, schema)
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
	// {"id":1,"region":"EU","price.net":12.5}
	// {"id":2,"region":"say \"hi\"\n","price.net":null}
}
