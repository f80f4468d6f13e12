package jsonout

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// structSchema has a struct column with a nested struct, a float, a
// timestamp and a list inside.
var structSchema = arrow.NewSchema([]arrow.Field{
	{Name: "id", Type: arrow.PrimitiveTypes.Int64},
	{Name: "user", Nullable: true, Type: arrow.StructOf(
		arrow.Field{Name: "name", Type: arrow.BinaryTypes.String, Nullable: true},
		arrow.Field{Name: "score", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		arrow.Field{Name: "at", Type: &arrow.TimestampType{Unit: arrow.Millisecond, TimeZone: "UTC"}, Nullable: true},
		arrow.Field{Name: "tags", Type: arrow.ListOf(arrow.BinaryTypes.String), Nullable: true},
		arrow.Field{Name: "geo", Nullable: true, Type: arrow.StructOf(
			arrow.Field{Name: "lat", Type: arrow.PrimitiveTypes.Float64, Nullable: true})},
	)},
}, nil)

const structRows = `[
{"id": 1, "user": {"name": "a\"b", "score": 2, "at": "2024-03-01T12:00:00.250Z", "tags": ["x"], "geo": {"lat": -1.5}}},
{"id": 2, "user": null},
{"id": 3, "user": {"name": null, "score": null, "at": null, "tags": null, "geo": null}}
]`

// Structs are written as objects by the writer's own rules: floats keep
// their mark, timestamps their RFC 3339 text, a null struct is null.
func TestEncodeStruct(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rec, _, err := array.RecordFromJSON(mem, structSchema, strings.NewReader(structRows))
	require.NoError(t, err)
	defer rec.Release()
	var out bytes.Buffer
	sink := NewSink(&out, structSchema)
	ctx := context.Background()
	c, err := sink.NewEncoder().Encode(ctx, rec)
	require.NoError(t, err)
	require.NoError(t, sink.Write(ctx, c))
	require.NoError(t, sink.Close(ctx))
	assert.Equal(t, `{"id":1,"user":{"name":"a\"b","score":2.0,"at":"2024-03-01T12:00:00.25Z","tags":["x"],"geo":{"lat":-1.5}}}
{"id":2,"user":null}
{"id":3,"user":{"name":null,"score":null,"at":null,"tags":null,"geo":null}}
`, out.String())
}
