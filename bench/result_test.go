package bench

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/arrowpipe/arrowpipe/sharedmem"
)

func TestNewStat(t *testing.T) {
	tests := []struct {
		name   string
		xs     []float64
		want   Stat
		spread float64
	}{
		{"none", nil, Stat{}, 0},
		{"one", []float64{4}, Stat{Median: 4, Min: 4, Max: 4}, 0},
		{"odd", []float64{9, 1, 5}, Stat{Median: 5, Min: 1, Max: 9}, 8.0 / 5},
		{"even", []float64{10, 2, 4, 8}, Stat{Median: 6, Min: 2, Max: 10}, 8.0 / 6},
		{"zero median", []float64{-1, 0, 1}, Stat{Median: 0, Min: -1, Max: 1}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := NewStat(tt.xs)
			assert.Equal(t, tt.want, got)
			assert.InDelta(t, tt.spread, got.Spread(), 1e-12)
		})
	}
}

// samplesAt returns runs of rows rows at the given rates (rows/s).
func samplesAt(rows int64, rates ...float64) []Sample {
	var out []Sample
	for _, r := range rates {
		out = append(out, Sample{
			Wall:    time.Duration(float64(rows) / r * float64(time.Second)),
			Rows:    rows,
			Batches: 10,
			Mallocs: 1000, AllocBytes: 5000,
			Handoff: sharedmem.Counters{CopiedBatches: 30, CopiedBytes: 3000},
		})
	}
	return out
}

func TestSummarizeSpreadFlag(t *testing.T) {
	c := cell{scenario: lookupScenario("chain"), mode: sharedmem.Copy, batchRows: 100, workers: 2, batchSweep: true}
	tests := []struct {
		name  string
		rates []float64
		noisy bool
	}{
		{"steady", []float64{1e6, 1e6, 1e6}, false},
		{"9 percent", []float64{1.00e6, 1.05e6, 1.09e6}, false},
		{"11 percent", []float64{1.00e6, 1.05e6, 1.11e6}, true},
		{"one outlier of five", []float64{1e6, 1e6, 1e6, 1e6, 0.5e6}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := summarize(c, samplesAt(1_000_000, tt.rates...))
			assert.Equal(t, tt.noisy, r.Noisy, "spread %.4f", r.RowsPerSec.Spread())
			assert.InDelta(t, tt.rates[len(tt.rates)/2], r.RowsPerSec.Median, 1, "median rate")
			assert.Equal(t, 100.0, r.AllocsPerBatch.Median)
			assert.Equal(t, 500.0, r.AllocBytesPerBatch.Median)
			assert.Equal(t, int64(3000), r.CopiedBytes)
			assert.Equal(t, "chain", r.Scenario)
			assert.Equal(t, "copy", r.Mode)
			assert.Len(t, r.Runs, len(tt.rates))
		})
	}
}
