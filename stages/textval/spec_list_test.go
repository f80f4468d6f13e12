package textval

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseSpecLists(t *testing.T) {
	spec, err := ParseSpec("tags:list<int64>,b:BIGINT[],c:List< Double >,d:varchar[],e:bool[],f:list<string>,g:INTEGER[]")
	require.NoError(t, err)
	want := []arrow.DataType{
		arrow.ListOf(arrow.PrimitiveTypes.Int64), arrow.ListOf(arrow.PrimitiveTypes.Int64),
		arrow.ListOf(arrow.PrimitiveTypes.Float64), arrow.ListOf(arrow.BinaryTypes.String),
		arrow.ListOf(arrow.FixedWidthTypes.Boolean), arrow.ListOf(arrow.BinaryTypes.String),
		arrow.ListOf(arrow.PrimitiveTypes.Int64),
	}
	require.Len(t, spec, len(want))
	for i, w := range want {
		assert.True(t, arrow.TypeEqual(w, spec[i].Type), "%s: %s", spec[i].Name, spec[i].Type)
	}
	for _, bad := range []string{"t:list<>", "t:list<int64", "t:[]", "t:list<list<int64>>", "t:timestamp[]", "t:int64[][]", "t:list<date>"} {
		_, err := ParseSpec(bad)
		require.Error(t, err, bad)
		assert.ErrorIs(t, err, ErrSpec)
		assert.Contains(t, err.Error(), "a list: list<int64>, int64[]", bad)
	}
}

// TestFormatSchemaLists: the lists ParseSpec reads are written so that
// they read back; other lists keep Arrow's name.
func TestFormatSchemaLists(t *testing.T) {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "a", Type: arrow.ListOf(arrow.PrimitiveTypes.Int64)},
		{Name: "b", Type: arrow.ListOf(arrow.BinaryTypes.String)},
		{Name: "c", Type: arrow.ListOf(arrow.PrimitiveTypes.Int32)},
	}, nil)
	text := FormatSchema(schema)
	assert.Equal(t, "a:list<int64>,b:list<string>,c:list<item: int32, nullable>", text)
	spec, err := ParseSpec("a:list<int64>,b:list<string>")
	require.NoError(t, err)
	assert.True(t, arrow.TypeEqual(schema.Field(0).Type, spec[0].Type))
	assert.True(t, arrow.TypeEqual(schema.Field(1).Type, spec[1].Type))
}

// TestSpecApplyRejectsLists: a CSV field is text, so a list type there
// is an error that says where lists apply, not a silent string column.
func TestSpecApplyRejectsLists(t *testing.T) {
	spec, err := ParseSpec("tags:int64[]")
	require.NoError(t, err)
	_, err = spec.Apply([]arrow.Field{{Name: "tags", Type: arrow.BinaryTypes.String}})
	require.ErrorIs(t, err, ErrSpec)
	assert.Contains(t, err.Error(), `column "tags": list<int64> is for NDJSON arrays`)
}

// FuzzListType: whatever listType reads, listName writes back to the same
// type, and ParseSpec reads that name.
func FuzzListType(f *testing.F) {
	for _, s := range []string{"list<int64>", "bigint[]", "list< text >", "list<", "[]", "list<list<int>>", "double[]x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		dt := listType(s)
		if dt == nil {
			return
		}
		name := listName(dt)
		require.NotEmpty(t, name, s)
		assert.True(t, arrow.TypeEqual(dt, listType(name)), "%q -> %q", s, name)
		spec, err := ParseSpec("x:" + name)
		require.NoError(t, err)
		assert.True(t, arrow.TypeEqual(dt, spec[0].Type))
	})
}
