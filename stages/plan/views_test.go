package plan

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/pipeline"
)

// oneBatch hands out one batch and has no decoder, as the Arrow reader of
// a file with dictionaries.
type oneBatch struct {
	rec  arrow.RecordBatch
	done bool
}

func (s *oneBatch) Schema() *arrow.Schema { return s.rec.Schema() }
func (s *oneBatch) Next(context.Context) (pipeline.Chunk, error) {
	if s.done {
		return pipeline.Chunk{}, io.EOF
	}
	s.done = true
	return pipeline.Chunk{Batch: s.rec, Rows: int(s.rec.NumRows())}, nil
}
func (s *oneBatch) NewDecoder() pipeline.Decoder { return nil }

// View types, at the top, nested and as dictionary values, read as their
// plain forms with the same values.
func TestViewsReadAsPlain(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	dictType := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.StringView}
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "sv", Type: arrow.BinaryTypes.StringView, Nullable: true},
		{Name: "bv", Type: arrow.BinaryTypes.BinaryView, Nullable: true},
		{Name: "lst", Type: arrow.ListOf(arrow.BinaryTypes.StringView), Nullable: true},
		{Name: "st", Type: arrow.StructOf(arrow.Field{Name: "a", Type: arrow.BinaryTypes.StringView, Nullable: true}), Nullable: true},
		{Name: "m", Type: arrow.MapOf(arrow.BinaryTypes.StringView, arrow.BinaryTypes.BinaryView), Nullable: true},
		{Name: "i", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	}, nil)
	long := strings.Repeat("x", 30) // past the inline length of a view
	js := []string{
		`["a", null, "` + long + `"]`,
		`["YQ==", "` + base64.StdEncoding.EncodeToString([]byte(long)) + `", null]`,
		`[["a", null], null, ["` + long + `"]]`,
		`[{"a": "b"}, null, {"a": "` + long + `"}]`,
		`[[{"key": "k", "value": "dg=="}], null, []]`,
		`[1, null, 3]`,
	}
	cols := make([]arrow.Array, len(js))
	for i, j := range js {
		arr, _, err := array.FromJSON(mem, schema.Field(i).Type, strings.NewReader(j))
		require.NoError(t, err, schema.Field(i).Name)
		cols[i] = arr
	}
	idx, _, err := array.FromJSON(mem, arrow.PrimitiveTypes.Int32, strings.NewReader(`[0, null, 1]`))
	require.NoError(t, err)
	dict, _, err := array.FromJSON(mem, arrow.BinaryTypes.StringView, strings.NewReader(`["p", "`+long+`"]`))
	require.NoError(t, err)
	cols = append(cols, array.NewDictionaryArray(dictType, idx, dict))
	idx.Release()
	dict.Release()
	schema = arrow.NewSchema(append(schema.Fields(), arrow.Field{Name: "cat", Type: dictType, Nullable: true}), nil)
	rec := array.NewRecordBatch(schema, cols, 3)
	for _, c := range cols {
		c.Release()
	}
	values := func(r arrow.RecordBatch) string {
		rows := make([][]any, r.NumRows())
		for i := range rows {
			for _, c := range r.Columns() {
				rows[i] = append(rows[i], c.GetOneForMarshal(i))
			}
		}
		b, err := json.Marshal(rows)
		require.NoError(t, err)
		return string(b)
	}
	want := values(rec)

	src := viewsAsPlain(&oneBatch{rec: rec}, mem)
	require.False(t, hasViews(src.Schema()), "%s", src.Schema())
	c, err := src.Next(context.Background())
	require.NoError(t, err)
	got, err := src.NewDecoder().Decode(context.Background(), c)
	require.NoError(t, err)
	defer got.Release()
	require.True(t, got.Schema().Equal(src.Schema()), "%s\n%s", got.Schema(), src.Schema())
	for _, col := range got.Columns() {
		if v, ok := col.(interface{ ValidateFull() error }); ok {
			require.NoError(t, v.ValidateFull())
		}
	}
	require.Equal(t, want, values(got))
	require.Equal(t, "utf8", got.Schema().Field(0).Type.String())
	require.Equal(t, "binary", got.Schema().Field(1).Type.String())

	plain := &oneBatch{rec: got}
	require.Same(t, pipeline.Source(plain), viewsAsPlain(plain, mem), "a source without views is returned as it is")
}
