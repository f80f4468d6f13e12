package transform_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/arrowpipe/arrowpipe/stages/transform"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// Flatten turns a struct column (an NDJSON object) into one column per
// field; a field is null where its struct is.
func ExampleFlatten() {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "id", Type: arrow.PrimitiveTypes.Int64},
		{Name: "user", Nullable: true, Type: arrow.StructOf(
			arrow.Field{Name: "name", Type: arrow.BinaryTypes.String, Nullable: true},
			arrow.Field{Name: "geo", Nullable: true, Type: arrow.StructOf(
				arrow.Field{Name: "lat", Type: arrow.PrimitiveTypes.Float64, Nullable: true})})},
	}, nil)
	rec, _, err := array.RecordFromJSON(memory.DefaultAllocator, schema, strings.NewReader(
		`[{"id": 1, "user": {"name": "ann", "geo": {"lat": 1.5}}}, {"id": 2, "user": null}]`))
	if err != nil {
		fmt.Println(err)
		return
	}
	st, out, err := transform.Flatten("user").Build(verb.Env{Workers: 1}, schema)
	if err != nil {
		fmt.Println(err)
		return
	}
	flat, err := st.NewWorker().Process(context.Background(), 0, rec) // takes rec
	if err != nil {
		fmt.Println(err)
		return
	}
	defer flat.Release()
	for i, f := range out.Fields() {
		fmt.Printf("%s: %s = %s, %s\n", f.Name, f.Type, flat.Column(i).ValueStr(0), flat.Column(i).ValueStr(1))
	}
	// Output:
	// id: int64 = 1, 2
	// user.name: utf8 = ann, (null)
	// user.geo.lat: float64 = 1.5, (null)
}
