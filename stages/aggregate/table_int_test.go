package aggregate

import (
	"fmt"
	"math/bits"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The bucket table gives every distinct key (null included) one dense
// group id in order of first appearance, through many doublings, whatever
// the keys look like.
func TestIntTableMatchesMap(t *testing.T) {
	gens := map[string]func(r *rand.Rand, i int) int64{
		"dense":    func(r *rand.Rand, _ int) int64 { return r.Int64N(50_000) },
		"sparse":   func(r *rand.Rand, _ int) int64 { return int64(r.Uint64()) },
		"strided":  func(r *rand.Rand, _ int) int64 { return r.Int64N(30_000) << 20 },
		"negative": func(r *rand.Rand, _ int) int64 { return -r.Int64N(40_000) },
		"rising":   func(_ *rand.Rand, i int) int64 { return int64(i / 3) },
	}
	for name, gen := range gens {
		t.Run("keys="+name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			r := rand.New(rand.NewPCG(1, uint64(len(name))))
			tab := newTable([]arrow.DataType{arrow.PrimitiveTypes.Int64})
			want := map[any]uint32{}
			var gids []uint32
			row := 0
			for range 20 {
				b := array.NewInt64Builder(mem)
				n := r.IntN(12_000)
				var keys []any
				for range n {
					if r.IntN(50) == 0 {
						b.AppendNull()
						keys = append(keys, nil)
					} else {
						v := gen(r, row)
						b.Append(v)
						keys = append(keys, v)
					}
					row++
				}
				col := b.NewArray()
				b.Release()
				var err error
				gids, err = tab.groups([]arrow.Array{col}, n, 0, gids)
				require.NoError(t, err)
				col.Release()
				for i, k := range keys {
					g, ok := want[k]
					if !ok {
						g = uint32(len(want))
						want[k] = g
					}
					if gids[i] != g {
						t.Fatalf("key %v: group %d, want %d", k, gids[i], g)
					}
				}
			}
			assert.Equal(t, len(want), tab.n)
			assert.Greater(t, len(tab.ibuckets), tableMinSlots/intBucketLoad, "no doubling tested")
			assert.LessOrEqual(t, tab.n-1, intBucketLoad*len(tab.ibuckets), "over the load")
		})
	}
}

// An unused slot never matches, even when it holds the key looked up
// (zero, as a fresh bucket's keys are).
func TestIntTableUnusedSlots(t *testing.T) {
	tab := newTable([]arrow.DataType{arrow.PrimitiveTypes.Int64})
	var b intBucket
	assert.Zero(t, b.matches(0))
	b.keys[0], b.gids[0], b.n = 5, 0, 1
	assert.Zero(t, b.matches(0))
	assert.Equal(t, uint32(1), b.matches(5))
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	ib := array.NewInt64Builder(mem)
	defer ib.Release()
	ib.AppendValues([]int64{3, 1, 2, 0, 0, 3}, nil)
	col := ib.NewArray()
	defer col.Release()
	gids, err := tab.groups([]arrow.Array{col}, 6, 0, nil)
	require.NoError(t, err)
	assert.Equal(t, []uint32{0, 1, 2, 3, 3, 0}, gids)
}

// The design rests on keys nearly always sitting in their home bucket (one
// line, one predictable branch a probe), even at the most groups a table
// size holds before doubling.
func TestIntTableHomeBucket(t *testing.T) {
	for _, nb := range []int{1 << 10, 1 << 16} {
		t.Run(fmt.Sprintf("buckets=%d", nb), func(t *testing.T) {
			tab := &table{keys: []keyCol{newKeyCol(arrow.PrimitiveTypes.Int64)}}
			tab.rehashInt(nb)
			r := rand.New(rand.NewPCG(2, 3))
			mem := memory.NewGoAllocator()
			b := array.NewInt64Builder(mem)
			seen := map[int64]bool{}
			for len(seen) < intBucketLoad*nb {
				v := int64(r.Uint64())
				if !seen[v] {
					seen[v] = true
					b.Append(v)
				}
			}
			col := b.NewArray()
			b.Release()
			defer col.Release()
			tab.groups([]arrow.Array{col}, col.Len(), 0, nil)
			require.Equal(t, nb, len(tab.ibuckets), "doubled early")
			home := 0
			for v := range seen {
				bk := &tab.ibuckets[mix64(uint64(v)^hashK1)&tab.mask]
				if bits.OnesCount32(bk.matches(v)) == 1 {
					home++
				}
			}
			frac := float64(home) / float64(len(seen))
			t.Logf("%.1f %% of keys in their home bucket at load %.2f", 100*frac, float64(len(seen))/float64(5*nb))
			assert.Greater(t, frac, 0.83)
		})
	}
}

// firstOrder equals a comparison sort of the positions, whether they are
// in order already, packable into radix keys, or not (sequence numbers
// past 2^32).
func TestFirstOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 5))
	for _, c := range []struct {
		name   string
		maxSeq uint64
		sorted bool
	}{{"sorted", 100, true}, {"radix", 1 << 20, false}, {"wide", 1 << 40, false}, {"few", 3, false}} {
		t.Run(c.name, func(t *testing.T) {
			first := make([]pos, 50_000)
			seen := map[pos]bool{}
			for i := range first {
				for {
					p := pos{r.Uint64N(c.maxSeq), r.Uint32N(1 << 17)}
					if c.name == "wide" && i == 0 {
						p.seq = 1<<40 - 1
					}
					if !seen[p] {
						seen[p] = true
						first[i] = p
						break
					}
				}
			}
			if c.sorted {
				slices.SortFunc(first, func(a, b pos) int {
					if a.before(b) {
						return -1
					}
					return 1
				})
			}
			want := identity(len(first))
			slices.SortFunc(want, func(a, b uint32) int {
				if first[a].before(first[b]) {
					return -1
				}
				return 1
			})
			assert.Equal(t, want, firstOrder(first))
		})
	}
}
