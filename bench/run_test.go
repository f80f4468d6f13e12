package bench

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/sharedmem"
)

// testTimeout bounds every run in these tests, so a hang fails.
const testTimeout = 2 * time.Minute

func TestRunQuick(t *testing.T) {
	cfg := Quick()
	cfg.Scenarios = []string{"handoff", "chain"}
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	var progress bytes.Buffer
	results, err := Run(ctx, cfg, &progress)
	require.NoError(t, err)

	// Every cell of the two sweeps, once, worked out here from the profile.
	procs := runtime.GOMAXPROCS(0)
	want := map[string]bool{}
	for _, sc := range cfg.Scenarios {
		for _, m := range []string{"copy", "shared", "auto"} {
			for _, b := range cfg.BatchRows {
				want[cellKey(sc, m, b, procs)] = true
			}
			for _, w := range cfg.Workers {
				want[cellKey(sc, m, cfg.WorkerSweepBatch, w)] = true
			}
		}
	}
	got := map[string]bool{}
	for _, r := range results {
		k := cellKey(r.Scenario, r.Mode, r.BatchRows, r.Workers)
		assert.False(t, got[k], "cell %s twice", k)
		got[k] = true
	}
	assert.Equal(t, want, got)

	for _, r := range results {
		t.Run(cellKey(r.Scenario, r.Mode, r.BatchRows, r.Workers), func(t *testing.T) {
			require.Len(t, r.Runs, cfg.Repeats)
			assert.Equal(t, int64(cfg.Rows), r.Rows, "rows in")
			assert.Equal(t, int64(cfg.Rows), r.OutRows, "rows out")
			assert.Equal(t, int64((cfg.Rows+r.BatchRows-1)/r.BatchRows), r.Batches)
			assert.Positive(t, r.RowsPerSec.Min)
			assert.Positive(t, r.MBPerSec.Median)
			assert.Positive(t, r.BatchesPerSec.Median)
			assert.Positive(t, r.AllocsPerBatch.Median)
			assert.LessOrEqual(t, r.RowsPerSec.Min, r.RowsPerSec.Median)
			assert.LessOrEqual(t, r.RowsPerSec.Median, r.RowsPerSec.Max)
			assert.LessOrEqual(t, r.LatencyP50Seconds.Median, r.LatencyP99Seconds.Median)
			assert.Equal(t, r.RowsPerSec.Spread() > NoisySpread, r.Noisy)
			// Every batch crosses every boundary: the decoder's and each stage's.
			stages := map[string]int64{"handoff": 2, "chain": 6}[r.Scenario]
			crossings := r.Batches * (stages + 1)
			assert.Equal(t, crossings, r.CopiedBatches+r.SharedBatches)
			switch r.Mode {
			case "copy":
				assert.Positive(t, r.CopiedBytes)
				assert.Zero(t, r.SharedBytes)
				assert.Zero(t, r.SharedBatches)
			case "shared":
				assert.Zero(t, r.CopiedBytes)
				assert.Zero(t, r.CopiedBatches)
				assert.Positive(t, r.SharedBytes)
			}
		})
	}

	out := progress.String()
	n := len(results)
	assert.Contains(t, out, fmt.Sprintf("\r[1/%d] handoff mode=copy batch=1024 workers=%d rep 1/2", n, procs))
	assert.Contains(t, out, fmt.Sprintf("[%d/%d] chain mode=auto", n, n))
	assert.Contains(t, out, "warm-up")
	assert.Contains(t, out, "not the full cross product")
	assert.True(t, strings.HasSuffix(out, "\n"), "progress ends its line")
}

