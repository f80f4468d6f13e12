package parquetio

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Text read through its dictionary equals what was written: whole
// dictionary chunks, a chunk that fell back to plain pages part way
// (small dictionary page limit), nulls, several row groups, and a
// projection that reorders the columns.
func TestDictionaryTextReadsAsWritten(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "low", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "high", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "n", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	}, nil)
	r := rand.New(rand.NewPCG(7, 18))
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	const rows = 3000
	for i := range rows {
		low, high := b.Field(0).(*array.StringBuilder), b.Field(1).(*array.StringBuilder)
		if r.IntN(7) == 0 {
			low.AppendNull()
		} else {
			low.Append([]string{"EU", "NA", "", "ü-région"}[r.IntN(4)])
		}
		if r.IntN(9) == 0 {
			high.AppendNull()
		} else {
			high.Append(fmt.Sprintf("value-%d-%d", i, r.IntN(1000)))
		}
		b.Field(2).(*array.Int64Builder).Append(int64(i))
	}
	rec := b.NewRecordBatch()
	defer rec.Release()

	var buf bytes.Buffer
	props := parquet.NewWriterProperties(parquet.WithAllocator(mem), parquet.WithDictionaryDefault(true),
		parquet.WithDictionaryPageSizeLimit(2048), parquet.WithMaxRowGroupLength(700), parquet.WithDataPageSize(512))
	fw, err := pqarrow.NewFileWriter(schema, &buf, props, pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema(), pqarrow.WithAllocator(mem)))
	require.NoError(t, err)
	require.NoError(t, fw.Write(rec))
	require.NoError(t, fw.Close())
	data := buf.Bytes()

	for _, cols := range [][]string{nil, {"high", "low"}} {
		t.Run(fmt.Sprintf("columns=%v", cols), func(t *testing.T) {
			src, err := NewSource([]Input{{Name: "d.parquet", At: bytes.NewReader(data), Size: int64(len(data))}}, Options{Columns: cols, Mem: mem})
			require.NoError(t, err)
			defer src.Close()
			got, _ := readColumns(t, mem, src)
			defer releaseAll(got)
			for j, f := range src.Schema().Fields() {
				assert.Equal(t, schema.Field(schema.FieldIndices(f.Name)[0]).Type, f.Type, f.Name)
				assert.True(t, array.Equal(rec.Column(schema.FieldIndices(f.Name)[0]), got[j]), "column %s", f.Name)
			}
		})
	}
}

// densify keeps a slice's offset and nulls, and rejects an index outside
// the dictionary.
func TestDensify(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	dt := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}
	db := array.NewDictionaryBuilder(mem, dt).(*array.BinaryDictionaryBuilder)
	defer db.Release()
	want := array.NewStringBuilder(mem)
	defer want.Release()
	for i := range 40 {
		if i%6 == 0 {
			db.AppendNull()
			want.AppendNull()
			continue
		}
		v := []string{"a", "bb", "", "dddd"}[i%4]
		require.NoError(t, db.AppendString(v))
		want.Append(v)
	}
	dict := db.NewArray()
	defer dict.Release()
	dense := want.NewArray()
	defer dense.Release()
	for _, bounds := range [][2]int64{{0, 40}, {5, 31}, {13, 13}} {
		s := array.NewSlice(dict, bounds[0], bounds[1])
		d, err := densify(s.Data(), arrow.BinaryTypes.String, mem)
		s.Release()
		require.NoError(t, err)
		got := array.MakeFromData(d)
		d.Release()
		w := array.NewSlice(dense, bounds[0], bounds[1])
		assert.True(t, array.Equal(w, got), "rows %v: %v, want %v", bounds, got, w)
		w.Release()
		got.Release()
	}

	idx := array.NewInt32Builder(mem)
	defer idx.Release()
	idx.AppendValues([]int32{0, 3}, nil)
	indices := idx.NewArray()
	defer indices.Release()
	values := array.NewStringBuilder(mem)
	defer values.Release()
	values.AppendValues([]string{"x", "y"}, nil)
	vals := values.NewArray()
	defer vals.Release()
	bad := array.NewDictionaryArray(dt, indices, vals)
	defer bad.Release()
	_, err := densify(bad.Data(), arrow.BinaryTypes.String, mem)
	assert.ErrorContains(t, err, "dictionary index 3 out of range")
}
