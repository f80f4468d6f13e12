package expr

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// BenchmarkDecimal compares decimal(10,2) and decimal(38,6) columns (the
// load from 16-byte values included) with int64 columns of the same
// unscaled values, per 64Ki-row batch.
func BenchmarkDecimal(b *testing.B) {
	mem := memory.NewGoAllocator()
	const n = 1 << 16
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "d", Type: &arrow.Decimal128Type{Precision: 10, Scale: 2}},
		{Name: "w", Type: &arrow.Decimal128Type{Precision: 38, Scale: 6}},
		{Name: "i", Type: arrow.PrimitiveTypes.Int64},
	}, nil)
	bld := array.NewRecordBuilder(mem, schema)
	r := rand.New(rand.NewPCG(1, 1))
	for range n {
		v := r.Int64N(1_000_000)
		bld.Field(0).(*array.Decimal128Builder).Append(decimal128.FromI64(v))
		bld.Field(1).(*array.Decimal128Builder).Append(decimal128.FromI64(v * 10_000))
		bld.Field(2).(*array.Int64Builder).Append(v)
	}
	rec := bld.NewRecordBatch()
	bld.Release()
	defer rec.Release()
	for _, src := range []string{"i > 5000", "d > 50", "d > w", "d * 2 + 1", "i * 2 + 1", "to_string(d)", "w + w", "w * 3 > d", "to_string(w * w)"} {
		e, err := Compile(src, schema)
		if err != nil {
			b.Fatal(err)
		}
		ev := e.NewEvaluator()
		b.Run(fmt.Sprintf("expr=%s", src), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(n * 16)
			cpu0 := cpuNanos()
			for b.Loop() {
				out, err := ev.Eval(context.Background(), rec, mem)
				if err != nil {
					b.Fatal(err)
				}
				out.Release()
			}
			reportRows(b, n, cpu0)
		})
	}
}
