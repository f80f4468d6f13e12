package main

import (
	"os"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/require"
)

// A join that carries struct and list columns of strings through arrow's
// take kernel, on the run's pooled memory, gives every pair: the kernel
// once wrote past its buffers when the pool's size classes left room.
func TestJoinCarriesNestedStrings(t *testing.T) {
	const file = "../../samples/corpus/polars.arrow"
	f, err := os.Open(file)
	require.NoError(t, err)
	defer f.Close()
	r, err := ipc.NewFileReader(f, ipc.WithAllocator(memory.DefaultAllocator))
	require.NoError(t, err)
	defer r.Close()
	counts := map[string]int{}
	for i := range r.NumRecords() {
		rec, err := r.RecordBatch(i)
		require.NoError(t, err)
		col := rec.Column(rec.Schema().FieldIndices("s")[0])
		for j := range col.Len() {
			if !col.IsNull(j) {
				counts[col.ValueStr(j)]++
			}
		}
	}
	want := 0
	for _, n := range counts {
		want += n * n
	}
	res := cli(t, "", "--workers", "4", "--batch-rows", "7", "join", "s", file, "then", "count", file)
	require.Equal(t, 0, res.code, res.stderr)
	require.Equal(t, "count\n"+itoa(want)+"\n", res.stdout)
}
