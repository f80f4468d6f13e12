package expr

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// BenchmarkStrptime parses 64Ki-row batches of timestamps in three layouts
// (10M values at -benchtime=153x); cpu-ns/row is the figure per core.
func BenchmarkStrptime(b *testing.B) {
	mem := memory.NewGoAllocator()
	schema := arrow.NewSchema([]arrow.Field{{Name: "s", Type: arrow.BinaryTypes.String}}, nil)
	ctx := context.Background()
	for _, c := range []struct{ name, goLayout, layout string }{
		{"iso", "2006-01-02 15:04:05", "%Y-%m-%d %H:%M:%S"},
		{"us", "1/2/2006 3:04:05.000000 PM", "%m/%d/%Y %I:%M:%S.%f %p"},
		{"us-minutes", "1/2/2006 3:04 PM", "%m/%d/%Y %I:%M %p"},
	} {
		sb := array.NewStringBuilder(mem)
		base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		for r := 0; r < benchRows; r++ {
			sb.Append(base.Add(time.Duration(r) * 7919 * time.Second).Format(c.goLayout))
		}
		col := sb.NewArray()
		sb.Release()
		rec := array.NewRecordBatch(schema, []arrow.Array{col}, int64(benchRows))
		col.Release()
		b.Run(fmt.Sprintf("layout=%s/batch=%d", c.name, benchRows), func(b *testing.B) {
			e, err := Compile(fmt.Sprintf("strptime(s, '%s')", c.layout), schema)
			if err != nil {
				b.Fatal(err)
			}
			ev := e.NewEvaluator()
			b.ReportAllocs()
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
		rec.Release()
	}
}
