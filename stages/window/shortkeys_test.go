package window

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/require"
)

// String keys of 0 to 20 bytes, zero bytes included ("a" is not "a\x00"),
// at the end of the column's buffer too, in plain and large strings and
// sliced arrays, are numbered in order of first appearance as a map
// numbers them.
func TestGroupsStringKeys(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	r := rand.New(rand.NewPCG(3, 4))
	var keys []string
	for range 3000 {
		k := []byte(strings.Repeat("a", r.IntN(21)))
		for i := range k {
			k[i] = "a\x00b"[r.IntN(3)]
		}
		keys = append(keys, string(k))
	}
	keys = append(keys, "", "a", "a\x00", "\x00", "0123456789abcdef", "0123456789abcdef\x00")
	want := map[string]uint32{}
	var wantIDs []uint32
	for _, k := range keys {
		if _, ok := want[k]; !ok {
			want[k] = uint32(len(want))
		}
		wantIDs = append(wantIDs, want[k])
	}
	for _, dt := range []arrow.DataType{arrow.BinaryTypes.String, arrow.BinaryTypes.LargeString} {
		b := array.NewBuilder(mem, dt)
		for _, k := range keys {
			switch b := b.(type) {
			case *array.StringBuilder:
				b.Append(k)
			case *array.LargeStringBuilder:
				b.Append(k)
			}
		}
		arr := b.NewArray()
		b.Release()
		g := newGroups([]kind{kindString})
		half := len(keys) / 2
		lo, hi := array.NewSlice(arr, 0, int64(half)), array.NewSlice(arr, int64(half), int64(len(keys)))
		got := g.ids([]arrow.Array{lo}, half, nil)
		got = append(got, g.ids([]arrow.Array{hi}, len(keys)-half, nil)...)
		require.Equal(t, wantIDs, got, dt.String())
		require.Equal(t, len(want), g.n)
		lo.Release()
		hi.Release()
		arr.Release()
	}
}
