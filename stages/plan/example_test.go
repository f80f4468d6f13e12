package plan_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/aggregate"
	"github.com/arrowpipe/arrowpipe/stages/format"
	"github.com/arrowpipe/arrowpipe/stages/plan"
	"github.com/arrowpipe/arrowpipe/stages/transform"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

const orders = `id,region,qty,price
1,EU,5,9.5
2,US,1,20
3,EU,12,3.25
4,APAC,7,8
5,US,9,1.5
`

// CSV text through a filter and a group-by, written as CSV: the verbs are
// typed values, and the plan builds them for the schema read from the
// input.
func Example() {
	ctx := context.Background()
	src, err := plan.Open(ctx, []string{"-"}, strings.NewReader(orders), plan.ReadOptions{})
	if err != nil {
		panic(err)
	}
	defer src.Close()
	chain := []verb.Verb{
		transform.Filter("qty > 2"),
		aggregate.GroupBy([]string{"region"}, aggregate.CountRows().As("orders"), aggregate.Sum("qty")),
	}
	p, err := plan.Build(verb.Env{}, chain, src, plan.Options{})
	if err != nil {
		panic(err)
	}
	sink, err := plan.NewSink(os.Stdout, format.CSV, p.Output(), plan.SinkOptions{})
	if err != nil {
		panic(err)
	}
	if err := pipeline.New(src, p.Stages, sink, pipeline.Config{}).Run(ctx); err != nil {
		panic(err)
	}
	// Output:
	// region,orders,sum_qty
	// EU,2,17
	// APAC,1,7
	// US,1,9
}

// The command line's form of the same chain parses into the same verbs.
func ExampleParseChain() {
	words := []string{"filter", "qty > 2", "then", "groupby", "region", "count() as orders, sum(qty)", "orders.csv"}
	calls, files, err := plan.ParseChain(words, plan.Specs(nil, nil))
	if err != nil {
		panic(err)
	}
	for _, c := range calls {
		fmt.Println(c.Verb.Name, c.Args)
	}
	fmt.Println(files)
	// Output:
	// filter [qty > 2]
	// groupby [region count() as orders, sum(qty)]
	// [orders.csv]
}

// Arrow data in memory through a chain, read back into Go values with a
// range loop.
func Example_recordReader() {
	mem := memory.NewGoAllocator()
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "sensor", Type: arrow.BinaryTypes.String},
		{Name: "celsius", Type: arrow.PrimitiveTypes.Float64},
	}, nil)
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	b.Field(0).(*array.StringBuilder).AppendValues([]string{"a", "b", "a", "c", "b"}, nil)
	b.Field(1).(*array.Float64Builder).AppendValues([]float64{20.5, 31, 22.5, 18, 29}, nil)
	rec := b.NewRecordBatch()
	defer rec.Release()
	rr, err := array.NewRecordReader(schema, []arrow.RecordBatch{rec})
	if err != nil {
		panic(err)
	}
	defer rr.Release()

	src := pipeline.FromRecordReader(rr)
	p, err := plan.Build(verb.Env{}, []verb.Verb{
		aggregate.GroupBy([]string{"sensor"}, aggregate.Max("celsius").As("hottest")),
		aggregate.Sort(aggregate.Desc("hottest")),
	}, src, plan.Options{})
	if err != nil {
		panic(err)
	}
	for out, err := range pipeline.Batches(context.Background(), src, p.Stages, pipeline.Config{}) {
		if err != nil {
			panic(err)
		}
		sensors := out.Column(0).(*array.String)
		hottest := out.Column(1).(*array.Float64)
		for i := range int(out.NumRows()) {
			fmt.Printf("%s %.1f\n", sensors.Value(i), hottest.Value(i))
		}
		out.Release()
	}
	// Output:
	// b 31.0
	// a 22.5
	// c 18.0
}

