package sketch

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// mix64 is the murmur3 finalizer, a stand-in for the stage's value hash.
func mix64(x uint64) uint64 {
	x ^= x >> 33
	x *= 0xff51afd7ed558ccd
	x ^= x >> 33
	x *= 0xc4ceb9fe1a85ec53
	x ^= x >> 33
	return x
}

func TestHLLAccuracy(t *testing.T) {
	for _, n := range []int{0, 1, 10, 1000, 20000, 60000, 1_000_000} {
		t.Run("distinct="+strconv.Itoa(n), func(t *testing.T) {
			var h HLL
			for i := range n {
				h.Add(mix64(uint64(i)))
				h.Add(mix64(uint64(i))) // duplicates change nothing
			}
			got := h.Estimate()
			if n == 0 {
				assert.Zero(t, got)
				return
			}
			// Three standard errors, plus one for rounding at tiny counts.
			assert.InDelta(t, float64(n), got, 3*HLLStdError*float64(n)+1)
		})
	}
}

func TestHLLMergeEqualsSingle(t *testing.T) {
	for _, parts := range []int{2, 3, 8} {
		t.Run("parts="+strconv.Itoa(parts), func(t *testing.T) {
			var whole HLL
			split := make([]HLL, parts)
			for i := range 50000 {
				x := mix64(uint64(i % 30011))
				whole.Add(x)
				split[i%parts].Add(x)
			}
			var merged HLL
			for i := range split {
				merged.Merge(&split[i])
			}
			assert.Equal(t, whole.Estimate(), merged.Estimate())
		})
	}
}

// Values 0..n-1 shuffled: the value v has rank v, so no sort is needed.
func TestTDigestRankErrorUniform(t *testing.T) {
	n := 10_000_000
	if testing.Short() || raceEnabled {
		n = 1_000_000
		t.Logf("short or race run: %d values instead of 10M", n)
	}
	perm := rand.New(rand.NewPCG(1, 2)).Perm(n)
	var d TDigest
	for _, v := range perm {
		d.Add(float64(v))
	}
	require.Equal(t, float64(n), d.Count())
	for _, tc := range []struct {
		q, maxErr float64
	}{
		{0.5, 0.005}, {0.9, 0.002}, {0.95, 0.001}, {0.99, 0.0005}, {0.999, 0.0001}, {0.01, 0.0005},
	} {
		got := d.Quantile(tc.q)
		// Value v has rank v among 0..n-1.
		assert.InDelta(t, tc.q, got/float64(n-1), tc.maxErr, "q=%v got %v", tc.q, got)
	}
	assert.Equal(t, 0.0, d.Quantile(0))
	assert.Equal(t, float64(n-1), d.Quantile(1))
}

func TestTDigestMergedRankErrorSkewed(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	const n = 400_000
	vals := make([]float64, n)
	parts := make([]TDigest, 8)
	for i := range vals {
		vals[i] = r.ExpFloat64() * 100
		parts[i%8].Add(vals[i])
	}
	var d TDigest
	for i := range parts {
		d.Merge(&parts[i])
	}
	slices.Sort(vals)
	for _, q := range []float64{0.5, 0.9, 0.99} {
		got := d.Quantile(q)
		rank, _ := slices.BinarySearch(vals, got)
		assert.InDelta(t, q, float64(rank)/n, 0.005, "q=%v", q)
	}
}

func TestTDigestSmall(t *testing.T) {
	var d TDigest
	assert.True(t, math.IsNaN(d.Quantile(0.5)))
	d.Add(math.NaN())
	assert.True(t, math.IsNaN(d.Quantile(0.5)))
	d.Add(7)
	assert.Equal(t, 7.0, d.Quantile(0.5))
	for _, v := range []float64{1, 2, 3} {
		d.Add(v)
	}
	assert.Equal(t, 1.0, d.Quantile(0))
	assert.Equal(t, 7.0, d.Quantile(1))
}

func BenchmarkTDigestAdd(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 1))
	vals := make([]float64, 1<<16)
	for i := range vals {
		vals[i] = r.NormFloat64()
	}
	var d TDigest
	b.ReportAllocs()
	b.SetBytes(8)
	for i := 0; b.Loop(); i++ {
		d.Add(vals[i&(1<<16-1)])
	}
}

func BenchmarkHLLAdd(b *testing.B) {
	var h HLL
	b.ReportAllocs()
	b.SetBytes(8)
	for i := 0; b.Loop(); i++ {
		h.Add(mix64(uint64(i)))
	}
}
