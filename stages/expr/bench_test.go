package expr

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

const benchRows = 64 * 1024

var benchSchema = arrow.NewSchema([]arrow.Field{
	{Name: "id", Type: arrow.PrimitiveTypes.Int64},
	{Name: "region", Type: arrow.BinaryTypes.String},
	{Name: "qty", Type: arrow.PrimitiveTypes.Int64},
	{Name: "price", Type: arrow.PrimitiveTypes.Float64},
	{Name: "discount", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
}, nil)

// benchBatch builds the benchmark batch: region from 6 values, qty 1..100,
// discount null in ~30% of rows.
func benchBatch(mem memory.Allocator, n int) arrow.RecordBatch {
	rng := rand.New(rand.NewPCG(7, 7))
	regions := []string{"EU", "US", "APAC", "LATAM", "MEA", "ANZ"}
	b := array.NewRecordBuilder(mem, benchSchema)
	defer b.Release()
	for r := 0; r < n; r++ {
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

// reportRows reports wall-clock rows/s and ns/row, and CPU ns/row (process
// CPU time, which stays meaningful when the machine is oversubscribed).
// cpu0 is cpuNanos() taken just before the timed loop.
func reportRows(b *testing.B, rows int, cpu0 int64) {
	total := float64(rows) * float64(b.N)
	b.ReportMetric(total/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/total, "ns/row")
	if c := cpuNanos(); c > 0 {
		b.ReportMetric(float64(c-cpu0)/total, "cpu-ns/row")
	}
}

func BenchmarkFilter(b *testing.B) {
	mem := memory.NewGoAllocator()
	rec := benchBatch(mem, benchRows)
	defer rec.Release()
	e, err := Compile(`qty > 50 and region == "EU"`, benchSchema)
	if err != nil {
		b.Fatal(err)
	}
	ev := e.NewEvaluator()
	ctx := context.Background()
	b.Run(fmt.Sprintf("impl=expr/batch=%d", benchRows), func(b *testing.B) {
		b.ReportAllocs()
		cpu0 := cpuNanos()
		for b.Loop() {
			out, err := ev.Filter(ctx, rec, mem)
			if err != nil {
				b.Fatal(err)
			}
			out.Release()
		}
		reportRows(b, benchRows, cpu0)
	})
	b.Run(fmt.Sprintf("impl=eval+compute.Filter/batch=%d", benchRows), func(b *testing.B) {
		b.ReportAllocs()
		cpu0 := cpuNanos()
		ectx := compute.DefaultExecCtx()
		ectx.NumParallel = 1
		cctx := compute.SetExecCtx(ctx, ectx)
		for b.Loop() {
			mask, err := ev.Eval(ctx, rec, mem)
			if err != nil {
				b.Fatal(err)
			}
			out, err := compute.FilterRecordBatch(cctx, rec, mask, compute.DefaultFilterOptions())
			if err != nil {
				b.Fatal(err)
			}
			mask.Release()
			out.Release()
		}
		reportRows(b, benchRows, cpu0)
	})
}

func BenchmarkDerive(b *testing.B) {
	mem := memory.NewGoAllocator()
	rec := benchBatch(mem, benchRows)
	defer rec.Release()
	e, err := Compile(`qty * price * (1 - coalesce(discount, 0))`, benchSchema)
	if err != nil {
		b.Fatal(err)
	}
	ev := e.NewEvaluator()
	ctx := context.Background()
	b.Run(fmt.Sprintf("batch=%d", benchRows), func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(benchRows * 8 * 3)
		cpu0 := cpuNanos()
		for b.Loop() {
			out, err := ev.Eval(ctx, rec, mem)
			if err != nil {
				b.Fatal(err)
			}
			out.Release()
		}
		reportRows(b, benchRows, cpu0)
	})
}

// BenchmarkSelect compares Select with compute.FilterRecordBatch on the
// same precomputed mask (qty > 50 and region == "EU", ~8 % of rows).
func BenchmarkSelect(b *testing.B) {
	mem := memory.NewGoAllocator()
	ctx := context.Background()
	e, err := Compile(`qty > 50 and region == "EU"`, benchSchema)
	if err != nil {
		b.Fatal(err)
	}
	for _, rows := range []int{1024, benchRows} {
		rec := benchBatch(mem, rows)
		defer rec.Release()
		mask, err := e.Eval(ctx, rec, mem)
		if err != nil {
			b.Fatal(err)
		}
		defer mask.Release()
		b.Run(fmt.Sprintf("impl=select/batch=%d", rows), func(b *testing.B) {
			b.ReportAllocs()
			cpu0 := cpuNanos()
			for b.Loop() {
				out, err := Select(ctx, rec, mask, mem)
				if err != nil {
					b.Fatal(err)
				}
				out.Release()
			}
			reportRows(b, rows, cpu0)
		})
		b.Run(fmt.Sprintf("impl=compute.Filter/batch=%d", rows), func(b *testing.B) {
			b.ReportAllocs()
			ectx := compute.DefaultExecCtx()
			ectx.NumParallel = 1
			cctx := compute.SetExecCtx(ctx, ectx)
			cpu0 := cpuNanos()
			for b.Loop() {
				out, err := compute.FilterRecordBatch(cctx, rec, mask, compute.DefaultFilterOptions())
				if err != nil {
					b.Fatal(err)
				}
				out.Release()
			}
			reportRows(b, rows, cpu0)
		})
	}
}

// BenchmarkArithInt measures the int64 kernels, whose results are checked
// for overflow: column op column, column op constant and unary minus.
func BenchmarkArithInt(b *testing.B) {
	mem := memory.NewGoAllocator()
	rec := benchBatch(mem, benchRows)
	defer rec.Release()
	benchExprs(b, mem, rec, "id + qty", "id - qty", "id * qty", "qty * 3 + 1", "-id")
}

// benchExprs times the evaluation of each of srcs over rec, one
// sub-benchmark each.
func benchExprs(b *testing.B, mem memory.Allocator, rec arrow.RecordBatch, srcs ...string) {
	ctx := context.Background()
	for _, src := range srcs {
		e, err := Compile(src, rec.Schema())
		if err != nil {
			b.Fatal(err)
		}
		ev := e.NewEvaluator()
		b.Run(fmt.Sprintf("expr=%s/batch=%d", src, rec.NumRows()), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(rec.NumRows() * 8)
			cpu0 := cpuNanos()
			for b.Loop() {
				out, err := ev.Eval(ctx, rec, mem)
				if err != nil {
					b.Fatal(err)
				}
				out.Release()
			}
			reportRows(b, int(rec.NumRows()), cpu0)
		})
	}
}

// BenchmarkCompareTime measures timestamp comparisons: µs and ns columns
// against a literal and each other, and the exact µs-against-ns loop.
func BenchmarkCompareTime(b *testing.B) {
	mem := memory.NewGoAllocator()
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "us", Type: arrow.FixedWidthTypes.Timestamp_us},
		{Name: "us2", Type: arrow.FixedWidthTypes.Timestamp_us},
		{Name: "ns", Type: arrow.FixedWidthTypes.Timestamp_ns},
		{Name: "ns2", Type: arrow.FixedWidthTypes.Timestamp_ns},
	}, nil)
	rb := array.NewRecordBuilder(mem, schema)
	for r := int64(0); r < benchRows; r++ {
		x := 1_767_000_000_000_000 + r*7_919_993 // µs, 2026 onwards
		rb.Field(0).(*array.TimestampBuilder).Append(arrow.Timestamp(x))
		rb.Field(1).(*array.TimestampBuilder).Append(arrow.Timestamp(x + r%3 - 1))
		rb.Field(2).(*array.TimestampBuilder).Append(arrow.Timestamp(x*1000 + r%1000))
		rb.Field(3).(*array.TimestampBuilder).Append(arrow.Timestamp(x*1000 + r%3 - 1))
	}
	rec := rb.NewRecordBatch()
	rb.Release()
	defer rec.Release()
	benchExprs(b, mem, rec, "us > ts'2026-03-01T00:00:00Z'", "us > us2", "ns > ts'2026-03-01T00:00:00.000000001Z'", "ns > ns2", "us > ns")
}