// TestModesDeliverSameRows is the differential test of the handoff modes:
// whatever the route, the sink sees every row once, and the pipeline's
// allocations are all released.
func TestModesDeliverSameRows(t *testing.T) {
	const rows = 2000 // ids 1..rows, one pass over the generated table
	d := newDatasets(7)
	for _, sc := range []string{"handoff", "chain"} {
		for _, mode := range []sharedmem.Mode{sharedmem.Copy, sharedmem.Shared, sharedmem.Auto} {
			for _, batch := range []int{13, 500, 4000} {
				for _, workers := range []int{1, 3} {
					name := fmt.Sprintf("scenario=%s/mode=%s/batch=%d/workers=%d", sc, mode, batch, workers)
					t.Run(name, func(t *testing.T) {
						c := cell{scenario: lookupScenario(sc), mode: mode, batchRows: batch, workers: workers}
						ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
						defer cancel()
						r, err := prepareCell(ctx, d, c, Config{Rows: rows})
						require.NoError(t, err)
						defer r.close()
						mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
						st, err := r.run(ctx, mem)
						require.NoError(t, err)
						assert.Equal(t, int64(rows)*(rows+1)/2, st.idSum)
						last := st.metrics.Stages[len(st.metrics.Stages)-1]
						assert.Equal(t, int64(rows), last.RowsIn)
						mem.AssertSize(t, 0)
					})
				}
			}
		}
	}
}

// TestCycleSourceRepeatsTable checks that a cell larger than the generated
// table cycles over it: twice the rows, twice the id sum.
func TestCycleSourceRepeatsTable(t *testing.T) {
	const table = 3000
	d := newDatasets(1)
	o, err := d.ordersData(context.Background(), table)
	require.NoError(t, err)
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	batches := o.batches(mem, 1000)
	require.Len(t, batches, 3)
	live := []int64{10, 20, 30}
	src := &cycleSource{batches: batches, live: live, n: 7}
	var ids float64
	var rows int
	for {
		c, err := src.Next(context.Background())
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		ids += columnSum(c.Batch.Column(colID))
		rows += c.Rows
		c.Batch.Release()
	}
	assert.Equal(t, 7000, rows)
	assert.Equal(t, float64(2*table*(table+1)/2+1000*1001/2), ids)
	assert.Equal(t, int64(2*60+10), src.bytes)
	for _, b := range batches {
		b.Release()
	}
	mem.AssertSize(t, 0)
}

// TestParseOrders checks the Arrow form of the generated orders against
// the CSV read independently with encoding/csv.
func TestParseOrders(t *testing.T) {
	data, err := genCSV(context.Background(), 2000, 3)
	require.NoError(t, err)
	o, err := parseOrders(data)
	require.NoError(t, err)
	recs, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	require.NoError(t, err)
	require.Len(t, recs, 2001)
	require.Equal(t, 2000, o.len())

	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	batches := o.batches(mem, 700)
	require.Len(t, batches, 3)
	row := 1
	for _, b := range batches {
		for i := 0; i < int(b.NumRows()); i++ {
			want := recs[row]
			assert.Equal(t, want[0], b.Column(colID).ValueStr(i))
			assert.Equal(t, want[2], b.Column(colRegion).ValueStr(i))
			assert.Equal(t, want[4], b.Column(colQty).ValueStr(i))
			assert.Equal(t, want[7] == "", b.Column(colNote).IsNull(i), "note null at row %d", row)
			assert.Equal(t, want[6] == "", b.Column(colDiscount).IsNull(i), "discount null at row %d", row)
			row++
		}
		b.Release()
	}
	assert.Equal(t, 2001, row)
}

func TestRunErrors(t *testing.T) {
	t.Run("invalid config", func(t *testing.T) {
		_, err := Run(context.Background(), Config{Scenarios: []string{"nope"}}, nil)
		assert.ErrorIs(t, err, ErrConfig)
	})
	t.Run("cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		cfg := Quick()
		cfg.Scenarios = []string{"handoff"}
		results, err := Run(ctx, cfg, nil)
		assert.ErrorIs(t, err, context.Canceled)
		assert.Empty(t, results)
	})
}

// TestCSVPrefix checks the record ends found in generated CSV (which has
// quoted commas and newlines) against encoding/csv.
func TestCSVPrefix(t *testing.T) {
	d := newDatasets(5)
	defer func() { assert.NoError(t, d.close()) }()
	c, err := d.csvData(context.Background(), 5000)
	require.NoError(t, err)
	require.Len(t, c.ends, 5000)
	assert.Equal(t, len(c.data), c.ends[len(c.ends)-1])
	all := csvRecords(t, c.data)
	for _, n := range []int{1, 2, 77, 4999, 5000, 9000} {
		got := csvRecords(t, c.prefix(n))
		want := all[:min(n, 5000)+1]
		assert.Equal(t, want, got, "prefix of %d rows", n)
	}
	assert.Empty(t, c.prefix(0))
}

