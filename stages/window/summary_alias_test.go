package window

import (
	"context"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// poisonAllocator overwrites memory when it is freed, as a pool that hands
// it to the next batch would.
type poisonAllocator struct{ memory.GoAllocator }

func (p *poisonAllocator) Free(b []byte) {
	for i := range b {
		b[i] = 'X'
	}
}

// Counting a value seen before must not leave the count keyed by the
// batch's own bytes: Go's map assignment replaces a string key with the
// one given, and the batch is released (and its memory reused) after
// Process. Once, summary of a text file gave garbage top values.
func TestSummaryKeysOutliveTheirBatch(t *testing.T) {
	mem := &poisonAllocator{}
	schema := arrow.NewSchema([]arrow.Field{{Name: "region", Type: arrow.BinaryTypes.String}}, nil)
	w := &summarizer{cols: []colStats{newColStats(arrow.BinaryTypes.String)}}
	for range 3 {
		b := array.NewStringBuilder(mem)
		b.AppendValues([]string{"EU", "EU", "NA", "EU"}, nil)
		col := b.NewArray()
		b.Release()
		rec := array.NewRecordBatch(schema, []arrow.Array{col}, int64(col.Len()))
		col.Release()
		out, err := w.Process(context.Background(), 0, rec) // releases rec: its bytes become X
		require.NoError(t, err)
		assert.Nil(t, out)
	}
	r := w.cols[0].result()
	assert.Equal(t, int64(2), r.distinct)
	assert.Equal(t, "EU (9), NA (3)", r.top)
	assert.Equal(t, "EU", r.min)
	assert.Equal(t, "NA", r.max)
}
