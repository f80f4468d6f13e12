package aggregate

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/sharedmem"
	"github.com/arrowpipe/arrowpipe/stages/parquetio"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// The verbs on the decimal(10,2) and decimal(38,6) columns of a Parquet
// file DuckDB wrote (samples/corpus/make.cjs), against DuckDB's own
// answers:
//
//	SELECT s, sum(dec), avg(dec), min(dec38), max(dec), count(DISTINCT dec),
//	  sum(dec38), avg(dec38) FROM 'duckdb_zstd.parquet' GROUP BY s ORDER BY s
//	SELECT i, dec FROM 'duckdb_zstd.parquet' ORDER BY dec38 DESC LIMIT 3
func TestDecimalDuckDBFile(t *testing.T) {
	for _, mode := range []sharedmem.Mode{sharedmem.Shared, sharedmem.Copy, sharedmem.Auto} {
		for _, workers := range []int{1, 4} {
			t.Run(fmt.Sprintf("mode=%v/workers=%d", mode, workers), func(t *testing.T) {
				mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
				defer mem.AssertSize(t, 0)
				run := func(verbName string, args ...string) ([][]string, *arrow.Schema) {
					f, err := os.Open("../../samples/corpus/duckdb_zstd.parquet")
					require.NoError(t, err)
					defer f.Close()
					st, err := f.Stat()
					require.NoError(t, err)
					src, err := parquetio.NewSource([]parquetio.Input{{Name: "duckdb_zstd.parquet", At: f, Size: st.Size()}},
						parquetio.Options{Columns: []string{"i", "dec", "dec38", "s"}, Mem: mem})
					require.NoError(t, err)
					stage, schema, err := buildVerb(t, verb.Env{Workers: workers, Mem: mem}, verbName, src.Schema(), args...)
					require.NoError(t, err)
					sink := &recSink{}
					p := pipeline.New(src, []pipeline.Stage{stage}, sink, pipeline.Config{
						Handoff: sharedmem.Policy{Mode: mode}, Mem: mem, DecodeWorkers: workers, EncodeWorkers: workers,
					})
					require.NoError(t, p.Run(context.Background()))
					defer releaseAll(sink.recs)
					return cells(t, sink.recs), schema
				}
				got, schema := run("groupby", "s", "sum(dec), mean(dec), min(dec38), max(dec), count_distinct(dec), sum(dec38), mean(dec38)")
				assert.Equal(t, [][]string{
					{"r0", "612.00", "36", "0.000000", "72.00", "17", "503703699.528000", "29629629.38"},
					{"r1", "637.50", "37.5", "1234567.891000", "73.50", "17", "524691353.675000", "30864197.27"}, // DuckDB's 30864197.275, the double just below it,
					{"r2", "588.00", "36.75", "2469135.782000", "70.50", "16", "483950613.272000", "30246913.33"},
				}, got)
				assert.Equal(t, "decimal(38, 2)", schema.Field(1).Type.String())
				got, _ = run("top", "3", "dec38 desc")
				assert.Equal(t, [][]string{
					{"49", "73.50", "60493826.659000", "r1"},
					{"48", "72.00", "59259258.768000", "r0"},
					{"47", "70.50", "58024690.877000", "r2"},
				}, got)
			})
		}
	}
}
