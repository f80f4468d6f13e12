package sketch

import (
	"errors"
	"math"
)

// TDigestState is a TDigest's contents, to carry it to another process:
// its centroids (the merged ones, then the Buffered ones not merged yet),
// and its totals. NewTDigest makes it a digest again.
type TDigestState struct {
	Compression     float64
	Means, Weights  []float64
	Buffered        int
	Total, Min, Max float64
	Count           float64
}

// State returns the digest's contents; t is unchanged.
func (t *TDigest) State() TDigestState {
	s := TDigestState{Compression: t.Compression, Buffered: len(t.buf), Total: t.total, Min: t.min, Max: t.max, Count: t.count}
	for _, cs := range [][]centroid{t.merged, t.buf} {
		for _, c := range cs {
			s.Means = append(s.Means, c.mean)
			s.Weights = append(s.Weights, c.weight)
		}
	}
	return s
}

var errTDigestState = errors.New("sketch: not a t-digest state")

// NewTDigest returns the digest whose State s is: it merges and answers
// quantiles exactly as that digest does. A state that no digest has
// (lengths that differ, a negative or NaN weight) is an error.
func NewTDigest(s TDigestState) (*TDigest, error) {
	n := len(s.Means)
	if len(s.Weights) != n || s.Buffered < 0 || s.Buffered > n || s.Compression < 0 || math.IsNaN(s.Compression) {
		return nil, errTDigestState
	}
	for _, w := range s.Weights {
		if !(w > 0) || math.IsInf(w, 0) {
			return nil, errTDigestState
		}
	}
	t := &TDigest{Compression: s.Compression, total: s.Total, min: s.Min, max: s.Max, count: s.Count}
	bufCap := int(4 * t.compression())
	if s.Buffered >= bufCap && s.Buffered > 0 {
		return nil, errTDigestState
	}
	for i := range n - s.Buffered {
		t.merged = append(t.merged, centroid{s.Means[i], s.Weights[i]})
	}
	if s.Buffered > 0 || s.Count > 0 {
		t.buf = make([]centroid, 0, bufCap)
		for i := n - s.Buffered; i < n; i++ {
			t.buf = append(t.buf, centroid{s.Means[i], s.Weights[i]})
		}
	}
	return t, nil
}
