package sketch

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
)

// Interpolation near the float limits neither overflows nor loses the
// endpoints (p0 and the median of ±1.79e308 gave NaN and +Inf).
func TestLerpLimits(t *testing.T) {
	const m = math.MaxFloat64
	inf := math.Inf(1)
	for _, tc := range []struct{ a, b, frac, want float64 }{
		{-m, m, 0, -m},
		{-m, m, 0.5, 0},
		{-m, m, 0.75, m / 2},
		{m, m, 0.5, m},
		{-inf, 1, 0.5, -inf},
		{1, inf, 0.5, inf},
		{inf, inf, 0.5, inf},
		{1, 3, 0.5, 2},
		{-m, -m / 2, 1, -m / 2},
	} {
		got := Lerp(tc.a, tc.b, tc.frac)
		if tc.want == 0 || math.IsInf(tc.want, 0) || tc.frac == 0 {
			assert.Equal(t, tc.want, got, "%v", tc)
		} else {
			assert.InEpsilon(t, tc.want, got, 1e-15, "%v", tc)
		}
	}
	assert.True(t, math.IsNaN(Lerp(-inf, inf, 0.5)))
	assert.True(t, math.IsNaN(Lerp(1, math.NaN(), 0.5)))
}

// A t-digest of values at both float limits: its quantiles are finite
// and ordered (centroid means and interpolation used to overflow).
func TestTDigestFloatLimits(t *testing.T) {
	const m = math.MaxFloat64
	var d TDigest
	for i := range 20000 {
		d.Add([]float64{-m, m, -m / 3, m / 3}[i%4])
	}
	assert.Equal(t, -m, d.Quantile(0))
	assert.Equal(t, m, d.Quantile(1))
	prev := -m
	for _, q := range []float64{0.01, 0.25, 0.5, 0.75, 0.99} {
		v := d.Quantile(q)
		assert.False(t, math.IsNaN(v) || math.IsInf(v, 0), "q=%v: %v", q, v)
		assert.GreaterOrEqual(t, v, prev, "q=%v", q)
		prev = v
	}
}
