package textval_test

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/arrowpipe/arrowpipe/stages/textval"
)

func ExampleInferrer() {
	sample := [][]string{
		{"1", "2026-01-02", "true", "3"},
		{"2", "2026-01-02T10:00:00Z", "false", "3.5"},
	}
	in := textval.NewInferrer(4)
	for _, row := range sample {
		for col, v := range row {
			in.Add(col, []byte(v))
		}
	}
	spec, err := textval.ParseSpec("id:string")
	if err != nil {
		fmt.Println(err)
		return
	}
	fields, err := spec.Apply(in.Fields([]string{"id", "at", "ok", "x"}))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(textval.FormatSchema(arrow.NewSchema(fields, nil)))
	// Output: id:string,at:timestamp[us, UTC],ok:bool,x:float64
}

func ExampleParseTimestamp() {
	ts, ok := textval.ParseTimestamp([]byte("2026-01-02T03:04:05.5+01:00"))
	fmt.Println(ts.ToTime(arrow.Microsecond).UTC(), ok)
	// Output: 2026-01-02 02:04:05.5 +0000 UTC true
}

func ExampleParseDecimal128() {
	for _, text := range []string{"1.5", "1.5e2", "1.555"} {
		v, ok := textval.ParseDecimal128([]byte(text), 10, 2)
		fmt.Println(text, v.ToString(2), ok)
	}
	// Output:
	// 1.5 1.50 true
	// 1.5e2 150.00 true
	// 1.555 0.00 false
}
