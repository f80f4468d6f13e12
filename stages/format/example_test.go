package format_test

import (
	"fmt"

	"github.com/arrowpipe/arrowpipe/stages/format"
)

func ExampleFromPath() {
	for _, path := range []string{"sales.csv.gz", "events.jsonl", "x.FEATHER", "notes.txt", "-"} {
		f, c := format.FromPath(path)
		fmt.Println(path, f, c)
	}
	// Output:
	// sales.csv.gz csv gzip
	// events.jsonl ndjson none
	// x.FEATHER arrow none
	// notes.txt unknown none
	// - unknown none
}

func ExampleParse() {
	f, err := format.Parse("JSONL")
	fmt.Println(f, err)
	_, err = format.Parse("xml")
	fmt.Println(err)
	// Output:
	// ndjson <nil>
	// format: unknown format "xml" (want csv, tsv, ndjson, arrows, arrow or parquet)
}
