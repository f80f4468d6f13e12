package sketch

import (
	"slices"
	"testing"
)

// An HLL's state read back estimates and merges as the sketch does,
// sparse or dense.
func TestHLLStateRoundTrip(t *testing.T) {
	for _, n := range []int{0, 1, 100, 5000, 100000} {
		var h, other HLL
		for i := range n {
			h.Add(mix64(uint64(i)))
			other.Add(mix64(uint64(i * 7)))
		}
		var back HLL
		if err := back.SetState(h.AppendState(nil)); err != nil {
			t.Fatal(err)
		}
		if back.Estimate() != h.Estimate() {
			t.Fatalf("n=%d: estimate %v, want %v", n, back.Estimate(), h.Estimate())
		}
		a, b := other, other
		a.sparse, b.sparse = slices.Clone(other.sparse), slices.Clone(other.sparse)
		a.Merge(&h)
		b.Merge(&back)
		if a.Estimate() != b.Estimate() {
			t.Fatalf("n=%d: merged estimate %v, want %v", n, b.Estimate(), a.Estimate())
		}
	}
	var h HLL
	for _, bad := range [][]byte{nil, {2}, {1, 0}, {0, 1, 2, 3}, {0, 0, 0, 0xff, 0xff}} {
		if h.SetState(bad) == nil {
			t.Errorf("SetState(%v) accepted", bad)
		}
	}
}
