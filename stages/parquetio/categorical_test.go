package parquetio

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCategoricalDictionaryPages: a dictionary column (Polars'
// categorical) is written with dictionary pages, which Polars needs to
// read it back as categorical, whatever the row group's cardinality.
func TestCategoricalDictionaryPages(t *testing.T) {
	for _, batchRows := range []int{1, 7, 1000} {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		orig, sc, out := roundTrip(t, mem, "polars_zstd.parquet", batchRows)
		pf, c := parquetColumn(t, out, "cat")
		for rg := 0; rg < pf.NumRowGroups(); rg++ {
			cc, err := pf.MetaData().RowGroup(rg).ColumnChunk(c)
			require.NoError(t, err)
			assert.True(t, cc.HasDictionaryPage(), "row group %d", rg)
			assert.Contains(t, cc.Encodings(), parquet.Encodings.RLEDict, "row group %d", rg)
		}
		require.NoError(t, pf.Close())
		back, bsc := readBack(t, mem, out)
		j := sc.FieldIndices("cat")[0]
		assert.Equal(t, sc.Field(j).Type, bsc.Field(j).Type)
		for j := range orig {
			assert.True(t, array.Equal(orig[j], back[j]), "column %s", sc.Field(j).Name)
		}
		releaseAll(orig)
		releaseAll(back)
		mem.AssertSize(t, 0)
	}
}
