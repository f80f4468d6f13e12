package partition_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/format"
	"github.com/arrowpipe/arrowpipe/stages/partition"
	"github.com/arrowpipe/arrowpipe/stages/plan"
)

// Rows written by region, one CSV file per region, committed together.
func Example() {
	parent, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(parent)
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "region", Type: arrow.BinaryTypes.String},
		{Name: "qty", Type: arrow.PrimitiveTypes.Int64},
	}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	b.Field(0).(*array.StringBuilder).AppendValues([]string{"EU", "US", "EU", "../../etc"}, nil)
	b.Field(1).(*array.Int64Builder).AppendValues([]int64{1, 2, 3, 4}, nil)
	rec := b.NewRecordBatch()
	b.Release()
	rr, _ := array.NewRecordReader(schema, []arrow.RecordBatch{rec})
	rec.Release()
	defer rr.Release()

	sink, err := partition.New(schema, partition.Options{
		Dir:  filepath.Join(parent, "out"),
		Keys: []string{"region"},
		Ext:  ".csv",
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
	data, _ := os.ReadFile(filepath.Join(parent, "out", "region=EU", "part-00001.csv"))
	fmt.Print(string(data))
	// Output:
	// region=..%2F..%2Fetc/part-00001.csv 1
	// region=EU/part-00001.csv 2
	// region=US/part-00001.csv 1
	// qty
	// 1
	// 3
}
