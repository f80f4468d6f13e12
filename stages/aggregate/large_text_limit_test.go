package aggregate

import (
	"context"
	"errors"
	"math"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

func TestTextSpan(t *testing.T) {
	assert.NoError(t, textSpan([]int64{5, 5 + math.MaxInt32}))
	err := textSpan([]int64{5, 6 + math.MaxInt32})
	var te *verb.TypeError
	require.True(t, errors.As(err, &te))
	assert.Contains(t, te.Advice(), "--batch-rows")
}

// A large_utf8 batch whose text spans more than 2 GiB, as one Parquet row
// group of long texts decodes to, is a type error naming the column for
// every verb that reads the column as text, not a panic. The 2 GiB data
// buffer is never written, so the OS backs it with no memory.
func TestLargeTextOver2GiB(t *testing.T) {
	data := make([]byte, 2<<30+64)
	offs := []int64{0, 1 << 30, 2 << 30, 2<<30 + 64}
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "k", Type: arrow.PrimitiveTypes.Int64},
		{Name: "t", Type: arrow.BinaryTypes.LargeString},
	}, nil)
	for _, tc := range []struct {
		verb string
		args []string
	}{
		{"groupby", []string{"t", "count() as n"}},
		{"groupby", []string{"k", "first(t)"}},
		{"groupby", []string{"k", "count_distinct(t)"}},
		{"sort", []string{"t"}},
		{"top", []string{"2", "t"}},
		{"top", []string{"1", "k", "t"}},
		{"distinct", []string{"t"}},
	} {
		t.Run(tc.verb+" "+tc.args[0]+" "+tc.args[len(tc.args)-1], func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			st, _, err := buildVerb(t, verb.Env{Mem: mem, Workers: 1, TempDir: t.TempDir()}, tc.verb, schema, tc.args...)
			require.NoError(t, err)
			kb := array.NewInt64Builder(mem)
			kb.AppendValues([]int64{1, 2, 3}, nil)
			k := kb.NewArray()
			kb.Release()
			td := array.NewData(arrow.BinaryTypes.LargeString, 3, []*memory.Buffer{nil,
				memory.NewBufferBytes(arrow.Int64Traits.CastToBytes(offs)), memory.NewBufferBytes(data)}, nil, 0, 0)
			text := array.MakeFromData(td)
			td.Release()
			rec := array.NewRecordBatch(schema, []arrow.Array{k, text}, 3)
			k.Release()
			text.Release()
			src := &recSource{schema: schema, recs: []arrow.RecordBatch{rec}}
			defer src.release()
			sink := &recSink{}
			err = pipeline.New(src, []pipeline.Stage{st}, sink, pipeline.Config{Mem: mem}).Run(context.Background())
			releaseAll(sink.recs)
			var te *verb.TypeError
			require.True(t, errors.As(err, &te), "a TypeError: %v", err)
			assert.Equal(t, "t", te.Column)
			assert.Contains(t, err.Error(), `column "t"`)
			assert.Contains(t, err.Error(), "2 GiB")
		})
	}
}
