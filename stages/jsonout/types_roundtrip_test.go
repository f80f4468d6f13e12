package jsonout

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

	"github.com/arrowpipe/arrowpipe/stages/jsonin"
)

// TestDuckDBTypesRoundTrip reads the NDJSON DuckDB writes (NaN and
// ±Infinity, zone-less and +00 timestamps, dates), writes it in batches
// of 1 to 6 rows and reads it back: the same types and values.
func TestDuckDBTypesRoundTrip(t *testing.T) {
	raw, err := os.ReadFile("../textval/testdata/duckdb.json")
	require.NoError(t, err)
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	want := readJSON(t, raw, jsonin.Options{Mem: mem, BatchRows: 1000})
	defer want.Release()
	for _, batch := range []int{1, 2, 6} {
		in := readJSON(t, raw, jsonin.Options{Mem: mem, BatchRows: batch})
		var out bytes.Buffer
		sink := NewSink(&out, want.Schema())
		enc := sink.NewEncoder()
		for start := int64(0); start < in.NumRows(); start += int64(batch) {
			part := in.NewSlice(start, min(start+int64(batch), in.NumRows()))
			c, err := enc.Encode(context.Background(), part)
			part.Release()
			require.NoError(t, err)
			require.NoError(t, sink.Write(context.Background(), c))
		}
		require.NoError(t, sink.Close(context.Background()))
		in.Release()
		got := readJSON(t, out.Bytes(), jsonin.Options{Mem: mem, BatchRows: 1000})
		assert.True(t, want.Schema().Equal(got.Schema()), "%s vs %s", want.Schema(), got.Schema())
		for j := range int(want.NumCols()) {
			assert.True(t, array.ApproxEqual(want.Column(j), got.Column(j), array.WithNaNsEqual(true)),
				"batch=%d column %s: %s\n%s", batch, want.Schema().Field(j).Name, got.Column(j), out.String())
		}
		got.Release()
	}
}

// readJSON reads text whole into one batch.
func readJSON(t *testing.T, text []byte, opts jsonin.Options) arrow.RecordBatch {
	t.Helper()
	ctx := context.Background()
	src, err := jsonin.NewSource(ctx, []jsonin.Input{{Name: "in", R: bytes.NewReader(text)}}, opts)
	require.NoError(t, err)
	defer src.Close()
	dec := src.NewDecoder()
	var recs []arrow.RecordBatch
	for {
		c, err := src.Next(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		rec, err := dec.Decode(ctx, c)
		require.NoError(t, err)
		if rec != nil {
			recs = append(recs, rec)
		}
	}
	cols := make([]arrow.Array, src.Schema().NumFields())
	n := int64(0)
	for _, r := range recs {
		n += r.NumRows()
	}
	for j := range cols {
		parts := make([]arrow.Array, len(recs))
		for i, r := range recs {
			parts[i] = r.Column(j)
		}
		cols[j], err = array.Concatenate(parts, opts.Mem)
		require.NoError(t, err)
	}
	for _, r := range recs {
		r.Release()
	}
	rec := array.NewRecordBatch(src.Schema(), cols, n)
	for _, c := range cols {
		c.Release()
	}
	return rec
}
