package expr_test

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/arrowpipe/arrowpipe/stages/expr"
)

func exampleBatch(mem memory.Allocator) arrow.RecordBatch {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "region", Type: arrow.BinaryTypes.String},
		{Name: "qty", Type: arrow.PrimitiveTypes.Int64},
		{Name: "price", Type: arrow.PrimitiveTypes.Float64},
		{Name: "discount", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	}, nil)
	rec, _, err := array.RecordFromJSON(mem, schema, strings.NewReader(`[
		{"region": "EU", "qty": 60, "price": 2.0, "discount": 0.5},
		{"region": "US", "qty": 70, "price": 1.0, "discount": null},
		{"region": "EU", "qty": 10, "price": 3.0, "discount": null}
	]`))
	if err != nil {
		panic(err)
	}
	return rec
}

func ExampleCompile() {
	mem := memory.NewGoAllocator()
	rec := exampleBatch(mem)
	defer rec.Release()

	e, err := expr.Compile("qty * price * (1 - coalesce(discount, 0))", rec.Schema())
	if err != nil {
		panic(err)
	}
	total, err := e.Eval(context.Background(), rec, mem)
	if err != nil {
		panic(err)
	}
	defer total.Release()
	fmt.Println(e.Type(), total)

	_, err = expr.Compile("qtty > 5", rec.Schema())
	fmt.Println(err)
	// Output:
	// float64 [60 70 30]
	// unknown column "qtty" at 1:1, did you mean "qty"?
	// qtty > 5
	// ^
}

func ExampleEvaluator_Filter() {
	mem := memory.NewGoAllocator()
	rec := exampleBatch(mem)
	defer rec.Release()

	e, err := expr.Compile(`qty > 50 and region == "EU"`, rec.Schema())
	if err != nil {
		panic(err)
	}
	ev := e.NewEvaluator() // one per worker goroutine
	out, err := ev.Filter(context.Background(), rec, mem)
	if err != nil {
		panic(err)
	}
	defer out.Release()
	fmt.Println(out.NumRows(), out.Column(0), out.Column(1))
	// Output:
	// 1 ["EU"] [60]
}

// An integer result outside its type's range is an error naming the row,
// never a wrapped value; a row that does not use it does not fail.
func ExampleErrOverflow() {
	mem := memory.NewGoAllocator()
	rec := exampleBatch(mem)
	defer rec.Release()

	e, err := expr.Compile("qty * 140000000000000000", rec.Schema())
	if err != nil {
		panic(err)
	}
	_, err = e.Eval(context.Background(), rec, mem)
	fmt.Println(errors.Is(err, expr.ErrOverflow))
	fmt.Println(err)

	e, err = expr.Compile("if(qty < 61, qty * 140000000000000000, -1)", rec.Schema())
	if err != nil {
		panic(err)
	}
	out, err := e.Eval(context.Background(), rec, mem)
	if err != nil {
		panic(err)
	}
	defer out.Release()
	fmt.Println(out)
	// Output:
	// true
	// expr: integer overflow at row 2 of the batch: 70 * 140000000000000000 is outside the range of int64
	// [8400000000000000000 -1 1400000000000000000]
}
