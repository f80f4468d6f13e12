package aggregate

import (
	"context"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// kvSchema is a string key k and a nullable value column v of type dt.
func kvSchema(dt arrow.DataType) *arrow.Schema {
	return arrow.NewSchema([]arrow.Field{
		{Name: "k", Type: arrow.BinaryTypes.String},
		{Name: "v", Type: dt, Nullable: true},
	}, nil)
}

// kvBatches builds batches of (keys[i], vals[i]) (a nil value is null) of
// random sizes from 1 to maxRows.
func kvBatches(t testing.TB, mem memory.Allocator, dt arrow.DataType, keys []string, vals []any, r *rand.Rand, maxRows int) []arrow.RecordBatch {
	schema := kvSchema(dt)
	var out []arrow.RecordBatch
	for lo := 0; lo < len(vals); {
		hi := min(lo+1+r.IntN(maxRows), len(vals))
		b := array.NewRecordBuilder(mem, schema)
		for i := lo; i < hi; i++ {
			b.Field(0).(*array.StringBuilder).Append(keys[i])
			appendAny(t, b.Field(1), vals[i])
		}
		out = append(out, b.NewRecordBatch())
		b.Release()
		lo = hi
	}
	return out
}

func appendAny(t testing.TB, fb array.Builder, v any) {
	if v == nil {
		fb.AppendNull()
		return
	}
	switch fb := fb.(type) {
	case *array.Int8Builder:
		fb.Append(v.(int8))
	case *array.Int16Builder:
		fb.Append(v.(int16))
	case *array.Int32Builder:
		fb.Append(v.(int32))
	case *array.Int64Builder:
		fb.Append(v.(int64))
	case *array.Uint8Builder:
		fb.Append(v.(uint8))
	case *array.Uint16Builder:
		fb.Append(v.(uint16))
	case *array.Uint32Builder:
		fb.Append(v.(uint32))
	case *array.Uint64Builder:
		fb.Append(v.(uint64))
	case *array.Float64Builder:
		fb.Append(v.(float64))
	default:
		t.Fatalf("appendAny: %T", fb)
	}
}

// anyAt reads value i of an output column as a Go value, nil for null.
func anyAt(t testing.TB, col arrow.Array, i int) any {
	if col.IsNull(i) {
		return nil
	}
	switch a := col.(type) {
	case *array.String:
		return a.Value(i)
	case *array.Int8:
		return a.Value(i)
	case *array.Int16:
		return a.Value(i)
	case *array.Int32:
		return a.Value(i)
	case *array.Int64:
		return a.Value(i)
	case *array.Uint8:
		return a.Value(i)
	case *array.Uint16:
		return a.Value(i)
	case *array.Uint32:
		return a.Value(i)
	case *array.Uint64:
		return a.Value(i)
	case *array.Float64:
		return a.Value(i)
	}
	t.Fatalf("anyAt: %T", col)
	return nil
}

// runKV runs groupby k AGGS over batches on workers workers and returns
// the output rows by key (the aggregates only).
func runKV(t testing.TB, env verb.Env, dt arrow.DataType, aggs string, batches []arrow.RecordBatch, r *rand.Rand) (map[string][]any, error) {
	st, _, err := buildVerb(t, env, "groupby", kvSchema(dt), "k", aggs)
	require.NoError(t, err)
	out, err := drive(t, context.Background(), st, batches, env.Workers, r)
	if err != nil {
		return nil, err
	}
	defer releaseAll(out)
	got := map[string][]any{}
	for _, rec := range out {
		for i := range int(rec.NumRows()) {
			var vals []any
			for c := 1; c < int(rec.NumCols()); c++ {
				vals = append(vals, anyAt(t, rec.Column(c), i))
			}
			got[rec.Column(0).(*array.String).Value(i)] = vals
		}
	}
	return got, nil
}

// bigOf returns an integer Go value as a big.Int.
func bigOf(v any) *big.Int {
	switch v := v.(type) {
	case int8:
		return big.NewInt(int64(v))
	case int16:
		return big.NewInt(int64(v))
	case int32:
		return big.NewInt(int64(v))
	case int64:
		return big.NewInt(v)
	case uint8:
		return new(big.Int).SetUint64(uint64(v))
	case uint16:
		return new(big.Int).SetUint64(uint64(v))
	case uint32:
		return new(big.Int).SetUint64(uint64(v))
	case uint64:
		return new(big.Int).SetUint64(v)
	}
	panic(fmt.Sprintf("bigOf %T", v))
}

// Integer sums are exact and the same for any order of the rows, batch
// size and worker count: partial sums that overflow int64 do not matter
// when the total fits (DuckDB sums into 128 bits). Reference: big.Int.
func TestSumIntOrderIndependent(t *testing.T) {
	const maxI, minI = math.MaxInt64, math.MinInt64
	base := []any{int64(1), int64(maxI), int64(-1), nil, int64(maxI), int64(minI), int64(minI), int64(5), int64(maxI - 3), int64(-maxI)}
	for _, workers := range []int{1, 4} {
		for _, maxRows := range []int{1, 3, 1000} {
			t.Run(fmt.Sprintf("workers=%d/batch=%d", workers, maxRows), func(t *testing.T) {
				mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
				defer mem.AssertSize(t, 0)
				r := rand.New(rand.NewPCG(uint64(workers), uint64(maxRows)))
				var first map[string][]any
				for range 5 {
					// Two groups with the same multiset of values, shuffled.
					var keys []string
					var vals []any
					for _, k := range []string{"a", "b"} {
						for _, v := range base {
							keys, vals = append(keys, k), append(vals, v)
						}
					}
					r.Shuffle(len(vals), func(i, j int) { keys[i], keys[j] = keys[j], keys[i]; vals[i], vals[j] = vals[j], vals[i] })
					got, err := runKV(t, verb.Env{Workers: workers, Mem: mem}, arrow.PrimitiveTypes.Int64,
						"sum(v), mean(v), count(v)", kvBatches(t, mem, arrow.PrimitiveTypes.Int64, keys, vals, r, maxRows), r)
					require.NoError(t, err)
					want := new(big.Int)
					n := 0
					for _, v := range base {
						if v != nil {
							want.Add(want, bigOf(v))
							n++
						}
					}
					require.True(t, want.IsInt64())
					wantMean, _ := new(big.Float).Quo(new(big.Float).SetInt(want), big.NewFloat(float64(n))).Float64()
					for _, k := range []string{"a", "b"} {
						assert.Equal(t, []any{want.Int64(), wantMean, int64(n)}, got[k], "group %s", k)
					}
					if first == nil {
						first = got
					}
					assert.Equal(t, first, got, "same answer for every order")
				}
			})
		}
	}
}

// A total that does not fit the output is an error naming the aggregate
// and the group, whatever the order; it fits once the rest cancels it.
func TestSumIntOutOfRange(t *testing.T) {
	for _, workers := range []int{1, 4} {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		r := rand.New(rand.NewPCG(1, uint64(workers)))
		keys := []string{"ok", "big", "big", "ok", "ok", "big"}
		vals := []any{int64(math.MaxInt64), int64(math.MaxInt64), int64(1), int64(1), int64(-2), int64(0)}
		_, err := runKV(t, verb.Env{Workers: workers, Mem: mem}, arrow.PrimitiveTypes.Int64, "sum(v)",
			kvBatches(t, mem, arrow.PrimitiveTypes.Int64, keys, vals, r, 2), r)
		require.Error(t, err)
		assert.Contains(t, err.Error(), `groupby: sum(v) of group k="big": the total 9223372036854775808 is outside the int64 range`)
		mem.AssertSize(t, 0)
	}
}

// uint64 columns aggregate as unsigned (sum into 128 bits, output
// uint64), and every other integer width gives the exact answer too.
// References: big.Int sums and means, min/max by value, the exact
// quantile of the float64 values.
func TestIntegerWidths(t *testing.T) {
	const n = 3000
	types := []struct {
		dt  arrow.DataType
		gen func(r *rand.Rand) any
	}{
		{arrow.PrimitiveTypes.Int8, func(r *rand.Rand) any { return int8(r.IntN(256) - 128) }},
		{arrow.PrimitiveTypes.Int16, func(r *rand.Rand) any { return int16(r.IntN(1<<16) - 1<<15) }},
		{arrow.PrimitiveTypes.Int32, func(r *rand.Rand) any { return int32(r.Uint32()) }},
		{arrow.PrimitiveTypes.Int64, func(r *rand.Rand) any {
			return []int64{math.MaxInt64, math.MinInt64, int64(r.Uint64()) >> 2}[r.IntN(3)]
		}},
		{arrow.PrimitiveTypes.Uint8, func(r *rand.Rand) any { return uint8(r.Uint32()) }},
		{arrow.PrimitiveTypes.Uint16, func(r *rand.Rand) any { return uint16(r.Uint32()) }},
		{arrow.PrimitiveTypes.Uint32, func(r *rand.Rand) any { return r.Uint32() }},
		{arrow.PrimitiveTypes.Uint64, func(r *rand.Rand) any { return math.MaxUint64 - uint64(r.IntN(1000)) }},
	}
	for _, tc := range types {
		for _, workers := range []int{1, 4} {
			t.Run(fmt.Sprintf("type=%s/workers=%d", tc.dt, workers), func(t *testing.T) {
				mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
				defer mem.AssertSize(t, 0)
				r := rand.New(rand.NewPCG(uint64(tc.dt.ID()), uint64(workers)))
				keys := make([]string, n)
				vals := make([]any, n)
				for i := range vals {
					// Group "one" has a single value, so that the uint64 sum fits.
					keys[i] = []string{"a", "b", "c"}[r.IntN(3)]
					if r.IntN(10) > 0 || i == 7 {
						vals[i] = tc.gen(r)
					}
					if i == 7 {
						keys[i] = "one"
					}
				}
				got, err := runKV(t, verb.Env{Workers: workers, Mem: mem}, tc.dt,
					"min(v), max(v), mean(v), median(v), count_distinct(v), sum(v)",
					kvBatches(t, mem, tc.dt, keys, vals, r, 500), r)
				if tc.dt.ID() == arrow.UINT64 || tc.dt.ID() == arrow.INT64 {
					// Several values near 2^64-1 (or many ±2^63) do not fit.
					require.ErrorContains(t, err, "is outside the")
					got, err = runKV(t, verb.Env{Workers: workers, Mem: mem}, tc.dt,
						"min(v), max(v), mean(v), median(v), count_distinct(v)",
						kvBatches(t, mem, tc.dt, keys, vals, r, 500), r)
				}
				require.NoError(t, err)
				groups := map[string][]any{}
				for i, k := range keys {
					if vals[i] != nil {
						groups[k] = append(groups[k], vals[i])
					} else if _, ok := groups[k]; !ok {
						groups[k] = nil
					}
				}
				for k, vs := range groups {
					g := got[k]
					require.NotNil(t, g, "group %s", k)
					sum := new(big.Int)
					minV, maxV := vs[0], vs[0]
					fs := make([]float64, len(vs))
					distinct := map[any]bool{}
					for i, v := range vs {
						b := bigOf(v)
						sum.Add(sum, b)
						if b.Cmp(bigOf(minV)) < 0 {
							minV = v
						}
						if b.Cmp(bigOf(maxV)) > 0 {
							maxV = v
						}
						fs[i], _ = new(big.Float).SetInt(b).Float64()
						distinct[v] = true
					}
					assert.Equal(t, minV, g[0], "min of %s", k)
					assert.Equal(t, maxV, g[1], "max of %s", k)
					mean, _ := new(big.Float).SetPrec(200).Quo(new(big.Float).SetPrec(200).SetInt(sum), big.NewFloat(float64(len(vs)))).Float64()
					assertFloatAny(t, mean, g[2], "mean of %s", k)
					assertQuantile(t, fs, 0.5, g[3], "median of %s", k)
					assert.Equal(t, int64(len(distinct)), g[4], "count_distinct of %s", k)
					if len(g) > 5 {
						switch tc.dt.ID() {
						case arrow.UINT64:
							assert.Equal(t, sum.Uint64(), g[5], "sum of %s", k)
						default:
							assert.Equal(t, sum.Int64(), g[5], "sum of %s", k)
						}
					}
				}
			})
		}
	}
	// The uint64 output of a sum that fits: 2^64-1 as one value and as
	// a sum of two.
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	r := rand.New(rand.NewPCG(1, 1))
	got, err := runKV(t, verb.Env{Workers: 2, Mem: mem}, arrow.PrimitiveTypes.Uint64, "sum(v), max(v), mean(v)",
		kvBatches(t, mem, arrow.PrimitiveTypes.Uint64, []string{"a", "b", "b"}, []any{uint64(math.MaxUint64), uint64(1 << 63), uint64(1<<63 - 1)}, r, 1), r)
	require.NoError(t, err)
	assert.Equal(t, []any{uint64(math.MaxUint64), uint64(math.MaxUint64), 0x1p64}, got["a"])
	assert.Equal(t, []any{uint64(math.MaxUint64), uint64(1 << 63), 0x1p63}, got["b"])
}

// float sum, mean, var and stddev follow IEEE 754 on the exact values
// (and DuckDB's var_samp: null under two values), for every order.
func TestFloatSpecials(t *testing.T) {
	inf, nan := math.Inf(1), math.NaN()
	const big = 1.7e308
	for _, tc := range []struct {
		name                 string
		vals                 []any
		sum, mean, vr, stdev any
	}{
		{"overflow", []any{big, big}, inf, big, 0.0, 0.0},
		// var: mean big/3, squared deviations 24/9·big² over 2; stddev 1.15·big.
		{"overflow then back", []any{big, big, -big}, big, big / 3, inf, inf},
		{"both infinities", []any{inf, -inf, 1.0}, nan, nan, nan, nan},
		{"infinity", []any{-inf, 1.0, big, big}, -inf, -inf, nan, nan},
		{"nan", []any{1.0, nan, nil}, nan, nan, nan, nan},
		{"one value", []any{3.0, nil}, 3.0, 3.0, nil, nil},
		{"all null", []any{nil, nil}, nil, nil, nil, nil},
		{"huge spread", []any{1e308, -1e308}, 0.0, 0.0, inf, math.Sqrt2 * 1e308},
	} {
		for _, workers := range []int{1, 4} {
			t.Run(fmt.Sprintf("%s/workers=%d", tc.name, workers), func(t *testing.T) {
				mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
				defer mem.AssertSize(t, 0)
				r := rand.New(rand.NewPCG(2, uint64(workers)))
				for range 6 {
					vals := append([]any(nil), tc.vals...)
					r.Shuffle(len(vals), func(i, j int) { vals[i], vals[j] = vals[j], vals[i] })
					keys := make([]string, len(vals))
					for i := range keys {
						keys[i] = "g"
					}
					got, err := runKV(t, verb.Env{Workers: workers, Mem: mem}, arrow.PrimitiveTypes.Float64,
						"sum(v), mean(v), var(v), stddev(v)", kvBatches(t, mem, arrow.PrimitiveTypes.Float64, keys, vals, r, 1), r)
					require.NoError(t, err)
					g := got["g"]
					for i, want := range []any{tc.sum, tc.mean, tc.vr, tc.stdev} {
						assertFloatAny(t, want, g[i], "%s: output %d of %v", tc.name, i, vals)
					}
				}
			})
		}
	}
}

// refStddev is the sample standard deviation computed in big.Float.
func refStddev(fs []float64) float64 {
	const prec = 2000
	sum := new(big.Float).SetPrec(prec)
	for _, f := range fs {
		sum.Add(sum, big.NewFloat(f))
	}
	mean := new(big.Float).SetPrec(prec).Quo(sum, big.NewFloat(float64(len(fs))))
	ss := new(big.Float).SetPrec(prec)
	for _, f := range fs {
		d := new(big.Float).SetPrec(prec).Sub(big.NewFloat(f), mean)
		ss.Add(ss, d.Mul(d, d))
	}
	v := ss.Quo(ss, big.NewFloat(float64(len(fs)-1)))
	f, _ := v.Sqrt(v).Float64()
	return f
}

// assertFloatAny compares float outputs: NaN with NaN, infinities and 0
// exactly, the rest to 12 digits.
func assertFloatAny(t *testing.T, want, got any, msg string, args ...any) {
	t.Helper()
	if want == nil || got == nil {
		assert.Equal(t, want, got, append([]any{msg}, args...)...)
		return
	}
	w, g := want.(float64), got.(float64)
	switch {
	case math.IsNaN(w):
		assert.True(t, math.IsNaN(g), append([]any{msg + ": want NaN, got %v"}, append(args, g)...)...)
	case math.IsInf(w, 0) || w == 0:
		assert.Equal(t, w, g, append([]any{msg}, args...)...)
	default:
		assert.InEpsilon(t, w, g, 1e-12, append([]any{msg}, args...)...)
	}
}

// var and stddev on random data of every magnitude, with a big.Float
// reference: never negative, and within rounding of the exact value
// (+Inf only when the exact variance overflows).
func TestVarianceRandom(t *testing.T) {
	for _, workers := range []int{1, 4} {
		t.Run(fmt.Sprintf("workers=%d", workers), func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			r := rand.New(rand.NewPCG(9, uint64(workers)))
			scales := map[string]float64{"tiny": 1e-100, "unit": 1, "e150": 1e150, "e200": 1e200, "e307": 1e307}
			var keys []string
			var vals []any
			for range 4000 {
				k := []string{"tiny", "unit", "e150", "e200", "e307"}[r.IntN(5)]
				keys = append(keys, k)
				vals = append(vals, (r.Float64()*2-1)*scales[k]+scales[k]/2)
			}
			got, err := runKV(t, verb.Env{Workers: workers, Mem: mem}, arrow.PrimitiveTypes.Float64,
				"var(v), stddev(v), sum(v), mean(v)", kvBatches(t, mem, arrow.PrimitiveTypes.Float64, keys, vals, r, 300), r)
			require.NoError(t, err)
			for k := range scales {
				var fs []float64
				for i, key := range keys {
					if key == k {
						fs = append(fs, vals[i].(float64))
					}
				}
				std := refStddev(fs)
				g := got[k]
				assert.InEpsilon(t, std, g[1], 1e-9, "stddev of %s", k)
				v := g[0].(float64)
				assert.GreaterOrEqual(t, v, 0.0)
				if std > 1e154 {
					assert.Equal(t, math.Inf(1), v, "var of %s overflows", k)
				} else {
					assert.InEpsilon(t, std*std, v, 1e-9, "var of %s", k)
				}
				sum := new(big.Float).SetPrec(2000)
				for _, f := range fs {
					sum.Add(sum, big.NewFloat(f))
				}
				wantSum, _ := sum.Float64()
				assertFloatAny(t, wantSum, g[2], "sum of %s", k)
				wantMean, _ := sum.Quo(sum, big.NewFloat(float64(len(fs)))).Float64()
				assertFloatAny(t, wantMean, g[3], "mean of %s", k)
			}
		})
	}
}

