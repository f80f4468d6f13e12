package input_test

import (
	"fmt"

	"github.com/arrowpipe/arrowpipe/stages/input"
)

func ExampleDetectFormat() {
	for _, c := range []struct{ path, from, peek string }{
		{"sales.csv.gz", "", ""},
		{"-", "", "{\"a\":1}"},
		{"-", "", "a\tb\n"},
		{"data.txt", "ndjson", ""},
	} {
		f, err := input.DetectFormat(c.path, c.from, []byte(c.peek))
		fmt.Println(c.path, f, err)
	}
	_, err := input.DetectFormat("-", "", []byte("PAR1"))
	fmt.Println(err)
	// Output:
	// sales.csv.gz csv <nil>
	// - ndjson <nil>
	// - tsv <nil>
	// data.txt ndjson <nil>
	// <stdin>: parquet: input: format needs a seekable regular file, not a pipe or a compressed stream
}
