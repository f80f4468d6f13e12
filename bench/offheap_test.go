package bench

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestOffHeapCopyHoldsTheBytes checks that the input kept for the CSV
// scenarios is a copy of what was generated, independent of it, and that
// freeing it works, including for an empty input.
func TestOffHeapCopyHoldsTheBytes(t *testing.T) {
	for _, size := range []int{0, 1, 4095, 4096, 1 << 20} {
		src := make([]byte, size)
		for i := range src {
			src[i] = byte(i*7 + 3)
		}
		want := append([]byte(nil), src...)
		got, free, err := offHeapCopy(src)
		require.NoError(t, err, "size %d", size)
		assert.Equal(t, want, append([]byte(nil), got...), "size %d", size)
		if size > 0 {
			src[0]++
			assert.Equal(t, want[0], got[0], "size %d: the copy must not alias the source", size)
		}
		assert.NoError(t, free(), "size %d", size)
	}
}
