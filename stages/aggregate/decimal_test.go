package aggregate

import (
	"cmp"
	"context"
	"fmt"
	"math/big"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

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

var decSchema = arrow.NewSchema([]arrow.Field{
	{Name: "k", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "d", Type: &arrow.Decimal128Type{Precision: 10, Scale: 2}, Nullable: true},
	{Name: "w", Type: &arrow.Decimal128Type{Precision: 38, Scale: 4}, Nullable: true},
}, nil)

// decRow holds unscaled values; nil is null.
type decRow struct {
	k    string
	d, w *int64
}

func randomDecRows(r *rand.Rand, n int) []decRow {
	rows := make([]decRow, n)
	for i := range rows {
		rows[i].k = fmt.Sprint("g", r.IntN(5))
		if r.IntN(8) != 0 {
			d := r.Int64N(4001) - 2000 // few values: ties and repeated groups
			if r.IntN(3) == 0 {
				d = r.Int64N(2_000_000_000) - 1_000_000_000
			}
			rows[i].d = &d
		}
		if r.IntN(8) != 0 {
			w := r.Int64N(1<<62) - 1<<61
			rows[i].w = &w
		}
	}
	return rows
}

func decBatches(t *testing.T, mem memory.Allocator, r *rand.Rand, rows []decRow, maxRows int) []arrow.RecordBatch {
	var out []arrow.RecordBatch
	for len(rows) > 0 {
		n := min(len(rows), 1+r.IntN(maxRows))
		b := array.NewRecordBuilder(mem, decSchema)
		for _, row := range rows[:n] {
			b.Field(0).(*array.StringBuilder).Append(row.k)
			for f, v := range []*int64{row.d, row.w} {
				if v == nil {
					b.Field(1 + f).AppendNull()
				} else {
					b.Field(1 + f).(*array.Decimal128Builder).Append(decimal128.FromI64(*v))
				}
			}
		}
		out = append(out, b.NewRecordBatch())
		b.Release()
		rows = rows[n:]
	}
	return out
}

// decText is unscaled x at scale s as DuckDB prints it.
func decText(x *big.Int, s int) string {
	return new(big.Rat).SetFrac(x, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(s)), nil)).FloatString(s)
}

// cells renders every output row as text: decimals with their scale,
// floats with %.10g.
func cells(t *testing.T, recs []arrow.RecordBatch) [][]string {
	var out [][]string
	for _, rec := range recs {
		for i := range int(rec.NumRows()) {
			var row []string
			for _, c := range rec.Columns() {
				if c.IsNull(i) {
					row = append(row, "null")
					continue
				}
				switch a := c.(type) {
				case *array.Decimal128:
					row = append(row, decText(a.Value(i).BigInt(), int(a.DataType().(*arrow.Decimal128Type).Scale)))
				case *array.Float64:
					row = append(row, fmt.Sprintf("%.10g", a.Value(i)))
				default:
					row = append(row, c.ValueStr(i))
				}
			}
			out = append(out, row)
		}
	}
	return out
}

func optText(v *int64, s int) string {
	if v == nil {
		return "null"
	}
	return decText(big.NewInt(*v), s)
}

// refDecimal computes the verbs of TestDecimalVerbs on rows, by math/big.
func refDecimal(rows []decRow, what string) [][]string {
	var out [][]string
	switch what {
	case "groupby":
		var keys []string
		byKey := map[string][]decRow{}
		for _, r := range rows {
			if _, ok := byKey[r.k]; !ok {
				keys = append(keys, r.k)
			}
			byKey[r.k] = append(byKey[r.k], r)
		}
		for _, k := range keys {
			sum, n := new(big.Int), int64(0)
			var mn, mx, first *int64
			distinct := map[int64]bool{}
			for _, r := range byKey[k] {
				if first == nil && r.d != nil {
					first = r.d
				}
				if r.d != nil {
					sum.Add(sum, big.NewInt(*r.d))
					n++
					distinct[*r.d] = true
				}
				if r.w != nil && (mn == nil || *r.w < *mn) {
					mn = r.w
				}
				if r.w != nil && (mx == nil || *r.w > *mx) {
					mx = r.w
				}
			}
			s, mean := "null", "null"
			if n > 0 {
				s = decText(sum, 2)
				f, _ := new(big.Rat).SetFrac(sum, big.NewInt(100*n)).Float64()
				mean = fmt.Sprintf("%.10g", f)
			}
			out = append(out, []string{k, s, mean, optText(mn, 4), optText(mx, 4), fmt.Sprint(len(distinct)), optText(first, 2)})
		}
	case "sort":
		idx := make([]int, len(rows))
		for i := range idx {
			idx[i] = i
		}
		slices.SortStableFunc(idx, func(a, b int) int {
			x, y := rows[a].d, rows[b].d
			switch {
			case x == nil && y == nil:
				return 0
			case x == nil:
				return 1
			case y == nil:
				return -1
			}
			return cmp.Compare(*y, *x) // desc
		})
		for _, i := range idx {
			out = append(out, []string{rows[i].k, optText(rows[i].d, 2), optText(rows[i].w, 4)})
		}
	case "distinct":
		seen := map[string]bool{}
		for _, r := range rows {
			if s := optText(r.d, 2); !seen[s] {
				seen[s] = true
				out = append(out, []string{r.k, s, optText(r.w, 4)})
			}
		}
	}
	return out
}

