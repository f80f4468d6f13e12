package aggregate

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// radixSort must equal a stable comparison sort, for keys that vary in
// every byte, in a few bytes only (skipped passes) and not at all.
func TestRadixSortStable(t *testing.T) {
	gens := map[string]func(r *rand.Rand) uint64{
		"full":     func(r *rand.Rand) uint64 { return r.Uint64() },
		"few":      func(r *rand.Rand) uint64 { return uint64(r.IntN(8)) << 40 },
		"high":     func(r *rand.Rand) uint64 { return r.Uint64() &^ (1<<56 - 1) },
		"constant": func(*rand.Rand) uint64 { return 42 },
	}
	for name, gen := range gens {
		for _, n := range []int{0, 1, 2, 1000, 70_000} {
			t.Run(fmt.Sprintf("keys=%s/n=%d", name, n), func(t *testing.T) {
				r := rand.New(rand.NewPCG(uint64(n), 9))
				es := make([]radixEntry, n)
				for i := range es {
					es[i] = radixEntry{gen(r), uint32(i)}
				}
				want := slices.Clone(es)
				slices.SortStableFunc(want, func(a, b radixEntry) int { return cmp.Compare(a.key, b.key) })
				got := radixSort(es, make([]radixEntry, n))
				require.Len(t, got, n)
				assert.Equal(t, want, got)
			})
		}
	}
}

func TestNullSort(t *testing.T) {
	class := []int8{1, 0, -1, 0, 1, -1, 0}
	ord := []uint32{6, 5, 4, 3, 2, 1, 0}
	tmp := make([]uint32, len(ord))
	require.True(t, nullSort(ord, tmp, func(r uint32) int8 { return class[r] }))
	assert.Equal(t, []uint32{5, 2, 6, 3, 1, 4, 0}, tmp)
	assert.False(t, nullSort(ord, tmp, func(uint32) int8 { return 0 }), "one class: nothing to do")
}
