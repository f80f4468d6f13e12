package parquetio

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/sharedmem"
)

// Text handed to the writer as dictionary arrays makes the same column
// chunks, byte for byte, as the writer's own dictionary encoding of the
// plain strings (nulls, a slice with an offset, an empty string among
// the values), and the file stores the sink's schema, not the
// dictionary types.
func TestDictionaryTextSameChunks(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	whole := makeBatch(mem, 3, 3000)
	defer whole.Release()
	for _, bounds := range [][2]int64{{0, 3000}, {17, 2500}} {
		t.Run(fmt.Sprintf("rows=%d-%d", bounds[0], bounds[1]), func(t *testing.T) {
			rec := whole.NewSlice(bounds[0], bounds[1])
			defer rec.Release()
			s, err := NewSink(&bytes.Buffer{}, allTypes, SinkOptions{Mem: mem})
			require.NoError(t, err)
			dict := lowCardinality(rec)
			require.Contains(t, dict, "low")

			encode := func(r arrow.RecordBatch) ([]byte, int) {
				g, err := s.newGroup(r.Schema(), dict, nil, mem)
				require.NoError(t, err)
				require.NoError(t, g.fw.Write(r))
				file, err := g.finish()
				require.NoError(t, err)
				_, end, err := footerOf(file)
				require.NoError(t, err)
				return file, end
			}
			plain, plainEnd := encode(rec)
			drec, err := dictionaryText(rec, dict, mem)
			require.NoError(t, err)
			defer drec.Release()
			assert.Equal(t, arrow.DICTIONARY, drec.Column(12).DataType().ID())
			coded, codedEnd := encode(drec)
			assert.True(t, bytes.Equal(plain[:plainEnd], coded[:codedEnd]), "column chunks differ")

			data, err := runSink(context.Background(), t, mem, &batchSource{recs: []arrow.RecordBatch{rec}}, SinkOptions{GatherRows: 1}, 2, sharedmem.Auto)
			require.NoError(t, err)
			src, err := NewSource([]Input{{Name: "d.parquet", At: bytes.NewReader(data), Size: int64(len(data))}}, Options{Mem: mem})
			require.NoError(t, err)
			defer src.Close()
			assert.True(t, src.Schema().Equal(allTypes), "schema read back: %s", src.Schema())
			got, _ := readColumns(t, mem, src)
			defer releaseAll(got)
			for j, col := range rec.Columns() {
				assert.True(t, array.Equal(col, got[j]), "column %s", allTypes.Field(j).Name)
			}
		})
	}
}
