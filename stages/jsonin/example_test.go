package jsonin_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/arrowpipe/arrowpipe/stages/jsonin"
)

func Example() {
	text := `{"id":1,"user":{"name":"ann"},"tags":["a"],"at":"2024-05-01T12:00:00Z"}
{"id":2,"user":{"name":"bob"},"score":0.5}
`
	ctx := context.Background()
	src, err := jsonin.NewSource(ctx, []jsonin.Input{{Name: "events.ndjson", R: strings.NewReader(text)}}, jsonin.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer src.Close()
	for _, f := range src.Schema().Fields() {
		fmt.Printf("%s: %s\n", f.Name, f.Type)
	}
	dec := src.NewDecoder()
	for {
		c, err := src.Next(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		rec, err := dec.Decode(ctx, c)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println("rows:", rec.NumRows(), "tags of row 0:", rec.Column(2).ValueStr(0))
		rec.Release()
	}
	// Output:
	// id: int64
	// user: struct<name: utf8 nullable>
	// tags: list<item: utf8, nullable>
	// at: timestamp[us, tz=UTC]
	// score: float64
	// rows: 2 tags of row 0: ["a"]
}

func ExampleDecoder_Decode_error() {
	text := "{\"n\":1}\n{\"n\":\"two\"}\n"
	ctx := context.Background()
	src, _ := jsonin.NewSource(ctx, []jsonin.Input{{Name: "in.ndjson", R: strings.NewReader(text)}}, jsonin.Options{SampleRows: 1})
	defer src.Close()
	c, _ := src.Next(ctx)
	_, err := src.NewDecoder().Decode(ctx, c)
	fmt.Println(err)
	// Output:
	// in.ndjson:2:6: column "n": jsonin: wrong type: want an integer, found a string
}
