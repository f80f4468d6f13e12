package bench

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"strconv"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/sharedmem"
)

// csvRecords reads a whole CSV document; the header comes first.
func csvRecords(t *testing.T, b []byte) [][]string {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	require.NoError(t, err)
	require.NotEmpty(t, recs, "no header")
	return recs
}

// runCSVCell runs one CSV scenario cell on a checked allocator and returns
// its output.
func runCSVCell(t *testing.T, d *datasets, name string, mode sharedmem.Mode, batch, workers, rows int) ([]byte, runStats) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	c := cell{scenario: lookupScenario(name), mode: mode, batchRows: batch, workers: workers}
	r, err := prepareCell(ctx, d, c, Config{Rows: rows})
	require.NoError(t, err)
	defer r.close()
	var out bytes.Buffer
	r.out = &out
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	st, err := r.run(ctx, mem)
	require.NoError(t, err)
	assert.Equal(t, int64(out.Len()), st.outBytes)
	assert.Equal(t, int64(len(r.data)), st.inputBytes)
	return out.Bytes(), st
}

// The CSV scenarios, differentially: their output against the same
// computation done row by row on the input read with encoding/csv.
func TestCSVScenarios(t *testing.T) {
	const rows = 3000
	d := newDatasets(11)
	defer func() { assert.NoError(t, d.close()) }()
	data, err := d.csvData(context.Background(), rows)
	require.NoError(t, err)
	in := csvRecords(t, data.data)
	require.Len(t, in, rows+1)

	// Reference: filter ids, and per-region count, sum(qty), sum(price).
	var wantIDs []string
	type agg struct {
		n, qty int64
		price  float64
	}
	wantGroups := map[string]*agg{}
	for _, rec := range in[1:] {
		qty, err := strconv.ParseInt(rec[4], 10, 64)
		require.NoError(t, err)
		price, err := strconv.ParseFloat(rec[5], 64)
		require.NoError(t, err)
		if qty > 50 && rec[2] == "EU" {
			wantIDs = append(wantIDs, rec[0])
		}
		g := wantGroups[rec[2]]
		if g == nil {
			g = &agg{}
			wantGroups[rec[2]] = g
		}
		g.n++
		g.qty += qty
		g.price += price
	}
	require.NotEmpty(t, wantIDs)

	for _, mode := range []sharedmem.Mode{sharedmem.Copy, sharedmem.Shared, sharedmem.Auto} {
		for _, batch := range []int{50, 1024} {
			for _, workers := range []int{1, 3} {
				tag := fmt.Sprintf("mode=%s/batch=%d/workers=%d", mode, batch, workers)
				t.Run("scenario=parse-filter-write/"+tag, func(t *testing.T) {
					out, st := runCSVCell(t, d, "parse-filter-write", mode, batch, workers, rows)
					recs := csvRecords(t, out)
					assert.Equal(t, in[0], recs[0], "header")
					var ids []string
					for _, rec := range recs[1:] {
						ids = append(ids, rec[0])
					}
					assert.Equal(t, wantIDs, ids)
					last := st.metrics.Stages[len(st.metrics.Stages)-1]
					assert.Equal(t, int64(len(wantIDs)), last.RowsIn)
				})
				t.Run("scenario=groupby/"+tag, func(t *testing.T) {
					out, _ := runCSVCell(t, d, "groupby", mode, batch, workers, rows)
					recs := csvRecords(t, out)
					require.Len(t, recs, len(wantGroups)+1)
					assert.Equal(t, "region", recs[0][0])
					assert.Equal(t, "n", recs[0][1])
					for _, rec := range recs[1:] {
						require.Len(t, rec, 4)
						want := wantGroups[rec[0]]
						require.NotNil(t, want, "region %q", rec[0])
						assert.Equal(t, strconv.FormatInt(want.n, 10), rec[1], "count of %s", rec[0])
						assert.Equal(t, strconv.FormatInt(want.qty, 10), rec[2], "sum(qty) of %s", rec[0])
						mean, err := strconv.ParseFloat(rec[3], 64)
						require.NoError(t, err)
						assert.InEpsilon(t, want.price/float64(want.n), mean, 1e-9, "mean(price) of %s", rec[0])
					}
				})
			}
		}
	}
}
