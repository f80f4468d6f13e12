package window

import (
	"context"
	"fmt"
	"math/rand/v2"
	"syscall"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// benchBatches makes batches of rows rows: a key of 1000 values (int64 or
// string), qty int64 and price float64 with 5 % nulls.
func benchBatches(b *testing.B, mem memory.Allocator, keyType arrow.DataType, batches, rows int) (*arrow.Schema, []arrow.RecordBatch) {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "k", Type: keyType, Nullable: true},
		{Name: "qty", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "price", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	}, nil)
	r := rand.New(rand.NewPCG(1, 2))
	out := make([]arrow.RecordBatch, batches)
	for i := range out {
		bld := array.NewRecordBuilder(mem, schema)
		for range rows {
			k := r.IntN(1000)
			switch kb := bld.Field(0).(type) {
			case *array.Int64Builder:
				kb.Append(int64(k))
			case *array.StringBuilder:
				kb.Append(fmt.Sprintf("key-%04d", k))
			}
			if r.IntN(20) == 0 {
				bld.Field(1).AppendNull()
				bld.Field(2).AppendNull()
				continue
			}
			bld.Field(1).(*array.Int64Builder).Append(int64(r.IntN(100)))
			bld.Field(2).(*array.Float64Builder).Append(r.Float64() * 100)
		}
		out[i] = bld.NewRecordBatch()
		bld.Release()
	}
	return schema, out
}

// BenchmarkRunningSumLag is the stage benchmark: running sum and
// lag per group, 1000 groups, in the stage alone (rows/s per core:
// rows/op ÷ ns/op).
func BenchmarkRunningSumLag(b *testing.B) {
	for _, kt := range []arrow.DataType{arrow.PrimitiveTypes.Int64, arrow.BinaryTypes.String} {
		for _, fns := range []struct {
			name string
			fns  []Func
		}{
			{"sum+lag", []Func{RunningSum("qty").As("total"), Lag("price", 1).As("prev")}},
			{"sum", []Func{RunningSum("qty").As("total")}},
			{"lead", []Func{Lead("price", 1).As("next")}},
		} {
			b.Run(fmt.Sprintf("key=%s/fns=%s/batch=65536", kt, fns.name), func(b *testing.B) {
				mem := memory.NewGoAllocator()
				const rows = 65536
				schema, recs := benchBatches(b, mem, kt, 16, rows)
				defer func() {
					for _, r := range recs {
						r.Release()
					}
				}()
				st, _, err := Window([]string{"k"}, fns.fns...).Build(verb.Env{Mem: mem}, schema)
				if err != nil {
					b.Fatal(err)
				}
				w := st.NewWorker()
				ctx := context.Background()
				b.ReportAllocs()
				b.SetBytes(rows * 3 * 8)
				cpu0 := cpuTime()
				b.ResetTimer()
				for i := range b.N {
					rec := recs[i%len(recs)]
					rec.Retain()
					out, err := w.Process(ctx, uint64(i), rec)
					if err != nil {
						b.Fatal(err)
					}
					if out != nil {
						out.Release()
					}
				}
				b.StopTimer()
				// The machine is shared: rows per CPU-second of this process
				// is the per-core figure, wall-clock rows/s its upper bound.
				b.ReportMetric(float64(b.N)*rows/b.Elapsed().Seconds()/1e6, "Mrows/s")
				b.ReportMetric(float64(b.N)*rows/(cpuTime()-cpu0).Seconds()/1e6, "Mrows/cpu-s")
				_ = st.Finish(ctx, []pipeline.Worker{w}, func(r arrow.RecordBatch) error { r.Release(); return nil })
			})
		}
	}
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
