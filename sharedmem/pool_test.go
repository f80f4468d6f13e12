package sharedmem_test

import (
	"reflect"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/sharedmem"
)

func TestPoolRecyclesZeroedAlignedBuffers(t *testing.T) {
	p := sharedmem.NewPool(0)
	for _, size := range []int{1, 63, 64, 65, 1000, 4096, 1 << 20, 3<<20 + 5} {
		b := p.Allocate(size)
		require.Len(t, b, size)
		assert.Zero(t, reflect.ValueOf(&b[0]).Pointer()%64, "size %d not 64-byte aligned", size)
		for i := range b {
			b[i] = 0xAB
		}
		addr := &b[0]
		p.Free(b)
		c := p.Allocate(size)
		assert.Same(t, addr, &c[0], "size %d: freed buffer not reused", size)
		for i, v := range c {
			if v != 0 {
				t.Fatalf("size %d: byte %d of a reused buffer is %#x, want 0", size, i, v)
			}
		}
		p.Free(c)
	}
	st := p.Stats()
	assert.Zero(t, st.Outstanding)
	// Sizes 1, 63 and 64 share the smallest class: 6 classes in all.
	assert.Equal(t, int64(6), st.Fresh)
	assert.Equal(t, int64(10), st.Reused)
}

func TestPoolReallocate(t *testing.T) {
	p := sharedmem.NewPool(0)
	b := p.Allocate(100) // class 128
	for i := range b {
		b[i] = byte(i)
	}
	g := p.Reallocate(120, b)
	assert.Same(t, &b[0], &g[0], "growth within the class stays in place")
	assert.Equal(t, byte(99), g[99])
	assert.Zero(t, g[110], "grown bytes are zeroed")
	h := p.Reallocate(1000, g)
	assert.Equal(t, byte(57), h[57], "contents survive a move")
	p.Free(h)
	assert.Zero(t, p.Stats().Outstanding)
}

func TestPoolCapsIdleBytes(t *testing.T) {
	p := sharedmem.NewPool(4096)
	bufs := make([][]byte, 10)
	for i := range bufs {
		bufs[i] = p.Allocate(1024)
	}
	for _, b := range bufs {
		p.Free(b)
	}
	st := p.Stats()
	assert.Equal(t, int64(4096), st.Idle)
	assert.Zero(t, st.Outstanding)
}

func TestPoolWithCheckedAllocatorAndBuilders(t *testing.T) {
	pool := sharedmem.NewPool(0)
	mem := memory.NewCheckedAllocator(pool)
	defer mem.AssertSize(t, 0)
	for round := 0; round < 3; round++ {
		rec := makeBatch(mem, 5000)
		rec.Release()
	}
	st := pool.Stats()
	assert.Zero(t, st.Outstanding)
	assert.Positive(t, st.Reused, "later rounds must reuse the first round's buffers")
}
