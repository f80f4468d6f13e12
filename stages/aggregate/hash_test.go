package aggregate

import (
	"fmt"
	"math/bits"
	"testing"

	"github.com/stretchr/testify/assert"
)

// Distinct short and long strings must not collide, and every output bit
// must flip about half the time when one input bit flips.
func TestHashBytes(t *testing.T) {
	seen := map[uint64]string{}
	for i := range 200_000 {
		for _, s := range []string{fmt.Sprint(i), fmt.Sprintf("key-%08d-suffix-long-enough", i), string(rune('a' + i%26))} {
			h := hashBytes([]byte(s))
			if prev, ok := seen[h]; ok && prev != s {
				t.Fatalf("collision %q %q", prev, s)
			}
			seen[h] = s
		}
	}
	for _, n := range []int{1, 3, 4, 7, 8, 12, 16, 17, 40} {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(i * 7)
		}
		base := hashBytes(b)
		flips := 0
		for bit := range n * 8 {
			b[bit/8] ^= 1 << (bit % 8)
			flips += bits.OnesCount64(base ^ hashBytes(b))
			b[bit/8] ^= 1 << (bit % 8)
		}
		assert.InDelta(t, 32, float64(flips)/float64(n*8), 4, "len %d", n)
	}
}

func BenchmarkHashBytes(b *testing.B) {
	for _, n := range []int{6, 13, 40} {
		s := make([]byte, n)
		b.Run(fmt.Sprintf("len=%d", n), func(b *testing.B) {
			b.SetBytes(int64(n))
			var h uint64
			for b.Loop() {
				h += hashBytes(s)
			}
			_ = h
		})
	}
}
