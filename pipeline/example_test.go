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

// A pipeline from a source of counting batches through a filtering stage on
// four workers to a sink: output keeps input order.
func ExamplePipeline_Run() {
	mem := memory.NewGoAllocator()
	src := &countSource{mem: mem, batches: 4, rows: 5}
	filter := pipeline.Stage{
		Name:      "even",
		Workers:   4,
		NewWorker: func() pipeline.Worker { return keepEven{mem: mem} },
	}
	sink := &collectSink{}
	p := pipeline.New(src, []pipeline.Stage{filter}, sink, pipeline.Config{
		Handoff: sharedmem.Policy{Mode: sharedmem.Shared},
		Mem:     mem,
	})
	if err := p.Run(context.Background()); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(sink.got())
	m := p.Metrics()
	fmt.Println(m.Stages[2].Name, m.Stages[2].RowsIn, "rows in,", m.Stages[2].RowsOut, "rows out")
	// Output:
	// [0 2 4 6 8 10 12 14 16 18]
	// even 20 rows in, 10 rows out
}
