package textfmt

import (
	"slices"
	"sync"
)

// Buffers is a free list of text buffers that a sink's writer hands back
// for its encoders to reuse, so a steady stream allocates no buffer per
// batch. It never holds more buffers than the pipeline had chunks in
// flight at once. Safe for concurrent use; the zero value is ready.
type Buffers struct {
	mu   sync.Mutex
	bufs [][]byte
}

// Get returns an empty buffer with room for at least size bytes: sizing it
// up front saves the copies of growing it by doubling while appending.
func (f *Buffers) Get(size int) []byte {
	f.mu.Lock()
	var b []byte
	if n := len(f.bufs); n > 0 {
		b = f.bufs[n-1]
		f.bufs[n-1] = nil
		f.bufs = f.bufs[:n-1]
	}
	f.mu.Unlock()
	if cap(b) < size {
		b = slices.Grow(b[:0], size)
	}
	return b[:0]
}

// Put hands b back for reuse.
func (f *Buffers) Put(b []byte) {
	if cap(b) == 0 {
		return
	}
	f.mu.Lock()
	f.bufs = append(f.bufs, b[:0])
	f.mu.Unlock()
}
