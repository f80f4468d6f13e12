package aggregate

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
)

// fsum and welford live in three state words each: what to writes,
// From must read back bit for bit (flags in the count word, -0, NaN,
// infinities, subnormals), and three zero words must be the empty state
// that a new group starts with.
func TestStateWordsRoundTrip(t *testing.T) {
	floats := []float64{0, math.Copysign(0, -1), 1.5, -3e300, math.Inf(1), math.Inf(-1), math.NaN(), math.SmallestNonzeroFloat64}
	counts := []uint64{0, 1, 1<<52 + 7, fsumNaN | 3, fsumScaled | fsumPosInf | 9, welfordNaN | 2, welfordScaled | 5}
	bits := func(f float64) uint64 { return math.Float64bits(f) }
	for _, a := range floats {
		for _, b := range floats {
			for _, n := range counts {
				var ws [3]uint64
				s := fsum{sum: a, comp: b, n: n}
				s.to(&ws)
				got := fsumFrom(&ws)
				assert.Equal(t, []uint64{bits(a), bits(b), n}, []uint64{bits(got.sum), bits(got.comp), got.n})

				w := welford{n: n, mean: a, m2: b}
				w.to(&ws)
				gw := welfordFrom(&ws)
				assert.Equal(t, []uint64{n, bits(a), bits(b)}, []uint64{gw.n, bits(gw.mean), bits(gw.m2)})
			}
		}
	}
	var zero [3]uint64
	assert.Equal(t, fsum{}, fsumFrom(&zero))
	assert.Equal(t, welford{}, welfordFrom(&zero))
	assert.False(t, math.Signbit(fsumFrom(&zero).sum), "an empty sum is +0")
}
