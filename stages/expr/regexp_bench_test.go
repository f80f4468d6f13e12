package expr

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// shortStrings builds a batch of n short strings (8 to 24 bytes, like a
// product code or a note), of which about 1 in 8 contains "err-" followed
// by digits.
func shortStrings(mem memory.Allocator, n int) arrow.RecordBatch {
	schema := arrow.NewSchema([]arrow.Field{{Name: "s", Type: arrow.BinaryTypes.String}}, nil)
	rng := rand.New(rand.NewPCG(3, 9))
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	sb := b.Field(0).(*array.StringBuilder)
	const letters = "abcdefghijklmnopqrstuvwxyz -_"
	buf := make([]byte, 0, 32)
	for r := 0; r < n; r++ {
		buf = buf[:0]
		for k := 8 + rng.IntN(17); k > 0; k-- {
			buf = append(buf, letters[rng.IntN(len(letters))])
		}
		if rng.IntN(8) == 0 {
			p := rng.IntN(len(buf) - 6)
			copy(buf[p:], fmt.Sprintf("err-%02d", rng.IntN(100)))
		}
		sb.Append(string(buf))
	}
	return b.NewRecordBatch()
}

// BenchmarkRegexpMatches runs regexp_matches over 64Ki-row batches of
// short strings (10M values at -benchtime=153x), with the engine alone and
// with the literal paths it picks: impl=auto is what Compile chooses,
// impl=engine forces Go's regexp for every row.
func BenchmarkRegexpMatches(b *testing.B) {
	mem := memory.NewGoAllocator()
	rec := shortStrings(mem, benchRows)
	defer rec.Release()
	ctx := context.Background()
	for _, pat := range []struct{ name, re string }{
		{"literal", "err-"},
		{"prefix-literal", "err-[0-9]+"},
		{"anchored", "^[a-z]+ [a-z]+$"},
		{"no-literal", "[0-9][0-9]"},
	} {
		for _, impl := range []string{"auto", "engine"} {
			b.Run(fmt.Sprintf("pattern=%s/impl=%s", pat.name, impl), func(b *testing.B) {
				e, err := Compile(fmt.Sprintf("regexp_matches(s, '%s')", pat.re), rec.Schema())
				if err != nil {
					b.Fatal(err)
				}
				if impl == "engine" {
					ra := e.root.(*callNode).re
					e.root.(*callNode).re = &regexpArg{re: ra.re}
				}
				ev := e.NewEvaluator()
				b.ReportAllocs()
				b.SetBytes(int64(len(rec.Column(0).(*array.String).ValueBytes())))
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
	}
}
