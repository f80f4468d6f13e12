package aggregate

import (
	"testing"

	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// The README's main job by a low-cardinality key over 10M rows (16
// batches of 64Ki, 10 rounds: ~1.3M prices per region), Finish included:
// what an exact p99 and median cost against the same job without them.
func BenchmarkGroupByQuantile(b *testing.B) {
	batches, size := benchBatches(16, 1)
	defer releaseAll(batches)
	const rounds = 10
	for _, tc := range []struct{ name, aggs string }{
		{"aggs=main", "count() as n, sum(qty), mean(price) as avg_price, p99(price)"},
		{"aggs=main-median", "count() as n, sum(qty), mean(price) as avg_price, p99(price), median(price)"},
		{"aggs=main-no-quantile", "count() as n, sum(qty), mean(price) as avg_price"},
	} {
		b.Run("keys=region/"+tc.name, func(b *testing.B) {
			st, _, err := buildVerb(b, verb.Env{Workers: 1}, "groupby", benchSchema, "region", tc.aggs)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(size * rounds)
			runBench(b, st, batches, rounds, true)
		})
	}
}