// Decimal columns as keys (groupby, sort, distinct), summed exactly into
// decimal(38,s), averaged into float64 and picked (min, max, first,
// count_distinct) in their own type, sort spilling beyond its cap, checked against math/big across
// batches of 1 to 1000 rows, 1 and 4 workers and every handoff mode.
func TestDecimalVerbs(t *testing.T) {
	for _, mode := range []sharedmem.Mode{sharedmem.Shared, sharedmem.Copy, sharedmem.Auto} {
		for _, workers := range []int{1, 4} {
			for _, maxRows := range []int{1, 1000} {
				t.Run(fmt.Sprintf("mode=%v/workers=%d/batch=%d", mode, workers, maxRows), func(t *testing.T) {
					mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
					defer mem.AssertSize(t, 0)
					r := rand.New(rand.NewPCG(15, uint64(workers*maxRows)))
					n := 3000
					if maxRows == 1 {
						n = 120
					}
					rows := randomDecRows(r, n)
					env := verb.Env{Workers: workers, Mem: mem, MaxMemory: 16 << 10, TempDir: t.TempDir()}
					for _, c := range []struct {
						what, verb string
						args       []string
					}{
						{"groupby", "groupby", []string{"k", "sum(d), mean(d), min(w), max(w), count_distinct(d), first(d)"}},
						{"sort", "sort", []string{"d desc"}},
						{"distinct", "distinct", []string{"d"}},
					} {
						src := &recSource{schema: decSchema, recs: decBatches(t, mem, r, rows, maxRows)}
						e := env
						if c.verb != "sort" { // only sort spills: the others fail at the cap
							e.MaxMemory = 0
						}
						st, schema, err := buildVerb(t, e, c.verb, decSchema, c.args...)
						require.NoError(t, err)
						sink := &recSink{}
						p := pipeline.New(src, []pipeline.Stage{st}, sink, pipeline.Config{
							Handoff: sharedmem.Policy{Mode: mode}, Mem: mem, DecodeWorkers: workers, EncodeWorkers: workers,
						})
						require.NoError(t, p.Run(context.Background()), c.what)
						src.release()
						got := cells(t, sink.recs)
						releaseAll(sink.recs)
						if c.what == "groupby" {
							assert.Equal(t, "decimal(38, 2)", schema.Field(1).Type.String())
							assert.Equal(t, "float64", schema.Field(2).Type.String())
							assert.Equal(t, "decimal(38, 4)", schema.Field(3).Type.String())
						}
						require.Equal(t, refDecimal(rows, c.what), got, c.what)
					}
				})
			}
		}
	}
}

// A decimal(38,s) value beyond 18 digits is an error naming the column
// and the row where a verb would read it as a key or aggregate it; in a
// column the verb only carries, it passes.
func TestDecimalWideValues(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rows := []decRow{{k: "a", d: new(int64), w: new(int64)}, {k: "b", d: new(int64), w: new(int64)}}
	for _, c := range []struct {
		verb string
		args []string
		ok   bool
	}{
		{"sort", []string{"w"}, false}, {"sort", []string{"d"}, true},
		{"groupby", []string{"k", "sum(w)"}, false}, {"groupby", []string{"k", "sum(d)"}, true},
		{"distinct", []string{"w"}, false}, {"top", []string{"1", "w"}, false},
	} {
		t.Run(c.verb+"/"+strings.Join(c.args, " "), func(t *testing.T) {
			batches := decBatches(t, mem, rand.New(rand.NewPCG(1, 1)), rows, 1)
			// row 1 of the second batch: w = 2^64 (20 digits)
			wide := array.NewDecimal128Builder(mem, decSchema.Field(2).Type.(*arrow.Decimal128Type))
			wide.Append(decimal128.New(1, 0))
			wcol := wide.NewArray()
			wide.Release()
			old := batches[1]
			batches[1] = array.NewRecordBatch(decSchema, []arrow.Array{old.Column(0), old.Column(1), wcol}, 1)
			old.Release()
			wcol.Release()
			st, _, err := buildVerb(t, verb.Env{Workers: 1, Mem: mem}, c.verb, decSchema, c.args...)
			require.NoError(t, err)
			ctx, cancel := context.WithCancel(context.Background())
			out, err := drive(t, ctx, st, batches, 1, nil)
			releaseAll(out)
			cancel() // a failed run is cancelled: the workers release what they hold
			assert.Eventually(t, func() bool { return mem.CurrentAlloc() == 0 }, 10*time.Second, time.Millisecond)
			if c.ok {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), `column "w": decimal 1844674407370955.1616 at row 1 of the batch has more than 18 digits`)
		})
	}
}
