package csvout_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/stages/csvin"
	"github.com/arrowpipe/arrowpipe/stages/csvout"
)

// TestTypesRoundTrip reads DuckDB's CSV fixture (every text type, float
// specials, zone-less and UTC timestamps), writes it as CSV and as TSV in
// batches of 1 to 6 rows, and reads that back: the same types and values.
func TestTypesRoundTrip(t *testing.T) {
	raw, err := os.ReadFile("../textval/testdata/duckdb.csv")
	require.NoError(t, err)
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	want := readBatches(t, raw, csvin.Options{Mem: mem, BatchRows: 1000})
	defer releaseAll(want)
	require.Len(t, want, 1)
	for _, tsv := range []bool{false, true} {
		for _, batch := range []int{1, 2, 6} {
			in := readBatches(t, raw, csvin.Options{Mem: mem, BatchRows: batch})
			var out bytes.Buffer
			opts := csvout.Options{}
			if tsv {
				opts.Delimiter = '\t'
			}
			sink, err := csvout.NewSink(&out, want[0].Schema(), opts)
			require.NoError(t, err)
			enc := sink.NewEncoder()
			for _, rec := range in {
				c, err := enc.Encode(context.Background(), rec)
				require.NoError(t, err)
				require.NoError(t, sink.Write(context.Background(), c))
			}
			require.NoError(t, sink.Close(context.Background()))
			releaseAll(in)
			got := readBatches(t, out.Bytes(), csvin.Options{Mem: mem, BatchRows: 1000, TSV: tsv})
			require.Len(t, got, 1)
			assert.True(t, want[0].Schema().Equal(got[0].Schema()), "tsv=%v: %s vs %s", tsv, want[0].Schema(), got[0].Schema())
			for j := range want[0].NumCols() {
				if name := want[0].Schema().Field(int(j)).Name; tsv && name == "s" {
					// TSV has no quotes: the empty string (row 4) is
					// written as a null is, and read back as null.
					ws, gs := want[0].Column(int(j)).(*array.String), got[0].Column(int(j)).(*array.String)
					for i := range ws.Len() {
						if ws.IsValid(i) && ws.Value(i) == "" {
							assert.True(t, gs.IsNull(i))
							continue
						}
						assert.Equal(t, ws.IsValid(i), gs.IsValid(i))
						assert.Equal(t, ws.Value(i), gs.Value(i))
					}
					continue
				}
				assert.True(t, array.ApproxEqual(want[0].Column(int(j)), got[0].Column(int(j)), array.WithNaNsEqual(true)),
					"tsv=%v batch=%d column %s: %s\n%s", tsv, batch, want[0].Schema().Field(int(j)).Name, got[0].Column(int(j)), out.String())
			}
			releaseAll(got)
		}
	}
}

func readBatches(t *testing.T, text []byte, opts csvin.Options) []arrow.RecordBatch {
	t.Helper()
	ctx := context.Background()
	src, err := csvin.NewSource(ctx, []csvin.Input{{Name: "in", R: bytes.NewReader(text)}}, opts)
	require.NoError(t, err)
	defer src.Close()
	dec := src.NewDecoder()
	var out []arrow.RecordBatch
	for {
		c, err := src.Next(ctx)
		if errors.Is(err, io.EOF) {
			return out
		}
		require.NoError(t, err)
		rec, err := dec.Decode(ctx, c)
		require.NoError(t, err)
		if rec != nil {
			out = append(out, rec)
		}
	}
}

func releaseAll(recs []arrow.RecordBatch) {
	for _, r := range recs {
		r.Release()
	}
}
