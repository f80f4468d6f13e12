package kernelmem

import (
	"sync"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Allocator returns mem as the kernels should see it (see the package
// doc). Pass it to compute.WithAllocator.
func Allocator(mem memory.Allocator) memory.Allocator {
	return &fullCap{mem: mem, lens: map[*byte]int{}}
}

// fullCap exposes whole capacities and remembers each buffer's length.
type fullCap struct {
	mem  memory.Allocator
	mu   sync.Mutex
	lens map[*byte]int
}

func (a *fullCap) Allocate(size int) []byte { return a.expose(a.mem.Allocate(size)) }

func (a *fullCap) Reallocate(size int, b []byte) []byte {
	return a.expose(a.mem.Reallocate(size, a.restore(b)))
}

func (a *fullCap) Free(b []byte) { a.mem.Free(a.restore(b)) }

// expose widens b to its capacity, noting its length.
func (a *fullCap) expose(b []byte) []byte {
	if cap(b) == len(b) {
		return b
	}
	a.mu.Lock()
	a.lens[&b[:1][0]] = len(b)
	a.mu.Unlock()
	return b[:cap(b)]
}

// restore gives back the slice that the underlying allocator handed out.
func (a *fullCap) restore(b []byte) []byte {
	if cap(b) == 0 {
		return b
	}
	key := &b[:1][0]
	a.mu.Lock()
	n, ok := a.lens[key]
	delete(a.lens, key)
	a.mu.Unlock()
	if !ok {
		return b
	}
	return b[:n]
}