// A stage of one's own is a verb.Verb: it builds a pipeline.Stage for the
// schema that reaches it, and chains with the built-in verbs.
func Example_customStage() {
	// upper replaces a string column by its upper-case text, batch by
	// batch, on every worker of its pool.
	upper := func(col string) verb.Verb {
		return verb.Verb{Name: "upper", Build: func(env verb.Env, in *arrow.Schema) (pipeline.Stage, *arrow.Schema, error) {
			idx := in.FieldIndices(col)
			if len(idx) != 1 || in.Field(idx[0]).Type.ID() != arrow.STRING {
				return pipeline.Stage{}, nil, fmt.Errorf("upper: no string column %q", col)
			}
			mem := env.Mem
			if mem == nil {
				mem = memory.DefaultAllocator
			}
			work := pipeline.WorkerFunc(func(_ context.Context, _ uint64, rec arrow.RecordBatch) (arrow.RecordBatch, error) {
				defer rec.Release()
				strs := rec.Column(idx[0]).(*array.String)
				b := array.NewStringBuilder(mem)
				defer b.Release()
				for i := range strs.Len() {
					if strs.IsNull(i) {
						b.AppendNull()
					} else {
						b.Append(strings.ToUpper(strs.Value(i)))
					}
				}
				upper := b.NewArray()
				defer upper.Release()
				cols := append([]arrow.Array(nil), rec.Columns()...)
				cols[idx[0]] = upper
				return array.NewRecordBatch(in, cols, rec.NumRows()), nil
			})
			return pipeline.Stage{Workers: env.Workers, NewWorker: func() pipeline.Worker { return work }}, in, nil
		}}
	}

	ctx := context.Background()
	src, err := plan.Open(ctx, []string{"-"}, strings.NewReader("name,team\nada,eng\nlinus,ops\n"), plan.ReadOptions{})
	if err != nil {
		panic(err)
	}
	defer src.Close()
	p, err := plan.Build(verb.Env{}, []verb.Verb{upper("name"), transform.Select("team", "name")}, src, plan.Options{})
	if err != nil {
		panic(err)
	}
	sink, err := plan.NewSink(os.Stdout, format.CSV, p.Output(), plan.SinkOptions{})
	if err != nil {
		panic(err)
	}
	if err := pipeline.New(src, p.Stages, sink, pipeline.Config{}).Run(ctx); err != nil {
		panic(err)
	}
	// Output:
	// team,name
	// eng,ADA
	// ops,LINUS
}

// Files to Parquet, with a progress callback fed from the source's byte
// counts while the pipeline runs, and the run's row counts at the end.
func Example_parquet() {
	dir, err := os.MkdirTemp("", "plan-example")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	var files []string
	for i, region := range []string{"EU", "US"} {
		path := filepath.Join(dir, fmt.Sprintf("day%d.csv", i+1))
		text := "id,region,qty\n"
		for id := range 1000 {
			text += fmt.Sprintf("%d,%s,%d\n", i*1000+id, region, id%10)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			panic(err)
		}
		files = append(files, path)
	}

	ctx := context.Background()
	src, err := plan.Open(ctx, files, nil, plan.ReadOptions{})
	if err != nil {
		panic(err)
	}
	defer src.Close()
	p, err := plan.Build(verb.Env{}, []verb.Verb{transform.Filter("qty >= 5")}, src, plan.Options{})
	if err != nil {
		panic(err)
	}
	out, err := os.Create(filepath.Join(dir, "big.parquet"))
	if err != nil {
		panic(err)
	}
	defer out.Close()
	sink, err := plan.NewSink(out, format.Parquet, p.Output(), plan.SinkOptions{Compression: "zstd"})
	if err != nil {
		panic(err)
	}
	run := pipeline.New(src, p.Stages, sink, pipeline.Config{})

	var lastPercent int64
	progress := func(read, total int64) { lastPercent = 100 * read / total } // e.g. draw a bar
	stop := make(chan struct{})
	ticking := make(chan struct{})
	go func() {
		defer close(ticking)
		for {
			select {
			case <-stop:
				return
			case <-time.After(10 * time.Millisecond):
				progress(src.Progress())
			}
		}
	}()
	err = run.Run(ctx)
	close(stop)
	<-ticking
	if err != nil {
		panic(err)
	}
	progress(src.Progress())
	m := run.Metrics()
	fmt.Printf("read %d%%: %d rows in, %d rows written\n", lastPercent, m.Decoded().RowsOut, m.Stages[len(m.Stages)-1].RowsIn)
	// Output:
	// read 100%: 2000 rows in, 1000 rows written
}
