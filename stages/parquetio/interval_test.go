package parquetio

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/schema"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// roundTrip reads the corpus file name in batches of batchRows, writes
// it with the sink (small batches gathered, large ones encoded), and
// returns the original's columns, its schema and the bytes written.
func roundTrip(t *testing.T, mem memory.Allocator, name string, batchRows int) ([]arrow.Array, *arrow.Schema, []byte) {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "..", "samples", "corpus", name))
	require.NoError(t, err)
	defer f.Close()
	st, err := f.Stat()
	require.NoError(t, err)
	src, err := NewSource([]Input{{Name: name, At: f, Size: st.Size()}}, Options{BatchRows: batchRows, Mem: mem})
	require.NoError(t, err)
	defer src.Close()
	var recs []arrow.RecordBatch
	for {
		rec, err := nextBatch(src)
		if err != nil {
			break
		}
		recs = append(recs, rec)
	}
	out := write(t, mem, SinkOptions{GatherRows: 10}, src.Schema(), recs...)
	return concat(t, mem, src.Schema().NumFields(), recs), src.Schema(), out
}

// readBack reads data with the source and returns its columns and schema.
func readBack(t *testing.T, mem memory.Allocator, data []byte) ([]arrow.Array, *arrow.Schema) {
	t.Helper()
	src, err := NewSource([]Input{{Name: "out.parquet", At: bytes.NewReader(data), Size: int64(len(data))}}, Options{Mem: mem})
	require.NoError(t, err)
	defer src.Close()
	cols, _ := readColumns(t, mem, src)
	return cols, src.Schema()
}

// parquetColumn returns the Parquet schema column of data named name.
func parquetColumn(t *testing.T, data []byte, name string) (*file.Reader, int) {
	t.Helper()
	pf, err := file.NewParquetReader(bytes.NewReader(data))
	require.NoError(t, err)
	c := pf.MetaData().Schema.ColumnIndexByName(name)
	require.GreaterOrEqual(t, c, 0, name)
	return pf, c
}

// TestIntervalRoundTrip: DuckDB's INTERVAL column reads as
// fixed_size_binary[12] marked INTERVAL and is written back annotated
// INTERVAL with the same bytes, twice over.
func TestIntervalRoundTrip(t *testing.T) {
	for _, batchRows := range []int{1, 7, 1000} {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		orig, sc, out := roundTrip(t, mem, "duckdb_zstd.parquet", batchRows)
		iv := sc.FieldIndices("iv")
		require.Len(t, iv, 1)
		assert.True(t, isInterval(sc.Field(iv[0])), "%s", sc.Field(iv[0]))
		for pass := 0; pass < 2; pass++ {
			pf, c := parquetColumn(t, out, "iv")
			col := pf.MetaData().Schema.Column(c)
			assert.Equal(t, schema.ConvertedTypes.Interval, col.ConvertedType())
			assert.Equal(t, parquet.Types.FixedLenByteArray, col.PhysicalType())
			assert.Equal(t, 12, col.TypeLength())
			require.NoError(t, pf.Close())
			back, bsc := readBack(t, mem, out)
			assert.True(t, isInterval(bsc.Field(iv[0])))
			for j := range orig {
				assert.True(t, array.Equal(orig[j], back[j]), "column %s", sc.Field(j).Name)
			}
			recs := []arrow.RecordBatch{array.NewRecordBatch(bsc, back, int64(back[0].Len()))}
			releaseAll(back)
			out = write(t, mem, SinkOptions{}, bsc, recs...)
			recs[0].Release()
		}
		releaseAll(orig)
		mem.AssertSize(t, 0)
	}
}
