package aggregate

import (
	"context"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/sharedmem"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// refQuantile is DuckDB's quantile_cont written down: the values sorted
// with NaN after +Inf, position q·(n-1) (in float64), the two values
// around it interpolated exactly (big.Float) and rounded once; between
// -Inf and a finite value -Inf, between -Inf and +Inf or with a NaN NaN.
// tol is the rounding that interpolating in float64 may add.
func refQuantile(fs []float64, q float64) (want, tol float64) {
	s := slices.Clone(fs)
	slices.SortFunc(s, func(a, b float64) int {
		switch {
		case math.IsNaN(a) && math.IsNaN(b):
			return 0
		case math.IsNaN(a):
			return 1
		case math.IsNaN(b):
			return -1
		case a < b:
			return -1
		case a > b:
			return 1
		}
		return 0
	})
	p := q * float64(len(s)-1)
	k := int(math.Floor(p))
	frac := p - math.Floor(p)
	lo := s[k]
	if frac == 0 {
		return lo, 0
	}
	hi := s[k+1]
	switch {
	case math.IsNaN(lo) || math.IsNaN(hi) || math.IsInf(lo, -1) && math.IsInf(hi, 1):
		return math.NaN(), 0
	case lo == hi:
		return lo, 0
	case math.IsInf(lo, -1):
		return lo, 0
	case math.IsInf(hi, 1):
		return hi, 0
	}
	d := new(big.Float).SetPrec(2200).Sub(big.NewFloat(hi), big.NewFloat(lo))
	v := d.Mul(d, big.NewFloat(frac)).Add(d, big.NewFloat(lo))
	want, _ = v.Float64()
	return want, 0x1p-50 * max(math.Abs(lo), math.Abs(hi))
}

// assertQuantile checks got (an output value) against refQuantile of fs;
// no values is null.
func assertQuantile(t *testing.T, fs []float64, q float64, got any, msg string, args ...any) {
	t.Helper()
	if len(fs) == 0 {
		assert.Nil(t, got, append([]any{msg}, args...)...)
		return
	}
	want, tol := refQuantile(fs, q)
	g, ok := got.(float64)
	if !assert.True(t, ok, append([]any{msg + ": got %v"}, append(args, got)...)...) {
		return
	}
	switch {
	case math.IsNaN(want):
		assert.True(t, math.IsNaN(g), append([]any{msg + ": q=%v want NaN got %v"}, append(args, q, g)...)...)
	case tol == 0:
		assert.Equal(t, want, g, append([]any{msg + ": q=%v"}, append(args, q)...)...)
	default:
		assert.InDelta(t, want, g, tol, append([]any{msg + ": q=%v"}, append(args, q)...)...)
	}
}

// quantileData makes n values with duplicates, NaN, ±Inf, ±MaxFloat64,
// -0 and nulls, in groups a, b and c (over 4096 values each, where the
// old estimate took over), plus groups with one value, only NaN, only
// null.
func quantileData(r *rand.Rand, n int) ([]string, []any) {
	keys := []string{"one", "nan", "nan", "null"}
	vals := []any{2.5, math.NaN(), math.NaN(), nil}
	for range n {
		keys = append(keys, []string{"a", "b", "c"}[r.IntN(3)])
		var v any
		switch x := r.IntN(100); {
		case x < 5:
		case x < 6:
			v = math.NaN()
		case x < 7:
			v = []float64{math.Inf(1), math.Inf(-1)}[r.IntN(2)]
		case x < 9:
			v = []float64{math.MaxFloat64, -math.MaxFloat64, math.Copysign(0, -1)}[r.IntN(3)]
		case x < 50:
			v = float64(r.IntN(40))
		default:
			v = r.NormFloat64() * 1e3
		}
		vals = append(vals, v)
	}
	return keys, vals
}

// quantileAggs are the quantiles asked in the tests, as fractions.
var quantileAggs = []float64{0.5, 0, 1, 0.99, 0.25, 0.333, 0.01, 0.5}

const quantileAggList = "median(v), p0(v), p100(v), p99(v), quantile(v, 0.25) as q25, quantile(v, 0.333) as q333, p1(v), p50(v)"

// checkQuantiles compares got (by key) with the reference.
func checkQuantiles(t *testing.T, keys []string, vals []any, got map[string][]any) {
	t.Helper()
	groups := map[string][]float64{}
	for i, k := range keys {
		if _, ok := groups[k]; !ok {
			groups[k] = nil
		}
		if vals[i] != nil {
			groups[k] = append(groups[k], vals[i].(float64))
		}
	}
	require.Len(t, got, len(groups))
	for k, fs := range groups {
		for i, q := range quantileAggs {
			assertQuantile(t, fs, q, got[k][i], "group %s output %d", k, i)
		}
	}
}

// median, pNN and quantile are exact (DuckDB's quantile_cont) at any group
// size, batch size and worker count, spilled or not, and the same
// whether spilled or not.
func TestExactQuantiles(t *testing.T) {
	n := 20000
	if raceEnabled {
		n = 12000
	}
	for _, workers := range []int{1, 4} {
		for _, maxRows := range []int{7, 1000} {
			t.Run(fmt.Sprintf("workers=%d/batch=%d", workers, maxRows), func(t *testing.T) {
				mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
				defer mem.AssertSize(t, 0)
				r := rand.New(rand.NewPCG(uint64(workers), uint64(maxRows)))
				keys, vals := quantileData(r, n)
				f64 := arrow.PrimitiveTypes.Float64
				inMemory, err := runKV(t, verb.Env{Workers: workers, Mem: mem}, f64, quantileAggList,
					kvBatches(t, mem, f64, keys, vals, r, maxRows), r)
				require.NoError(t, err)
				checkQuantiles(t, keys, vals, inMemory)

				// A cap of 64 KiB, under the values' 8 bytes each: half the
				// cap over the workers per run, merged at Finish.
				dir := t.TempDir()
				spilled, err := runKV(t, verb.Env{Workers: workers, Mem: mem, MaxMemory: 64 << 10, TempDir: dir}, f64,
					quantileAggList, kvBatches(t, mem, f64, keys, vals, r, maxRows), r)
				require.NoError(t, err)
				checkQuantiles(t, keys, vals, spilled)
				for k := range inMemory {
					for i := range inMemory[k] {
						a, b := inMemory[k][i], spilled[k][i]
						if af, ok := a.(float64); ok && math.IsNaN(af) {
							assert.True(t, math.IsNaN(b.(float64)))
							continue
						}
						assert.Equal(t, a, b, "group %s output %d: in memory and spilled", k, i)
					}
				}
				assertEmptyDir(t, dir)
			})
		}
	}
}

// The same through the engine, both handoff modes, with spilling.
func TestExactQuantilesInPipeline(t *testing.T) {
	f64 := arrow.PrimitiveTypes.Float64
	for _, mode := range []sharedmem.Mode{sharedmem.Shared, sharedmem.Copy} {
		for _, workers := range []int{1, 4} {
			t.Run(fmt.Sprintf("mode=%v/workers=%d", mode, workers), func(t *testing.T) {
				mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
				defer mem.AssertSize(t, 0)
				r := rand.New(rand.NewPCG(3, uint64(workers)))
				keys, vals := quantileData(r, 8000)
				dir := t.TempDir()
				env := verb.Env{Workers: workers, Mem: mem, MaxMemory: 128 << 10, TempDir: dir}
				st, _, err := buildVerb(t, env, "groupby", kvSchema(f64), "k", quantileAggList)
				require.NoError(t, err)
				src := &recSource{schema: kvSchema(f64), recs: kvBatches(t, mem, f64, keys, vals, r, 300)}
				defer src.release()
				sink := &recSink{}
				p := pipeline.New(src, []pipeline.Stage{st}, sink, pipeline.Config{
					Handoff: sharedmem.Policy{Mode: mode}, Mem: mem, DecodeWorkers: workers, EncodeWorkers: workers,
				})
				require.NoError(t, p.Run(context.Background()))
				defer releaseAll(sink.recs)
				got := map[string][]any{}
				for _, rec := range sink.recs {
					for i := range int(rec.NumRows()) {
						var row []any
						for c := 1; c < int(rec.NumCols()); c++ {
							row = append(row, anyAt(t, rec.Column(c), i))
						}
						got[rec.Column(0).(*array.String).Value(i)] = row
					}
				}
				checkQuantiles(t, keys, vals, got)
				assertEmptyDir(t, dir)
			})
		}
	}
}

// The accumulator alone, with tiny runs and a fan-in of 2, so that Finish
// merges in several passes, and a merge of two spilled workers whose
// group ids differ.
func TestExactQuantileMergePasses(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 4))
	const groups = 5
	dir := t.TempDir()
	sp := &quantSpill{dir: dir, limit: 256, fanIn: 2, paths: map[string]bool{}}
	defer sp.removeAll()
	newAcc := func() *quantAcc {
		a := &quantAcc{qs: quantileAggs, spill: sp}
		a.grow(groups)
		return a
	}
	a, b := newAcc(), newAcc()
	ref := make([][]float64, groups)
	for i := range 3000 {
		g := uint32(r.IntN(groups))
		x := float64(r.IntN(100)) - 50
		if i%97 == 0 {
			x = math.NaN()
		}
		ref[g] = append(ref[g], x)
		// b numbers group g as groups-1-g.
		acc, id := a, g
		if r.IntN(2) == 0 {
			acc, id = b, groups-1-g
		}
		if x != x {
			acc.nans[id]++
		} else {
			acc.push(id, x)
		}
		require.NoError(t, acc.maybeSpill())
	}
	require.Greater(t, len(a.runs), 4)
	require.Greater(t, len(b.runs), 4)
	require.NoError(t, a.merge(b, []uint32{4, 3, 2, 1, 0}))
	require.NoError(t, a.finish())
	for g := range uint32(groups) {
		for qi, q := range quantileAggs {
			v, ok := a.result(g, qi)
			require.True(t, ok)
			assertQuantile(t, ref[g], q, v, "group %d", g)
		}
	}
	assertEmptyDir(t, dir)
}

