package aggregate

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A group's t-digest merged into a group with no values is taken as it
// is, as the states' merge and finish take it: its quantiles stay the same
// bit for bit instead of moving with a second compression. The digests
// come from merges themselves, whose centroids a compression can combine.
func TestApproxQuantileMergeIntoEmptyKeepsDigest(t *testing.T) {
	qs := []float64{0.001, 0.01, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99, 0.999}
	for seed := range uint64(24) {
		// Two equal accumulators, as reading a digest compresses it.
		newSrc := func() *approxQuantAcc {
			r := rand.New(rand.NewPCG(seed, 3))
			n := ApproxExactMax + 1 + r.IntN(4*ApproxExactMax)
			a, b := &approxQuantAcc{}, &approxQuantAcc{}
			a.grow(1)
			b.grow(1)
			for range n {
				a.add(0, r.NormFloat64()*10)
				b.add(0, r.ExpFloat64())
			}
			require.NoError(t, a.merge(b, []uint32{0}))
			return a
		}
		ref, src := newSrc(), newSrc()
		dst := &approxQuantAcc{}
		dst.grow(2)
		dst.add(0, 1) // another group with a value
		require.NoError(t, dst.merge(src, []uint32{1}))
		for _, q := range qs {
			want, _ := ref.quantile(0, q)
			got, ok := dst.quantile(1, q)
			assert.True(t, ok)
			assert.Equal(t, want, got, "seed=%d q=%v", seed, q)
		}
	}
}
