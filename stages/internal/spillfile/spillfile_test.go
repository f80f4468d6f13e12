package spillfile

import (
	"os"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/require"
)

// Batches come back in the order written, equal to what was written.
func TestRoundTrip(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	schema := arrow.NewSchema([]arrow.Field{{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true}}, nil)
	w, err := Create(t.TempDir(), "spill-*.arrows", schema, mem)
	require.NoError(t, err)
	var want []arrow.RecordBatch
	for i := range 5 {
		b := array.NewRecordBuilder(mem, schema)
		for j := range i * 3 {
			if j%4 == 0 {
				b.Field(0).AppendNull()
			} else {
				b.Field(0).(*array.StringBuilder).Append(string(rune('a' + j)))
			}
		}
		rec := b.NewRecordBatch()
		b.Release()
		require.NoError(t, w.Write(rec))
		want = append(want, rec)
	}
	require.EqualValues(t, 30, w.Rows())
	require.NoError(t, w.Close())
	r, err := Open(w.Path(), mem)
	require.NoError(t, err)
	for _, rec := range want {
		got, err := r.Next()
		require.NoError(t, err)
		require.True(t, array.RecordEqual(rec, got))
		got.Release()
		rec.Release()
	}
	got, err := r.Next()
	require.NoError(t, err)
	require.Nil(t, got)
	r.Close()
	w.Remove()
	_, err = os.Stat(w.Path())
	require.True(t, os.IsNotExist(err))
}
