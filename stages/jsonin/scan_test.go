package jsonin

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestPlainRunMatchesByteLoop checks the SWAR scan against the table.
func TestPlainRunMatchesByteLoop(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	special := []byte{'"', '\\', 0, 0x1f, 0x20, 0x7f, 0x80, 0xff, 'a', '!', '#', '[', ']'}
	for range 20000 {
		b := make([]byte, r.IntN(40))
		for i := range b {
			if r.IntN(6) == 0 {
				b[i] = special[r.IntN(len(special))]
			} else {
				b[i] = byte(0x20 + r.IntN(0x5f))
			}
		}
		start := 0
		if len(b) > 0 {
			start = r.IntN(len(b))
		}
		want := start
		for want < len(b) && strClass[b[want]] == clPlain {
			want++
		}
		assert.Equal(t, want, plainRun(b, start), "%q from %d", b, start)
	}
}