func TestSelectRank(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 5))
	for _, n := range []int{1, 2, 3, 10, 100, 5000} {
		for _, distinct := range []int{1, 3, 1 << 30} {
			v := make([]float64, n)
			for i := range v {
				v[i] = float64(r.IntN(distinct))
			}
			sorted := slices.Sorted(slices.Values(v))
			for range 5 {
				k := r.IntN(n)
				w := slices.Clone(v)
				selectRank(w, k)
				require.Equal(t, sorted[k], w[k], "n=%d distinct=%d k=%d", n, distinct, k)
				for i := range w {
					require.True(t, i < k && w[i] <= w[k] || i >= k && w[i] >= w[k], "partitioned at %d", i)
				}
			}
		}
	}
	// Sorted and reversed inputs (a naive pivot's worst cases).
	for _, v := range [][]float64{slices.Sorted(slices.Values([]float64{5, 1, 4, 2, 3, 9, 8, 7, 6, 0})), {9, 8, 7, 6, 5, 4, 3, 2, 1, 0}} {
		for k := range v {
			w := slices.Clone(v)
			selectRank(w, k)
			assert.Equal(t, float64(k), w[k])
		}
	}
}

// The estimates have their own names (DuckDB's), in the list of functions
// that --help prints and the suggestions draw on, and stay estimates:
// within the t-digest's rank error past ApproxExactMax values a group.
func TestApproxQuantileNames(t *testing.T) {
	for _, f := range []string{"approx_median(col)", "approx_pNN(col)", "approx_quantile(col, q)"} {
		assert.Contains(t, Functions(), f)
	}
	_, err := parseAggs("approx_medain(v)")
	assert.ErrorContains(t, err, `did you mean "approx_median"?`)
	_, err = parseAggs("approx_p101(v)")
	assert.ErrorContains(t, err, "over 100")
	_, err = parseAggs("approx_quantile(v)")
	assert.ErrorContains(t, err, "approx_quantile takes a column and a fraction")

	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	f64 := arrow.PrimitiveTypes.Float64
	const n = 50000
	r := rand.New(rand.NewPCG(6, 6))
	keys := make([]string, n)
	vals := make([]any, n)
	for i, v := range r.Perm(n) {
		keys[i], vals[i] = "g", float64(v)
	}
	st, schema, err := buildVerb(t, verb.Env{Workers: 4, Mem: mem}, "groupby", kvSchema(f64), "k",
		"approx_median(v), approx_p90(v), approx_quantile(v, 0.25), median(v)")
	require.NoError(t, err)
	var names []string
	for _, f := range schema.Fields() {
		names = append(names, f.Name)
	}
	assert.Equal(t, "k approx_median_v approx_p90_v approx_p25_v median_v", strings.Join(names, " "))
	out, err := drive(t, context.Background(), st, kvBatches(t, mem, f64, keys, vals, r, 4000), 4, r)
	require.NoError(t, err)
	defer releaseAll(out)
	require.Len(t, out, 1)
	rec := out[0]
	for c, q := range []float64{0.5, 0.9, 0.25} {
		assert.InDelta(t, q*n, anyAt(t, rec.Column(c+1), 0).(float64), 0.005*n)
	}
	assert.Equal(t, (n-1)/2.0, anyAt(t, rec.Column(4), 0))
}

