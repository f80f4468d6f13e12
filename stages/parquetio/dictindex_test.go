package parquetio

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A file whose dictionary page holds fewer values than its data pages
// index (a corrupt file: arrow-go hands the indices on unchecked) is an
// error naming the file, the row group and the column, whether the text
// column stays a dictionary (KeepDictionary, the group-by's keys) or is
// read as strings; the same file intact reads. Nulls are no index.
func TestCorruptDictionaryIndex(t *testing.T) {
	for _, keep := range []bool{true, false} {
		for _, corrupt := range []bool{true, false} {
			name := map[bool]string{true: "keep", false: "strings"}[keep] + map[bool]string{true: "/corrupt", false: "/intact"}[corrupt]
			t.Run(name, func(t *testing.T) {
				mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
				defer mem.AssertSize(t, 0)
				data := dictionaryFile(t, mem, corrupt)
				src, err := NewSource([]Input{{Name: "dict.parquet", At: bytes.NewReader(data), Size: int64(len(data))}}, Options{Mem: mem})
				require.NoError(t, err)
				defer src.Close()
				if keep {
					require.NoError(t, src.KeepDictionary([]string{"region"}))
				}
				var rows int64
				for {
					rec, err := nextBatch(src)
					if errors.Is(err, io.EOF) {
						break
					}
					if corrupt && err != nil {
						assert.Contains(t, err.Error(), "dict.parquet: row group 1")
						assert.Contains(t, err.Error(), "region")
						assert.Contains(t, err.Error(), "out of")
						assert.ErrorIs(t, err, ErrCorrupt)
						return
					}
					require.NoError(t, err)
					if keep {
						assert.Equal(t, arrow.DICTIONARY, rec.Column(1).DataType().ID())
					}
					rows += rec.NumRows()
					rec.Release()
				}
				require.False(t, corrupt, "a corrupt file read without error")
				assert.EqualValues(t, 2*groupRows, rows)
			})
		}
	}
}

const groupRows = 100

// dictionaryFile writes two row groups of (n int64, region utf8), region
// dictionary-encoded, with the values EU, NA and XX in the second; corrupt
// rewrites that dictionary page's count of values from 3 to 2, so that the
// rows of XX index past its end.
func dictionaryFile(t *testing.T, mem memory.Allocator, corrupt bool) []byte {
	t.Helper()
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "n", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "region", Type: arrow.BinaryTypes.String, Nullable: true},
	}, nil)
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	for i := range 2 * groupRows {
		r := []string{"EU", "NA", "EU", "NA"}[i%4]
		switch {
		case i%7 == 3:
			r = "" // null
		case i >= groupRows && i%5 == 2:
			r = "XX"
		}
		b.Field(0).(*array.Int64Builder).Append(int64(i))
		if r == "" {
			b.Field(1).AppendNull()
		} else {
			b.Field(1).(*array.StringBuilder).Append(r)
		}
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	var buf bytes.Buffer
	props := parquet.NewWriterProperties(parquet.WithAllocator(mem), parquet.WithDictionaryDefault(true),
		parquet.WithMaxRowGroupLength(groupRows))
	fw, err := pqarrow.NewFileWriter(schema, &buf, props, pqarrow.NewArrowWriterProperties(pqarrow.WithAllocator(mem)))
	require.NoError(t, err)
	require.NoError(t, fw.Write(rec))
	require.NoError(t, fw.Close())
	data := buf.Bytes()
	if !corrupt {
		return data
	}
	pf, err := file.NewParquetReader(bytes.NewReader(data))
	require.NoError(t, err)
	chunk, err := pf.MetaData().RowGroup(1).ColumnChunk(1)
	require.NoError(t, err)
	require.True(t, chunk.HasDictionaryPage())
	at := chunk.DictionaryPageOffset()
	require.NoError(t, pf.Close())
	// The page header, Thrift compact: ... field 7 (the dictionary page
	// header, a struct) then its field 1, num_values, as a zigzag varint:
	// 3 is 0x06, 2 is 0x04.
	hdr := data[at : at+32]
	k := bytes.Index(hdr, []byte{0x15, 0x06, 0x15, 0x00}) // num_values 3, encoding PLAIN (0)
	require.GreaterOrEqual(t, k, 0, "no dictionary page header with 3 values in % x", hdr)
	hdr[k+1] = 0x04
	return data
}
