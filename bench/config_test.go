package bench

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/sharedmem"
)

func TestConfigZeroIsFull(t *testing.T) {
	zero, err := Config{}.withDefaults()
	require.NoError(t, err)
	full, err := Full().withDefaults()
	require.NoError(t, err)
	assert.Equal(t, full, zero)
	assert.Equal(t, []sharedmem.Mode{sharedmem.Copy, sharedmem.Shared, sharedmem.Auto}, zero.Modes)
	assert.Equal(t, []int{64, 256, 1024, 4096, 16384, 65536, 262144}, zero.BatchRows)
	assert.Equal(t, []int{1, 2, 4, 8, 16, 64}, zero.Workers)
	assert.Equal(t, 5, zero.Repeats)
	assert.Equal(t, runtime.GOMAXPROCS(0), zero.BatchSweepWorkers)
	assert.Equal(t, 16384, zero.WorkerSweepBatch)
	assert.Equal(t, Scenarios(), zero.Scenarios)
	assert.Subset(t, zero.Scenarios, []string{"handoff", "chain", "groupby"})
	for _, name := range zero.Scenarios {
		assert.NotEmpty(t, ScenarioSummary(name), name)
	}
	assert.Empty(t, ScenarioSummary("nope"))
}

func TestConfigInvalid(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
	}{
		{"unknown scenario", Config{Scenarios: []string{"nope"}}},
		{"empty scenarios", Config{Scenarios: []string{}}},
		{"empty modes", Config{Modes: []sharedmem.Mode{}}},
		{"bad mode", Config{Modes: []sharedmem.Mode{7}}},
		{"zero batch", Config{BatchRows: []int{0}}},
		{"negative workers", Config{Workers: []int{-1}}},
		{"negative repeats", Config{Repeats: -1}},
		{"negative rows", Config{Rows: -5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.cfg.withDefaults()
			assert.ErrorIs(t, err, ErrConfig)
		})
	}
}

// cellKey names a cell for comparisons.
func cellKey(scenario, mode string, batch, workers int) string {
	return fmt.Sprintf("%s/%s/%d/%d", scenario, mode, batch, workers)
}

func TestCells(t *testing.T) {
	base := Config{
		Scenarios:         []string{"handoff", "chain"},
		Modes:             []sharedmem.Mode{sharedmem.Copy, sharedmem.Shared},
		BatchRows:         []int{256, 4096, 65536},
		Workers:           []int{1, 2, 4},
		BatchSweepWorkers: 2,
		WorkerSweepBatch:  4096,
	}
	t.Run("sweeps", func(t *testing.T) {
		cfg, err := base.withDefaults()
		require.NoError(t, err)
		got := map[string][2]bool{}
		for _, c := range cfg.cells() {
			k := cellKey(c.scenario.name, c.mode.String(), c.batchRows, c.workers)
			_, dup := got[k]
			require.False(t, dup, "cell %s twice", k)
			got[k] = [2]bool{c.batchSweep, c.workSweep}
		}
		want := map[string][2]bool{}
		for _, sc := range base.Scenarios {
			for _, m := range []string{"copy", "shared"} {
				want[cellKey(sc, m, 256, 2)] = [2]bool{true, false}
				want[cellKey(sc, m, 4096, 2)] = [2]bool{true, true} // where the sweeps meet
				want[cellKey(sc, m, 65536, 2)] = [2]bool{true, false}
				want[cellKey(sc, m, 4096, 1)] = [2]bool{false, true}
				want[cellKey(sc, m, 4096, 4)] = [2]bool{false, true}
			}
		}
		assert.Equal(t, want, got)
	})
	t.Run("cross", func(t *testing.T) {
		cross := base
		cross.Cross = true
		cfg, err := cross.withDefaults()
		require.NoError(t, err)
		cells := cfg.cells()
		assert.Len(t, cells, 2*2*3*3)
		for _, c := range cells {
			assert.Equal(t, c.workers == 2, c.batchSweep, "batch sweep flag of %+v", c)
			assert.Equal(t, c.batchRows == 4096, c.workSweep, "workers sweep flag of %+v", c)
		}
	})
}
