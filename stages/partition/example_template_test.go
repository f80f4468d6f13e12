package partition_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/format"
	"github.com/arrowpipe/arrowpipe/stages/partition"
	"github.com/arrowpipe/arrowpipe/stages/plan"
)

// Rows written by an output path template: region names a hive-style
// directory, so the files leave it out; the day stays in them, since only
// the file name holds it.
func ExampleParseTemplate() {
	parent, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(parent)
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "region", Type: arrow.BinaryTypes.String},
		{Name: "day", Type: arrow.BinaryTypes.String},
		{Name: "qty", Type: arrow.PrimitiveTypes.Int64},
	}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	b.Field(0).(*array.StringBuilder).AppendValues([]string{"EU", "US", "EU", "a/b"}, nil)
	b.Field(1).(*array.StringBuilder).AppendValues([]string{"mon", "mon", "tue", "mon"}, nil)
	b.Field(2).(*array.Int64Builder).AppendValues([]int64{1, 2, 3, 4}, nil)
	rec := b.NewRecordBatch()
	b.Release()
	rr, _ := array.NewRecordReader(schema, []arrow.RecordBatch{rec})
	rec.Release()
	defer rr.Release()

	// A directory's braces would be read as columns: write them doubled.
	root := strings.NewReplacer("{", "{{", "}", "}}").Replace(filepath.ToSlash(parent))
	tmpl, err := partition.ParseTemplate(root + "/out/region={region}/{day}.csv")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(tmpl.Columns(), tmpl.Dropped())
	sink, err := partition.New(schema, partition.Options{
		Template: tmpl,
		NewWriter: func(w io.Writer, s *arrow.Schema) (pipeline.Sink, error) {
			return plan.NewSink(w, format.CSV, s, plan.SinkOptions{})
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer sink.Abort() // removes everything unless committed
	if err := pipeline.New(pipeline.FromRecordReader(rr), nil, sink, pipeline.Config{}).Run(context.Background()); err != nil {
		fmt.Println(err)
		return
	}
	if err := sink.Commit(); err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range sink.Files() {
		fmt.Println(f.Path, f.Rows)
	}
	data, _ := os.ReadFile(filepath.Join(parent, "out", "region=EU", "mon.csv"))
	fmt.Print(string(data))
	// Output:
	// [region day] [region]
	// region=EU/mon.csv 1
	// region=EU/tue.csv 1
	// region=US/mon.csv 1
	// region=a%2Fb/mon.csv 1
	// day,qty
	// mon,1
}