// TestWarmUpAdaptsRunSize: with Rows 0 the warm-up reads probeRows rows
// and the measured runs a size derived from its speed, within bounds.
func TestWarmUpAdaptsRunSize(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	cfg, err := Config{Repeats: 2, RunTime: 30 * time.Millisecond}.withDefaults()
	require.NoError(t, err)
	d := newDatasets(1)
	for _, batch := range []int{4096, 128 << 10} {
		t.Run(fmt.Sprintf("batch=%d", batch), func(t *testing.T) {
			c := cell{scenario: lookupScenario("handoff"), mode: sharedmem.Shared, batchRows: batch, workers: 2}
			r, err := prepareCell(ctx, d, c, cfg)
			require.NoError(t, err)
			defer r.close()
			var probes []int
			err = warmUp(ctx, r, cfg, func() { probes = append(probes, r.rows) })
			require.NoError(t, err)
			require.NotEmpty(t, probes)
			assert.LessOrEqual(t, len(probes), maxProbes)
			var runs []Sample
			for range cfg.Repeats {
				s, err := measure(ctx, r)
				require.NoError(t, err)
				runs = append(runs, s)
			}
			assert.Equal(t, max(probeRows, 2*batch), probes[0])
			for i := 1; i < len(probes); i++ {
				assert.Greater(t, probes[i], probes[i-1], "a short warm-up makes the next one longer")
				assert.LessOrEqual(t, probes[i], 100*probes[i-1])
			}
			require.Len(t, runs, 2)
			assert.GreaterOrEqual(t, r.rows, 2*batch)
			assert.LessOrEqual(t, r.rows, r.maxRows)
			whole := int64((r.rows + batch - 1) / batch * batch)
			for _, s := range runs {
				assert.Equal(t, whole, s.Rows, "runs read whole batches")
			}
		})
	}
}

func TestRoundOrderRotatesEveryRunnerToTheFront(t *testing.T) {
	for _, n := range []int{1, 2, 3, 5} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			first := map[int]bool{}
			for rep := 1; rep <= n; rep++ {
				seen := map[int]bool{}
				for k := 0; k < n; k++ {
					j := roundOrder(rep, k, n)
					require.True(t, j >= 0 && j < n, "runner %d out of range", j)
					seen[j] = true
				}
				assert.Len(t, seen, n, "round %d runs every runner once", rep)
				first[roundOrder(rep, 0, n)] = true
			}
			assert.Len(t, first, n, "in n rounds every runner goes first once")
		})
	}
}

// TestModesOfAGroupShareTheInput checks that a runner made by withMode
// reads its group's batches, runs its own mode and sizes its runs on its
// own, and that only the owner's close releases the input.
func TestModesOfAGroupShareTheInput(t *testing.T) {
	const rows = 3000
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	sc := lookupScenario("handoff")
	owner, err := prepareCell(ctx, newDatasets(3), cell{scenario: sc, mode: sharedmem.Shared, batchRows: 100, workers: 2}, Config{Rows: rows})
	require.NoError(t, err)
	copier := owner.withMode(cell{scenario: sc, mode: sharedmem.Copy, batchRows: 100, workers: 2})
	require.Equal(t, owner.batches, copier.batches)
	copier.setRows(rows / 2)
	assert.Equal(t, rows, owner.rows, "sizing one runner leaves the other alone")

	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	st, err := copier.run(ctx, mem)
	require.NoError(t, err)
	var copied int64
	for _, s := range st.metrics.Stages {
		copied += s.Handoff.CopiedBatches
	}
	assert.Positive(t, copied, "the borrowed runner runs in its own mode")
	assert.Equal(t, int64(rows/2)*(rows/2+1)/2, st.idSum)
	mem.AssertSize(t, 0)

	copier.close()
	st, err = owner.run(ctx, mem)
	require.NoError(t, err, "the borrowed runner's close must not release the input")
	assert.Equal(t, int64(rows)*(rows+1)/2, st.idSum)
	owner.close()
	assert.Nil(t, owner.batches)
}
