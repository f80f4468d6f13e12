package transform

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/arrowpipe/arrowpipe/stages/verb"
)

const benchRows = 64 * 1024

var benchSchema = arrow.NewSchema([]arrow.Field{
	{Name: "id", Type: arrow.PrimitiveTypes.Int64},
	{Name: "region", Type: arrow.BinaryTypes.String},
	{Name: "qty", Type: arrow.PrimitiveTypes.Int64},
	{Name: "price", Type: arrow.PrimitiveTypes.Float64},
	{Name: "discount", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
}, nil)

func benchBatch(mem memory.Allocator) arrow.RecordBatch {
	rng := rand.New(rand.NewPCG(7, 7))
	regions := []string{"EU", "US", "APAC", "LATAM", "MEA", "ANZ"}
	b := array.NewRecordBuilder(mem, benchSchema)
	defer b.Release()
	for r := 0; r < benchRows; r++ {
		b.Field(0).(*array.Int64Builder).Append(int64(r))
		b.Field(1).(*array.StringBuilder).Append(regions[rng.IntN(len(regions))])
		b.Field(2).(*array.Int64Builder).Append(rng.Int64N(100) + 1)
		b.Field(3).(*array.Float64Builder).Append(float64(rng.IntN(10000)) / 100)
		if rng.IntN(10) < 3 {
			b.Field(4).(*array.Float64Builder).AppendNull()
		} else {
			b.Field(4).(*array.Float64Builder).Append(float64(rng.IntN(50)) / 100)
		}
	}
	return b.NewRecordBatch()
}

// BenchmarkVerb measures one worker of a verb's stage on 64Ki-row batches.
func BenchmarkVerb(b *testing.B) {
	mem := memory.NewGoAllocator()
	rec := benchBatch(mem)
	defer rec.Release()
	for _, c := range []struct{ name, verb, arg string }{
		{"verb=filter", "filter", `qty > 50 and region == "EU"`},
		{"verb=derive", "derive", "total = qty * price * (1 - coalesce(discount, 0))"},
		{"verb=select", "select", "price,id"},
	} {
		b.Run(c.name, func(b *testing.B) {
			var spec verb.Spec
			for _, s := range Verbs() {
				if s.Name == c.verb {
					spec = s
				}
			}
			st, _, err := spec.Build(verb.Env{Workers: 1, Mem: mem}, []string{c.arg}, benchSchema)
			if err != nil {
				b.Fatal(err)
			}
			w := st.NewWorker()
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				rec.Retain()
				out, err := w.Process(ctx, 0, rec)
				if err != nil {
					b.Fatal(err)
				}
				if out != nil {
					out.Release()
				}
			}
			b.ReportMetric(float64(benchRows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(benchRows)/float64(b.N), "ns/row")
		})
	}
}