// A cancelled run removes the runs already spilled.
func TestQuantileSpillCancelled(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	f64 := arrow.PrimitiveTypes.Float64
	dir := t.TempDir()
	r := rand.New(rand.NewPCG(7, 7))
	keys, vals := quantileData(r, 30000)
	st, _, err := buildVerb(t, verb.Env{Workers: 1, Mem: mem, MaxMemory: 64 << 10, TempDir: dir}, "groupby", kvSchema(f64), "k", "median(v)")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	w := st.NewWorker()
	for _, rec := range kvBatches(t, mem, f64, keys, vals, r, 1000) {
		_, err := w.Process(ctx, 0, rec)
		require.NoError(t, err)
	}
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.NotEmpty(t, entries, "spilled")
	cancel()
	require.Eventually(t, func() bool {
		entries, err := os.ReadDir(dir)
		return err == nil && len(entries) == 0
	}, 10e9, 10e6)
}

// A merge at Finish stops once the run is cancelled (the spill removed)
// rather than reading its runs to the end.
func TestExactQuantileMergeAborted(t *testing.T) {
	dir := t.TempDir()
	sp := &quantSpill{dir: dir, limit: 64, fanIn: 64, paths: map[string]bool{}}
	a := &quantAcc{qs: []float64{0.5}, spill: sp}
	a.grow(1)
	for i := range 100 {
		a.push(0, float64(i))
		require.NoError(t, a.maybeSpill())
	}
	require.NotEmpty(t, a.runs)
	sp.removeAll()
	require.ErrorIs(t, a.finish(), errAborted)
	assertEmptyDir(t, dir)
}

// -0 and 0 are one value to the quantiles, so the sign of a zero result
// does not depend on the order the values came in.
func TestExactQuantileSignedZero(t *testing.T) {
	negZero := math.Copysign(0, -1)
	for _, vals := range [][]float64{{negZero, 0, 0}, {0, negZero, 0}, {0, 0, negZero}} {
		a := &quantAcc{qs: []float64{0, 0.5, 1}}
		a.grow(1)
		for _, x := range vals {
			a.push(0, x)
		}
		require.NoError(t, a.finish())
		for qi := range 3 {
			v, ok := a.result(0, qi)
			require.True(t, ok)
			assert.False(t, math.Signbit(v), "%v q%d", vals, qi)
		}
	}
}
