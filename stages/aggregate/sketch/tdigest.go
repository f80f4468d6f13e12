package sketch

import (
	"cmp"
	"math"
	"slices"
)

// DefaultCompression is the t-digest compression used when TDigest's
// Compression is 0: about 300 centroids, 5 KiB merged.
const DefaultCompression = 200

// TDigest is a merging t-digest: a sorted list of weighted centroids, small
// at both tails and large in the middle, that estimates quantiles of a
// stream of float64 values. Adds go to a buffer that is merged into the
// centroids when full (every 4×Compression adds), so Add costs an amortized
// sort of the buffer, ~100 ns. NaN inputs are ignored.
type TDigest struct {
	// Compression bounds the number of centroids; 0 means
	// DefaultCompression. Set it before the first Add.
	Compression float64

	merged   []centroid // sorted by mean
	buf      []centroid // not yet merged
	total    float64    // weight of merged
	min, max float64
	count    float64 // weight of merged and buf
}

type centroid struct {
	mean, weight float64
}

func (t *TDigest) compression() float64 {
	if t.Compression <= 0 {
		return DefaultCompression
	}
	return t.Compression
}

// Add records one value.
func (t *TDigest) Add(v float64) {
	if v != v {
		return
	}
	t.add(centroid{v, 1}, v, v)
}

func (t *TDigest) add(c centroid, lo, hi float64) {
	if t.count == 0 {
		t.min, t.max = lo, hi
	} else {
		t.min, t.max = math.Min(t.min, lo), math.Max(t.max, hi)
	}
	t.count += c.weight
	if t.buf == nil {
		t.buf = make([]centroid, 0, int(4*t.compression()))
	}
	t.buf = append(t.buf, c)
	if len(t.buf) == cap(t.buf) {
		t.flush()
	}
}

// Merge adds the values that other has seen. other is unchanged.
func (t *TDigest) Merge(other *TDigest) {
	if other.count == 0 {
		return
	}
	lo, hi := other.min, other.max
	for _, c := range other.merged {
		t.add(c, lo, hi)
	}
	for _, c := range other.buf {
		t.add(c, lo, hi)
	}
}

// Count is the number of values added.
func (t *TDigest) Count() float64 { return t.count }

// Bytes is the memory the sketch holds, for accounting.
func (t *TDigest) Bytes() int {
	return (cap(t.merged) + cap(t.buf)) * 16
}

// flush merges the buffer into the centroids, keeping each centroid's
// weight under the arcsine (k1) scale limit: q(k(q_left)+1) of the total.
func (t *TDigest) flush() {
	if len(t.buf) == 0 {
		return
	}
	all := append(t.merged, t.buf...)
	t.buf = t.buf[:0]
	slices.SortStableFunc(all, func(a, b centroid) int { return cmp.Compare(a.mean, b.mean) })
	total := 0.0
	for _, c := range all {
		total += c.weight
	}
	norm := t.compression() / (2 * math.Pi)
	limit := func(wSoFar float64) float64 {
		k := norm*math.Asin(2*wSoFar/total-1) + 1
		if k/norm >= math.Pi/2 {
			return total
		}
		return total * (math.Sin(k/norm) + 1) / 2
	}
	out := all[:1]
	wSoFar := 0.0
	wLimit := limit(0)
	for _, c := range all[1:] {
		cur := &out[len(out)-1]
		proposed := cur.weight + c.weight
		if wSoFar+proposed <= wLimit {
			cur.mean = Lerp(cur.mean, c.mean, c.weight/proposed)
			cur.weight = proposed
			continue
		}
		wSoFar += cur.weight
		wLimit = limit(wSoFar)
		out = append(out, c)
	}
	t.merged = out
	t.total = total
}

// Quantile returns the estimated q-quantile (0 ≤ q ≤ 1) of the values
// added, interpolating between centroid centres; NaN when empty. It merges
// the buffer first, so it is not a read-only call.
func (t *TDigest) Quantile(q float64) float64 {
	t.flush()
	n := len(t.merged)
	if n == 0 {
		return math.NaN()
	}
	if q <= 0 {
		return t.min
	}
	if q >= 1 {
		return t.max
	}
	if n == 1 {
		return t.merged[0].mean
	}
	rank := q * t.total
	first := t.merged[0]
	if rank < first.weight/2 {
		if first.weight == 1 {
			return t.min
		}
		return Lerp(t.min, first.mean, rank/(first.weight/2))
	}
	last := t.merged[n-1]
	if rank > t.total-last.weight/2 {
		if last.weight == 1 {
			return t.max
		}
		return Lerp(last.mean, t.max, (rank-(t.total-last.weight/2))/(last.weight/2))
	}
	cum := 0.0
	for i := 0; i < n-1; i++ {
		a, b := t.merged[i], t.merged[i+1]
		ca := cum + a.weight/2
		cb := cum + a.weight + b.weight/2
		if rank <= cb {
			// Singletons stand for exactly one value: no interpolation
			// across the half-unit of rank that belongs to them.
			if a.weight == 1 && rank-ca < 0.5 {
				return a.mean
			}
			if b.weight == 1 && cb-rank <= 0.5 {
				return b.mean
			}
			return Lerp(a.mean, b.mean, (rank-ca)/(cb-ca))
		}
		cum += a.weight
	}
	return last.mean
}