// A uint64 group key keeps its values: 2^64-1 and 2^63 are keys of their
// own, output as uint64, in order of first appearance, with one and four
// workers, alone and beside a string key.
func TestUint64Keys(t *testing.T) {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "u", Type: arrow.PrimitiveTypes.Uint64, Nullable: true},
		{Name: "s", Type: arrow.BinaryTypes.String},
	}, nil)
	keys := []any{uint64(math.MaxUint64), uint64(1), nil, uint64(math.MaxUint64), uint64(1 << 63), uint64(1), uint64(math.MaxUint64 - 1)}
	for _, workers := range []int{1, 4} {
		for _, by := range []string{"u", "u,s"} {
			t.Run(fmt.Sprintf("keys=%s/workers=%d", by, workers), func(t *testing.T) {
				mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
				defer mem.AssertSize(t, 0)
				var batches []arrow.RecordBatch
				for _, k := range keys {
					b := array.NewRecordBuilder(mem, schema)
					appendAny(t, b.Field(0), k)
					b.Field(1).(*array.StringBuilder).Append("x")
					batches = append(batches, b.NewRecordBatch())
					b.Release()
				}
				st, _, err := buildVerb(t, verb.Env{Workers: workers, Mem: mem}, "groupby", schema, by, "count() as n, max(u)")
				require.NoError(t, err)
				out, err := drive(t, context.Background(), st, batches, workers, rand.New(rand.NewPCG(1, uint64(workers))))
				require.NoError(t, err)
				defer releaseAll(out)
				var got [][]any
				for _, rec := range out {
					for i := range int(rec.NumRows()) {
						var row []any
						for _, c := range rec.Columns() {
							if c.DataType().ID() != arrow.STRING {
								row = append(row, anyAt(t, c, i))
							}
						}
						got = append(got, row)
					}
				}
				assert.Equal(t, [][]any{
					{uint64(math.MaxUint64), int64(2), uint64(math.MaxUint64)},
					{uint64(1), int64(2), uint64(1)},
					{nil, int64(1), nil},
					{uint64(1 << 63), int64(1), uint64(1 << 63)},
					{uint64(math.MaxUint64 - 1), int64(1), uint64(math.MaxUint64 - 1)},
				}, got)
			})
		}
	}
}
