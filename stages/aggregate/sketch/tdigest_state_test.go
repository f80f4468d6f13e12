package sketch

import (
	"math/rand/v2"
	"testing"
)

// A digest made from another's state answers and merges as that one, bit
// for bit, whether its buffer is empty or not.
func TestTDigestStateRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{0, 1, 10, 799, 800, 5000, 20001} {
		var d, other TDigest
		for range n {
			d.Add(rng.NormFloat64())
			other.Add(rng.ExpFloat64())
		}
		back, err := NewTDigest(d.State())
		if err != nil {
			t.Fatal(err)
		}
		a, b := other, other
		a.merged, b.merged = append([]centroid(nil), other.merged...), append([]centroid(nil), other.merged...)
		a.buf, b.buf = append(make([]centroid, 0, cap(other.buf)), other.buf...), append(make([]centroid, 0, cap(other.buf)), other.buf...)
		a.Merge(&d)
		b.Merge(back)
		for _, q := range []float64{0, 0.01, 0.5, 0.9, 0.999, 1} {
			if x, y := d.Quantile(q), back.Quantile(q); x != y && !(x != x && y != y) {
				t.Fatalf("n=%d q=%v: %v, want %v", n, q, y, x)
			}
			if x, y := a.Quantile(q), b.Quantile(q); x != y && !(x != x && y != y) {
				t.Fatalf("n=%d q=%v merged: %v, want %v", n, q, y, x)
			}
		}
	}
	for _, bad := range []TDigestState{{Means: []float64{1}}, {Means: []float64{1}, Weights: []float64{-1}}, {Buffered: 2}} {
		if _, err := NewTDigest(bad); err == nil {
			t.Errorf("NewTDigest(%+v) accepted", bad)
		}
	}
}
