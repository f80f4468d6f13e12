package csvin_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/csvin"
	"github.com/arrowpipe/arrowpipe/stages/textval"
)

func Example() {
	ctx := context.Background()
	in := "id,price,when,note\n1,9.99,2026-01-02T03:04:05Z,\"a, b\"\n2,,2026-01-03 00:00:00,\n"
	src, err := csvin.NewSource(ctx, []csvin.Input{{Name: "sales.csv", R: strings.NewReader(in)}},
		csvin.Options{Mem: memory.NewGoAllocator()})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer src.Close()
	fmt.Println(textval.FormatSchema(src.Schema()))

	dec := src.NewDecoder()
	for {
		c, err := src.Next(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			fmt.Println(err)
			return
		}
		rec, err := dec.Decode(ctx, c)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(rec.NumRows(), "rows;", "price:", rec.Column(1), "note:", rec.Column(3))
		rec.Release()
	}
	// Output:
	// id:int64,price:float64,when:timestamp[us, UTC],note:string
	// 2 rows; price: [9.99 (null)] note: ["a, b" (null)]
}

func ExampleOptions_onError() {
	ctx := context.Background()
	in := "id,qty\n1,5\n2,five\n3,7\n"
	var rejected []string
	opts := csvin.Options{
		Mem:        memory.NewGoAllocator(),
		SampleRows: 1,
		OnError: func(e *pipeline.DataError) error {
			rejected = append(rejected, e.Error())
			return nil
		},
	}
	src, err := csvin.NewSource(ctx, []csvin.Input{{Name: "in.csv", R: strings.NewReader(in)}}, opts)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer src.Close()
	c, _ := src.Next(ctx)
	rec, err := src.NewDecoder().Decode(ctx, c)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer rec.Release()
	fmt.Println(rec.Column(0))
	fmt.Println(strings.Join(rejected, "\n"))
	// Output:
	// [1 3]
	// in.csv:3:2: column "qty": value does not fit the column type: "five" is not a valid int64 (override the inferred type with --schema qty:string, or infer it from every row with --infer-rows all)
}
