package csvout

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

// A struct is one cell holding its JSON object, quoted in CSV, escaped in
// TSV; a null struct is an empty cell.
func TestEncodeStructCell(t *testing.T) {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "id", Type: arrow.PrimitiveTypes.Int64},
		{Name: "user", Nullable: true, Type: arrow.StructOf(
			arrow.Field{Name: "name", Type: arrow.BinaryTypes.String, Nullable: true},
			arrow.Field{Name: "geo", Nullable: true, Type: arrow.StructOf(
				arrow.Field{Name: "lat", Type: arrow.PrimitiveTypes.Float64, Nullable: true})})},
	}, nil)
	rows := `[{"id": 1, "user": {"name": "a\tb", "geo": {"lat": 2}}}, {"id": 2, "user": null}, {"id": 3, "user": {"name": null, "geo": null}}]`
	for _, tc := range []struct {
		delim byte
		want  string
	}{
		{',', "id,user\n1,\"{\"\"name\"\":\"\"a\\tb\"\",\"\"geo\"\":{\"\"lat\"\":2.0}}\"\n2,\n3,\"{\"\"name\"\":null,\"\"geo\"\":null}\"\n"},
		{'\t', "id\tuser\n1\t{\"name\":\"a\\\\tb\",\"geo\":{\"lat\":2.0}}\n2\t\n3\t{\"name\":null,\"geo\":null}\n"},
	} {
		t.Run("delim="+string(tc.delim), func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			rec, _, err := array.RecordFromJSON(mem, schema, strings.NewReader(rows))
			require.NoError(t, err)
			defer rec.Release()
			var out bytes.Buffer
			sink, err := NewSink(&out, schema, Options{Delimiter: tc.delim})
			require.NoError(t, err)
			ctx := context.Background()
			c, err := sink.NewEncoder().Encode(ctx, rec)
			require.NoError(t, err)
			require.NoError(t, sink.Write(ctx, c))
			require.NoError(t, sink.Close(ctx))
			assert.Equal(t, tc.want, out.String())
		})
	}
}

// A map is one cell holding the JSON object NDJSON writes for it; lists
// of any kind hold their JSON array, whole floats marked as floats.
func TestEncodeMapAndListCells(t *testing.T) {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "m", Type: arrow.MapOf(arrow.BinaryTypes.String, arrow.PrimitiveTypes.Float64), Nullable: true},
		{Name: "ll", Type: arrow.LargeListOf(arrow.PrimitiveTypes.Float64), Nullable: true},
	}, nil)
	rows := `[{"m": [{"key": "k", "value": 0}, {"key": "j", "value": 1.5}], "ll": [0, 1]}, {"m": null, "ll": null}, {"m": [], "ll": []}]`
	for _, tc := range []struct {
		delim byte
		want  string
	}{
		{',', "m,ll\n\"{\"\"k\"\":0.0,\"\"j\"\":1.5}\",\"[0.0,1.0]\"\n,\n{},[]\n"},
		{'\t', "m\tll\n{\"k\":0.0,\"j\":1.5}\t[0.0,1.0]\n\t\n{}\t[]\n"},
	} {
		t.Run("delim="+string(tc.delim), func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			rec, _, err := array.RecordFromJSON(mem, schema, strings.NewReader(rows))
			require.NoError(t, err)
			defer rec.Release()
			var out bytes.Buffer
			sink, err := NewSink(&out, schema, Options{Delimiter: tc.delim})
			require.NoError(t, err)
			ctx := context.Background()
			c, err := sink.NewEncoder().Encode(ctx, rec)
			require.NoError(t, err)
			require.NoError(t, sink.Write(ctx, c))
			require.NoError(t, sink.Close(ctx))
			assert.Equal(t, tc.want, out.String())
		})
	}
}
