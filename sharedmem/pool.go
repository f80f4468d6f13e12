package sharedmem

import (
	"math/bits"
	"reflect"
	"sync"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

const (
	alignment     = 64 // Arrow's buffer alignment
	minClassShift = 6  // smallest class: 64 B
	maxClassShift = 27 // largest pooled class: 128 MiB; bigger buffers are not pooled
	numClasses    = maxClassShift - minClassShift + 1

	// DefaultMaxIdle is how many bytes of released buffers a Pool keeps for
	// reuse when NewPool is given 0.
	DefaultMaxIdle = 64 << 20
)

// Pool is a memory.Allocator that recycles buffers in power-of-two size
// classes. Free puts a buffer on its class's free list (up to a cap on idle
// bytes) and Allocate takes one from there before asking the Go heap, so a
// pipeline in steady state builds each batch in the memory of one that
// already went through. Allocated memory is zeroed, as Arrow expects. Safe
// for concurrent use; the zero value is not usable: call NewPool.
type Pool struct {
	maxIdle int64
	idle    atomic.Int64
	classes [numClasses]freeList

	outstanding atomic.Int64
	fresh       atomic.Int64
	reused      atomic.Int64
}

type freeList struct {
	mu   sync.Mutex
	bufs [][]byte
}

// PoolStats counts what a Pool has done.
type PoolStats struct {
	// Outstanding is bytes allocated and not yet freed (by class size).
	Outstanding int64
	// Idle is bytes held on free lists for reuse.
	Idle int64
	// Fresh and Reused count allocations served by the Go heap and by a
	// free list.
	Fresh, Reused int64
}

// NewPool returns a Pool that keeps at most maxIdle bytes of freed buffers;
// 0 means DefaultMaxIdle.
func NewPool(maxIdle int64) *Pool {
	if maxIdle <= 0 {
		maxIdle = DefaultMaxIdle
	}
	return &Pool{maxIdle: maxIdle}
}

var _ memory.Allocator = (*Pool)(nil)

// classOf returns the class index for a buffer of size bytes, or -1 when
// the size is too large to pool.
func classOf(size int) int {
	if size <= 1<<minClassShift {
		return 0
	}
	c := bits.Len(uint(size-1)) - minClassShift
	if c >= numClasses {
		return -1
	}
	return c
}

// Allocate returns a zeroed, 64-byte-aligned buffer of len size. Its cap is
// the class size, which lets Reallocate grow in place and Free find the class.
func (p *Pool) Allocate(size int) []byte {
	if size == 0 {
		return nil
	}
	c := classOf(size)
	if c < 0 {
		p.fresh.Add(1)
		p.outstanding.Add(int64(size))
		return alignedMake(size, size)
	}
	classSize := 1 << (c + minClassShift)
	p.outstanding.Add(int64(classSize))
	if b := p.classes[c].pop(); b != nil {
		p.idle.Add(-int64(classSize))
		p.reused.Add(1)
		b = b[:size]
		clear(b)
		return b
	}
	p.fresh.Add(1)
	return alignedMake(size, classSize)
}

// Reallocate grows or shrinks b to size, in place when its class has room.
func (p *Pool) Reallocate(size int, b []byte) []byte {
	if size <= cap(b) {
		old := len(b)
		b = b[:size]
		if size > old {
			clear(b[old:])
		}
		return b
	}
	nb := p.Allocate(size)
	copy(nb, b)
	p.Free(b)
	return nb
}

// Free returns b to its class's free list, or to the Go heap when the pool
// already holds its cap of idle bytes.
func (p *Pool) Free(b []byte) {
	if cap(b) == 0 {
		return
	}
	c := classOf(cap(b))
	if c < 0 || 1<<(c+minClassShift) != cap(b) {
		// Unpooled (oversized) buffer.
		p.outstanding.Add(-int64(cap(b)))
		return
	}
	size := int64(cap(b))
	p.outstanding.Add(-size)
	if p.idle.Add(size) > p.maxIdle {
		p.idle.Add(-size)
		return
	}
	p.classes[c].push(b[:cap(b)])
}

// Stats returns the pool's counters. Safe to call while the pool is in use.
func (p *Pool) Stats() PoolStats {
	return PoolStats{
		Outstanding: p.outstanding.Load(),
		Idle:        p.idle.Load(),
		Fresh:       p.fresh.Load(),
		Reused:      p.reused.Load(),
	}
}

func (l *freeList) pop() []byte {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := len(l.bufs)
	if n == 0 {
		return nil
	}
	b := l.bufs[n-1]
	l.bufs[n-1] = nil
	l.bufs = l.bufs[:n-1]
	return b
}

func (l *freeList) push(b []byte) {
	l.mu.Lock()
	l.bufs = append(l.bufs, b)
	l.mu.Unlock()
}

// alignedMake returns a zeroed slice of len size and cap capacity whose first
// byte is 64-byte aligned. reflect gives the address without package unsafe
// (Go's heap does not move objects, so it stays valid).
func alignedMake(size, capacity int) []byte {
	buf := make([]byte, capacity+alignment)
	shift := int((alignment - reflect.ValueOf(&buf[0]).Pointer()%alignment) % alignment)
	return buf[shift : shift+size : shift+capacity]
}
