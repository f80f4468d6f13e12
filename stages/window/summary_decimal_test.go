package window

import (
	"context"
	"fmt"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/sharedmem"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// summary of a decimal column: min and max by value with every digit of
// the scale (as text, 9.00 is below 10.00), the mean of the exact values,
// the distinct count; in every handoff mode, 1 and 4 workers, batches of
// 1 to 1000 rows.
func TestSummaryDecimal(t *testing.T) {
	dt := &arrow.Decimal128Type{Precision: 10, Scale: 2}
	schema := arrow.NewSchema([]arrow.Field{{Name: "d", Type: dt, Nullable: true}}, nil)
	r := rand.New(rand.NewPCG(15, 9))
	vals := make([]int64, 200)
	valid := make([]bool, len(vals))
	sum, n := new(big.Rat), 0
	var mn, mx int64
	distinct := map[int64]bool{}
	for i := range vals {
		vals[i], valid[i] = r.Int64N(200_001)-100_000, r.IntN(8) != 0
		if valid[i] {
			if n == 0 || vals[i] < mn {
				mn = vals[i]
			}
			if n == 0 || vals[i] > mx {
				mx = vals[i]
			}
			sum.Add(sum, big.NewRat(vals[i], 100))
			n++
			distinct[vals[i]] = true
		}
	}
	text := func(x int64) string { return new(big.Rat).SetFrac64(x, 100).FloatString(2) }
	mean, _ := new(big.Rat).Quo(sum, big.NewRat(int64(n), 1)).Float64()
	for _, cfg := range configs() {
		for _, maxRows := range []int{1, 1000} {
			t.Run(fmt.Sprintf("%v/batch=%d", cfg, maxRows), func(t *testing.T) {
				mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
				defer mem.AssertSize(t, 0)
				var recs []arrow.RecordBatch
				for lo := 0; lo < len(vals); lo += maxRows {
					b := array.NewRecordBuilder(mem, schema)
					for i := lo; i < min(lo+maxRows, len(vals)); i++ {
						b.Field(0).(*array.Decimal128Builder).AppendValues([]decimal128.Num{decimal128.FromI64(vals[i])}, valid[i:i+1])
					}
					recs = append(recs, b.NewRecordBatch())
					b.Release()
				}
				rr, err := array.NewRecordReader(schema, recs)
				require.NoError(t, err)
				for _, rec := range recs {
					rec.Release()
				}
				defer rr.Release()
				st, _, err := Summary().Build(verb.Env{Mem: mem, Workers: cfg.workers}, schema)
				require.NoError(t, err)
				got := map[string]string{}
				sink := pipeline.ToFunc(func(_ context.Context, rec arrow.RecordBatch) error {
					for c, f := range rec.Schema().Fields() {
						got[f.Name] = rec.Column(c).ValueStr(0)
					}
					return nil
				})
				p := pipeline.New(pipeline.FromRecordReader(rr), []pipeline.Stage{st}, sink, pipeline.Config{
					Handoff: sharedmem.Policy{Mode: cfg.mode}, Mem: mem, Unordered: cfg.unordered,
				})
				require.NoError(t, p.Run(context.Background()))
				assert.Equal(t, text(mn), got["min"])
				assert.Equal(t, text(mx), got["max"])
				assert.Equal(t, fmt.Sprint(len(distinct)), got["distinct"])
				assert.Equal(t, fmt.Sprintf("%.9g", mean), fmt.Sprintf("%.9g", mustFloat(t, got["mean"])))
			})
		}
	}
}

func mustFloat(t *testing.T, s string) float64 {
	var f float64
	_, err := fmt.Sscan(s, &f)
	require.NoError(t, err, s)
	return f
}
