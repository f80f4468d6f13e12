package parquetio

import (
	"bytes"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/sharedmem"
)

// Small slices of one large batch (what a partitioned write hands each
// open file) are gathered by their own bytes: a row group holds many of
// them, not one each. (Nested columns, here the list, count the buffers
// they pin, so the test leaves it out.)
func TestGatherCountsSlicesByOwnBytes(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	all := makeBatch(mem, 0, 1000)
	defer all.Release()
	flat := arrow.NewSchema(allTypes.Fields()[:allTypes.NumFields()-1], nil)
	rec := array.NewRecordBatch(flat, all.Columns()[:flat.NumFields()], all.NumRows())
	defer rec.Release()
	var slices []arrow.RecordBatch
	for i := int64(0); i < 1000; i += 10 {
		slices = append(slices, rec.NewSlice(i, i+10))
	}
	data := write(t, mem, SinkOptions{RowGroupBytes: sharedmem.LiveBytes(rec) / 2}, flat, slices...)
	for _, s := range slices {
		s.Release()
	}
	pf, err := file.NewParquetReader(bytes.NewReader(data))
	require.NoError(t, err)
	defer pf.Close()
	assert.Equal(t, int64(1000), pf.NumRows())
	assert.GreaterOrEqual(t, pf.NumRowGroups(), 2)
	assert.LessOrEqual(t, pf.NumRowGroups(), 3, "a row group per half of the rows' bytes, not per slice")

	cols := readAll(t, mem, data)
	defer releaseAll(cols)
	for j, col := range rec.Columns() {
		assert.True(t, array.Equal(col, cols[j]), "column %s", flat.Field(j).Name)
	}
}

// Number columns with few distinct values are dictionary-encoded, others
// are not, and both read back as written.
func TestNumberDictionary(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "qty", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "discount", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		{Name: "id", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "price", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	}, nil)
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	const rows = 20000
	for i := range rows {
		b.Field(0).(*array.Int64Builder).Append(int64(i%100 + 1))
		if i%3 == 0 {
			b.Field(1).AppendNull()
		} else {
			b.Field(1).(*array.Float64Builder).Append(float64(i%6) / 20)
		}
		b.Field(2).(*array.Int64Builder).Append(int64(i))
		b.Field(3).(*array.Float64Builder).Append(float64(i) * 1.01)
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	data := write(t, mem, SinkOptions{}, schema, rec)

	pf, err := file.NewParquetReader(bytes.NewReader(data))
	require.NoError(t, err)
	defer pf.Close()
	rg := pf.MetaData().RowGroup(0)
	for j, want := range []bool{true, true, false, false} {
		cc, err := rg.ColumnChunk(j)
		require.NoError(t, err)
		assert.Equal(t, want, cc.HasDictionaryPage(), "column %s dictionary-encoded", schema.Field(j).Name)
		set, err := cc.StatsSet()
		require.NoError(t, err)
		assert.True(t, set, "column %s statistics", schema.Field(j).Name)
	}

	src, err := NewSource([]Input{{Name: "n.parquet", At: bytes.NewReader(data), Size: int64(len(data))}}, Options{Mem: mem})
	require.NoError(t, err)
	defer src.Close()
	cols, _ := readColumns(t, mem, src)
	defer releaseAll(cols)
	for j, col := range rec.Columns() {
		assert.True(t, array.Equal(col, cols[j]), "column %s", schema.Field(j).Name)
	}
}
