package plan

import (
	"context"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWidenStruct(t *testing.T) {
	a := arrow.StructOf(arrow.Field{Name: "id", Type: arrow.PrimitiveTypes.Int32},
		arrow.Field{Name: "g", Type: arrow.StructOf(arrow.Field{Name: "lat", Type: arrow.PrimitiveTypes.Int64, Nullable: true}), Nullable: true})
	b := arrow.StructOf(arrow.Field{Name: "c", Type: arrow.BinaryTypes.String, Nullable: true},
		arrow.Field{Name: "g", Type: arrow.StructOf(arrow.Field{Name: "lat", Type: arrow.PrimitiveTypes.Float64, Nullable: true}), Nullable: true},
		arrow.Field{Name: "id", Type: arrow.PrimitiveTypes.Int64, Nullable: true})
	got, err := Widen(a, b)
	require.NoError(t, err)
	assert.Equal(t, "struct<id: int64 nullable, g: struct<lat: float64 nullable> nullable, c: utf8 nullable>", got.String())
	back, err := Widen(b, a)
	require.NoError(t, err)
	assert.Equal(t, "struct<c: utf8 nullable, g: struct<lat: float64 nullable> nullable, id: int64 nullable>", back.String(), "the first file's order leads")
	_, err = Widen(a, arrow.StructOf(arrow.Field{Name: "g", Type: arrow.ListOf(arrow.PrimitiveTypes.Int64)}))
	assert.ErrorContains(t, err, `field "g"`)
}

// castStruct keeps the struct's nulls, casts fields by name and adds the
// missing ones as null, also for a slice of a batch.
func TestCastStruct(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	from := arrow.StructOf(arrow.Field{Name: "id", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
		arrow.Field{Name: "g", Type: arrow.StructOf(arrow.Field{Name: "lat", Type: arrow.PrimitiveTypes.Int64, Nullable: true}), Nullable: true})
	to := arrow.StructOf(arrow.Field{Name: "id", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		arrow.Field{Name: "g", Type: arrow.StructOf(arrow.Field{Name: "lat", Type: arrow.PrimitiveTypes.Float64, Nullable: true}), Nullable: true},
		arrow.Field{Name: "c", Type: arrow.BinaryTypes.String, Nullable: true})
	col, _, err := array.FromJSON(mem, from, strings.NewReader(`[{"id": 1, "g": {"lat": 2}}, null, {"id": 3, "g": null}, {"id": null, "g": {"lat": 4}}]`))
	require.NoError(t, err)
	defer col.Release()
	for _, off := range []int{0, 1, 2, 3} {
		part := array.NewSlice(col, int64(off), 4)
		got, err := castStruct(context.Background(), part.(*array.Struct), to, mem)
		part.Release()
		require.NoError(t, err)
		want := []string{`{"c":null,"g":{"lat":2},"id":1}`, "(null)", `{"c":null,"g":null,"id":3}`, `{"c":null,"g":{"lat":4},"id":null}`}[off:]
		require.Equal(t, len(want), got.Len())
		for i := range want {
			assert.Equal(t, want[i], got.ValueStr(i), "offset %d row %d", off, i)
		}
		assert.True(t, arrow.TypeEqual(to, got.DataType()))
		got.Release()
	}
}
