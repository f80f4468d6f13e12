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

// lag and lead of a decimal(10,2) column per group keep its type and
// values, in every handoff mode, 1 and 4 workers, batches of 1 to 1000
// rows; a decimal(38,s) column is refused by name.
func TestWindowDecimal(t *testing.T) {
	dt := &arrow.Decimal128Type{Precision: 10, Scale: 2}
	schema := arrow.NewSchema([]arrow.Field{{Name: "k", Type: arrow.PrimitiveTypes.Int64}, {Name: "d", Type: dt, Nullable: true}}, nil)
	r := rand.New(rand.NewPCG(15, 10))
	keys := make([]int64, 150)
	vals := make([]int64, len(keys))
	valid := make([]bool, len(keys))
	for i := range keys {
		keys[i], vals[i], valid[i] = r.Int64N(4), r.Int64N(2_000_001)-1_000_000, r.IntN(6) != 0
	}
	text := func(i int) string {
		if i < 0 || !valid[i] {
			return "null"
		}
		return new(big.Rat).SetFrac64(vals[i], 100).FloatString(2)
	}
	var want []string
	for i := range keys {
		prev, next := -1, -1
		for j := i - 1; j >= 0 && prev < 0; j-- {
			if keys[j] == keys[i] {
				prev = j
			}
		}
		for j := i + 1; j < len(keys) && next < 0; j++ {
			if keys[j] == keys[i] {
				next = j
			}
		}
		want = append(want, text(i)+" "+text(prev)+" "+text(next))
	}
	fns, err := ParseFuncs("p = lag(d), n = lead(d)")
	require.NoError(t, err)
	for _, cfg := range configs() {
		for _, maxRows := range []int{1, 1000} {
			t.Run(fmt.Sprintf("%v/batch=%d", cfg, maxRows), func(t *testing.T) {
				mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
				defer mem.AssertSize(t, 0)
				var recs []arrow.RecordBatch
				for lo := 0; lo < len(keys); lo += maxRows {
					b := array.NewRecordBuilder(mem, schema)
					for i := lo; i < min(lo+maxRows, len(keys)); i++ {
						b.Field(0).(*array.Int64Builder).Append(keys[i])
						b.Field(1).(*array.Decimal128Builder).AppendValues([]decimal128.Num{decimal128.FromI64(vals[i])}, valid[i:i+1])
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
				st, out, err := Window([]string{"k"}, fns...).Build(verb.Env{Mem: mem, Workers: cfg.workers}, schema)
				require.NoError(t, err)
				assert.Equal(t, dt.String(), out.Field(2).Type.String())
				var got []string
				sink := pipeline.ToFunc(func(_ context.Context, rec arrow.RecordBatch) error {
					cols := []*array.Decimal128{rec.Column(1).(*array.Decimal128), rec.Column(2).(*array.Decimal128), rec.Column(3).(*array.Decimal128)}
					for i := range int(rec.NumRows()) {
						var s []string
						for _, c := range cols {
							if c.IsNull(i) {
								s = append(s, "null")
							} else {
								s = append(s, new(big.Rat).SetFrac(c.Value(i).BigInt(), big.NewInt(100)).FloatString(2))
							}
						}
						got = append(got, s[0]+" "+s[1]+" "+s[2])
					}
					return nil
				})
				p := pipeline.New(pipeline.FromRecordReader(rr), []pipeline.Stage{st}, sink, pipeline.Config{
					Handoff: sharedmem.Policy{Mode: cfg.mode}, Mem: mem, Unordered: cfg.unordered,
				})
				require.NoError(t, p.Run(context.Background()))
				if cfg.unordered {
					assert.ElementsMatch(t, want, got)
				} else {
					assert.Equal(t, want, got)
				}
			})
		}
	}
	wide := arrow.NewSchema([]arrow.Field{{Name: "k", Type: arrow.PrimitiveTypes.Int64}, {Name: "d", Type: &arrow.Decimal128Type{Precision: 38, Scale: 2}}}, nil)
	_, _, err = Window([]string{"k"}, fns...).Build(verb.Env{Mem: memory.NewGoAllocator(), Workers: 1}, wide)
	assert.ErrorContains(t, err, "window takes decimals of up to 18 digits")
}
