package kernelmem

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/sharedmem"
)

// Take of a struct holding strings, on pool memory, gives every value
// back, and every buffer goes back to the pool.
func TestTakeOnPoolMemory(t *testing.T) {
	pool := sharedmem.NewPool(0)
	r := rand.New(rand.NewPCG(1, 2))
	dt := arrow.StructOf(arrow.Field{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true})
	for round := range 40 {
		n := 1 + r.IntN(600)
		b := array.NewStructBuilder(pool, dt)
		sb := b.FieldBuilder(0).(*array.StringBuilder)
		want := make([]string, n)
		for i := range n {
			want[i] = strings.Repeat(fmt.Sprint(i%10), r.IntN(9))
			b.Append(true)
			sb.Append(want[i])
		}
		arr := b.NewArray()
		b.Release()
		ib := array.NewInt32Builder(pool)
		var idx []int
		for range r.IntN(3 * n) {
			i := r.IntN(n)
			idx = append(idx, i)
			ib.Append(int32(i))
		}
		ix := ib.NewArray()
		ib.Release()
		ctx := compute.WithAllocator(context.Background(), Allocator(pool))
		out, err := compute.TakeArray(ctx, arr, ix)
		require.NoError(t, err, "round %d", round)
		got := out.(*array.Struct).Field(0).(*array.String)
		require.Equal(t, len(idx), got.Len())
		for j, i := range idx {
			require.Equal(t, want[i], got.Value(j), "round %d row %d", round, j)
		}
		out.Release()
		ix.Release()
		arr.Release()
	}
	require.Zero(t, pool.Stats().Outstanding)
}

// A checked allocator sees every buffer back at the length it gave.
func TestAccountingUnchanged(t *testing.T) {
	mem := memory.NewCheckedAllocator(sharedmem.NewPool(0))
	defer mem.AssertSize(t, 0)
	a := Allocator(mem)
	b := a.Allocate(100)
	require.Equal(t, cap(b), len(b))
	b = a.Reallocate(300, b)
	require.GreaterOrEqual(t, len(b), 300)
	a.Free(b)
	a.Free(a.Allocate(64))
}
