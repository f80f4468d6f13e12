package jsonout

import (
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/stages/jsonin"
)

// Maps are written as DuckDB writes a MAP to JSON, an object; read back
// they are structs of the keys (as DuckDB reads them: STRUCT).
func TestMapsAreObjects(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "m", Type: arrow.MapOf(arrow.BinaryTypes.String, arrow.PrimitiveTypes.Float64), Nullable: true},
		{Name: "mi", Type: arrow.MapOf(arrow.PrimitiveTypes.Int64, arrow.BinaryTypes.String), Nullable: true},
		{Name: "ml", Type: arrow.MapOf(arrow.BinaryTypes.String, arrow.ListOf(arrow.PrimitiveTypes.Float64)), Nullable: true},
	}, nil)
	rec, _, err := array.RecordFromJSON(mem, schema, strings.NewReader(`[
		{"m":[{"key":"k","value":0},{"key":"j","value":1.5}],"mi":[{"key":1,"value":"a"},{"key":-2,"value":null}],"ml":[{"key":"x","value":[1,2.5]}]},
		{"m":[{"key":"k","value":2},{"key":"q\"","value":null}],"mi":[],"ml":null},
		{"m":null,"mi":null,"ml":[]}
	]`))
	require.NoError(t, err)
	defer rec.Release()
	text := encodeAll(t, schema, rec)
	require.Equal(t, `{"m":{"k":0.0,"j":1.5},"mi":{"1":"a","-2":null},"ml":{"x":[1.0,2.5]}}
{"m":{"k":2.0,"q\"":null},"mi":{},"ml":null}
{"m":null,"mi":null,"ml":{}}
`, text)

	// Slices keep their offsets.
	sl := rec.NewSlice(1, 3)
	defer sl.Release()
	require.Equal(t, "{\"m\":{\"k\":2.0,\"q\\\"\":null},\"mi\":{},\"ml\":null}\n{\"m\":null,\"mi\":null,\"ml\":{}}\n", encodeAll(t, schema, sl))

	back := readJSON(t, []byte(text), jsonin.Options{Mem: mem})
	defer back.Release()
	m := back.Schema().Field(0)
	require.Equal(t, arrow.STRUCT, m.Type.ID(), "%s", back.Schema())
	// A key only ever null reads back as utf8, as any all-null key does.
	require.Equal(t, "struct<k: float64 nullable, j: float64 nullable, q\": utf8 nullable>", m.Type.String())
}
