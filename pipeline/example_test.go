package pipeline_test

import (
	"context"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/sharedmem"
)

// keepEven is a stateless stage worker: it drops odd values.
type keepEven struct{ mem memory.Allocator }

func (k keepEven) Process(ctx context.Context, seq uint64, in arrow.RecordBatch) (arrow.RecordBatch, error) {
	defer in.Release()
	b := array.NewInt64Builder(k.mem)
	defer b.Release()
	for _, v := range in.Column(0).(*array.Int64).Int64Values() {
		if v%2 == 0 {
			b.Append(v)
		}
	}
	col := b.NewArray()
	defer col.Release()
	return array.NewRecordBatch(in.Schema(), []arrow.Array{col}, int64(col.Len())), nil
}

// int64Column makes a one-column batch of vals.
func int64Column(mem memory.Allocator, vals ...int64) arrow.RecordBatch {
	b := array.NewInt64Builder(mem)
	defer b.Release()
	b.AppendValues(vals, nil)
	col := b.NewArray()
	defer col.Release()
	schema := arrow.NewSchema([]arrow.Field{{Name: "v", Type: arrow.PrimitiveTypes.Int64}}, nil)
	return array.NewRecordBatch(schema, []arrow.Array{col}, int64(len(vals)))
}

// Arrow batches in memory, through a filtering stage on four workers, into
// Go values: output keeps input order whatever the workers' timing.
func ExamplePipeline_Run() {
	mem := memory.NewGoAllocator()
	var batches []arrow.RecordBatch
	for i := range int64(4) {
		batches = append(batches, int64Column(mem, 5*i, 5*i+1, 5*i+2, 5*i+3, 5*i+4))
	}
	rr, err := array.NewRecordReader(batches[0].Schema(), batches)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer rr.Release()
	for _, b := range batches {
		b.Release() // the reader holds its own references
	}

	var got []int64
	sink := pipeline.ToFunc(func(ctx context.Context, rec arrow.RecordBatch) error {
		got = append(got, rec.Column(0).(*array.Int64).Int64Values()...)
		return nil
	})
	filter := pipeline.Stage{
		Name:      "even",
		Workers:   4,
		NewWorker: func() pipeline.Worker { return keepEven{mem: mem} },
	}
	p := pipeline.New(pipeline.FromRecordReader(rr), []pipeline.Stage{filter}, sink, pipeline.Config{
		Handoff: sharedmem.Policy{Mode: sharedmem.Shared},
		Mem:     mem,
	})
	if err := p.Run(context.Background()); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(got)
	m := p.Metrics()
	even := m.Transforms()[0]
	fmt.Println(even.Name, even.RowsIn, "rows in,", even.RowsOut, "rows out")
	// Output:
	// [0 2 4 6 8 10 12 14 16 18]
	// even 20 rows in, 10 rows out
}
