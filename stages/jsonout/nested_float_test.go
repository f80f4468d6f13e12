package jsonout

import (
	"math"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/stages/jsonin"
)

// Whole floats inside lists and structs are written as top-level floats
// are ("0.0", NaN and ±Infinity bare), so that NDJSON read back keeps
// them float64 rather than int64.
func TestNestedFloatsStayFloats(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	sA := arrow.StructOf(arrow.Field{Name: "a", Type: arrow.PrimitiveTypes.Float64, Nullable: true})
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "l", Type: arrow.ListOf(arrow.PrimitiveTypes.Float64), Nullable: true},
		{Name: "ll", Type: arrow.LargeListOf(arrow.PrimitiveTypes.Float64), Nullable: true},
		{Name: "l32", Type: arrow.ListOf(arrow.PrimitiveTypes.Float32), Nullable: true},
		{Name: "fl", Type: arrow.FixedSizeListOf(2, arrow.PrimitiveTypes.Float64), Nullable: true},
		{Name: "s", Type: sA, Nullable: true},
		{Name: "ls", Type: arrow.ListOf(sA), Nullable: true},
	}, nil)
	rec, _, err := array.RecordFromJSON(mem, schema, strings.NewReader(`[
		{"l":[0,1,-2,null],"ll":[0,3],"l32":[1,0.5],"fl":[0,1],"s":{"a":0},"ls":[{"a":1},null,{"a":null}]},
		{"l":[],"ll":null,"l32":[],"fl":null,"s":{"a":null},"ls":[]},
		{"l":null,"ll":[],"l32":null,"fl":[2.5,-0],"s":null,"ls":null}
	]`))
	require.NoError(t, err)
	defer rec.Release()
	special := oneColumn(mem, arrow.ListOf(arrow.PrimitiveTypes.Float64), func(b array.Builder) {
		lb := b.(*array.ListBuilder)
		vb := lb.ValueBuilder().(*array.Float64Builder)
		lb.Append(true)
		vb.AppendValues([]float64{math.NaN(), math.Inf(1), math.Inf(-1), 0}, nil)
	})
	defer special.Release()

	text := encodeAll(t, schema, rec)
	require.Equal(t, `{"l":[0.0,1.0,-2.0,null],"ll":[0.0,3.0],"l32":[1.0,0.5],"fl":[0.0,1.0],"s":{"a":0.0},"ls":[{"a":1.0},null,{"a":null}]}
{"l":[],"ll":null,"l32":[],"fl":null,"s":{"a":null},"ls":[]}
{"l":null,"ll":[],"l32":null,"fl":[2.5,-0.0],"s":null,"ls":null}
`, text)
	require.Equal(t, "{\"v\":[NaN,Infinity,-Infinity,0.0]}\n", encodeAll(t, special.Schema(), special))

	back := readJSON(t, []byte(text), jsonin.Options{Mem: mem})
	defer back.Release()
	f64 := arrow.PrimitiveTypes.Float64
	for name, want := range map[string]arrow.DataType{
		"l": arrow.ListOf(f64), "ll": arrow.ListOf(f64), "l32": arrow.ListOf(f64),
		"fl": arrow.ListOf(f64), "s": sA,
	} {
		j := back.Schema().FieldIndices(name)
		require.Len(t, j, 1, name)
		got := back.Schema().Field(j[0]).Type
		require.True(t, arrow.TypeEqual(want, got), "%s read back as %s, want %s", name, got, want)
	}
}

// Arrays of objects read as list<struct> write back as the same arrays
// (missing keys as null), floats still floats.
func TestListOfStructsRoundTrip(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	text := `{"items":[{"a":1,"b":0.0,"c":"x\n"},null,{"b":2.5}]}
{"items":[]}
{"items":null}
{"items":[{"c":null}]}
`
	rec := readJSON(t, []byte(text), jsonin.Options{Mem: mem})
	defer rec.Release()
	require.Equal(t, "list<item: struct<a: int64 nullable, b: float64 nullable, c: utf8 nullable>, nullable>", rec.Schema().Field(0).Type.String())
	require.Equal(t, `{"items":[{"a":1,"b":0.0,"c":"x\n"},null,{"a":null,"b":2.5,"c":null}]}
{"items":[]}
{"items":null}
{"items":[{"a":null,"b":null,"c":null}]}
`, encodeAll(t, rec.Schema(), rec))
}
