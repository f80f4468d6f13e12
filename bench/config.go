package bench

import (
	"errors"
	"fmt"
	"runtime"
	"slices"
	"time"

	"github.com/arrowpipe/arrowpipe/sharedmem"
)

// ErrConfig is wrapped by the errors Run returns for an invalid Config.
var ErrConfig = errors.New("bench: invalid config")

// NoisySpread is the spread of a cell's throughput, (max−min)/median over
// its repeats, above which the cell is flagged as noisy.
const NoisySpread = 0.10

// Config says which cells of the scenario matrix to run. The zero value is
// the full profile (see Full); every zero field takes its full-profile
// default.
//
// A cell is one scenario, handoff mode, batch size and worker count. By
// default the matrix is not the whole cross product: the batch sweep runs
// every BatchRows at BatchSweepWorkers workers, and the workers sweep runs
// every Workers count at WorkerSweepBatch rows per batch (the cell where
// the two sweeps meet runs once). Cross runs every combination instead.
type Config struct {
	// Scenarios names the scenarios to run, in order; nil means every
	// scenario of Scenarios() that this build has.
	Scenarios []string
	// Modes are the handoff modes compared; nil means copy, shared, auto.
	Modes []sharedmem.Mode
	// BatchRows are the batch sizes of the batch sweep; nil means 64, 256,
	// 1Ki, 4Ki, 16Ki, 64Ki, 256Ki.
	BatchRows []int
	// Workers are the pool sizes of the workers sweep, used for every stage
	// and for the source's decoders and the sink's encoders; nil means 1,
	// 2, 4, 8, 16, 64.
	Workers []int
	// BatchSweepWorkers is the worker count of the batch sweep; 0 means
	// GOMAXPROCS.
	BatchSweepWorkers int
	// WorkerSweepBatch is the batch size of the workers sweep; 0 means
	// 16384.
	WorkerSweepBatch int
	// Cross runs every batch size with every worker count.
	Cross bool
	// Repeats is how many measured runs each cell gets after one unmeasured
	// warm-up run; 0 means 5.
	Repeats int
	// Rows is the number of input rows of every run; 0 sizes each cell's
	// runs from the speed of its warm-up run, so that one run takes about
	// RunTime (with at least two batches, and at most 2Mi rows of CSV or
	// 256Mi rows of pre-built batches).
	Rows int
	// RunTime is the target wall time of one measured run when Rows is 0;
	// 0 means 400 ms.
	RunTime time.Duration
	// Seed seeds the generated orders; the same seed gives the same data.
	Seed uint64
	// CopyThreshold is passed to the handoff policy of mode auto; 0 means
	// sharedmem.DefaultCopyThreshold.
	CopyThreshold int64
	// QueueDepth is the pipeline's queue depth; 0 means its default.
	QueueDepth int
}

// Defaults of the full profile.
var (
	defaultModes     = []sharedmem.Mode{sharedmem.Copy, sharedmem.Shared, sharedmem.Auto}
	defaultBatchRows = []int{64, 256, 1 << 10, 4 << 10, 16 << 10, 64 << 10, 256 << 10}
	defaultWorkers   = []int{1, 2, 4, 8, 16, 64}
)

const (
	defaultRunTime          = 400 * time.Millisecond
	defaultRepeats          = 5
	defaultWorkerSweepBatch = 16 << 10
)

// Full returns the full profile: every scenario, mode, batch size and
// worker count of the defaults, five repeats of runs sized to take about
// 400 ms each. On two cores it takes about 10 minutes.
func Full() Config {
	return Config{
		Modes:     slices.Clone(defaultModes),
		BatchRows: slices.Clone(defaultBatchRows),
		Workers:   slices.Clone(defaultWorkers),
		Repeats:   defaultRepeats,
		RunTime:   defaultRunTime,
	}
}

// Quick returns the smoke-test profile: every scenario and mode, two batch
// sizes, one and two workers, two repeats of 32Ki rows. The whole matrix
// finishes in a few seconds.
func Quick() Config {
	return Config{
		Modes:            slices.Clone(defaultModes),
		BatchRows:        []int{1 << 10, 16 << 10},
		Workers:          []int{1, 2},
		WorkerSweepBatch: 16 << 10,
		Repeats:          2,
		Rows:             32 << 10,
	}
}

// withDefaults fills the zero fields and checks the rest.
func (c Config) withDefaults() (Config, error) {
	if c.Scenarios == nil {
		c.Scenarios = Scenarios()
	}
	if c.Modes == nil {
		c.Modes = slices.Clone(defaultModes)
	}
	if c.BatchRows == nil {
		c.BatchRows = slices.Clone(defaultBatchRows)
	}
	if c.Workers == nil {
		c.Workers = slices.Clone(defaultWorkers)
	}
	if c.BatchSweepWorkers == 0 {
		c.BatchSweepWorkers = runtime.GOMAXPROCS(0)
	}
	if c.WorkerSweepBatch == 0 {
		c.WorkerSweepBatch = defaultWorkerSweepBatch
	}
	if c.Repeats == 0 {
		c.Repeats = defaultRepeats
	}
	if c.RunTime == 0 {
		c.RunTime = defaultRunTime
	}
	switch {
	case len(c.Scenarios) == 0 || len(c.Modes) == 0 || len(c.BatchRows) == 0 || len(c.Workers) == 0:
		return c, fmt.Errorf("%w: empty Scenarios, Modes, BatchRows or Workers", ErrConfig)
	case c.Repeats < 0 || c.Rows < 0 || c.RunTime < 0 || c.BatchSweepWorkers < 0 || c.WorkerSweepBatch < 0 ||
		c.CopyThreshold < 0 || c.QueueDepth < 0:
		return c, fmt.Errorf("%w: negative Repeats, Rows, RunTime, BatchSweepWorkers, WorkerSweepBatch, CopyThreshold or QueueDepth", ErrConfig)
	}
	for _, n := range c.BatchRows {
		if n <= 0 {
			return c, fmt.Errorf("%w: batch size %d", ErrConfig, n)
		}
	}
	for _, n := range c.Workers {
		if n <= 0 {
			return c, fmt.Errorf("%w: worker count %d", ErrConfig, n)
		}
	}
	for _, m := range c.Modes {
		if m != sharedmem.Copy && m != sharedmem.Shared && m != sharedmem.Auto {
			return c, fmt.Errorf("%w: handoff mode %d", ErrConfig, m)
		}
	}
	for _, name := range c.Scenarios {
		if lookupScenario(name) == nil {
			return c, fmt.Errorf("%w: unknown scenario %q (have %v)", ErrConfig, name, Scenarios())
		}
	}
	return c, nil
}

// A cell is one point of the matrix.
type cell struct {
	scenario   *scenario
	mode       sharedmem.Mode
	batchRows  int
	workers    int
	batchSweep bool // part of the batch sweep
	workSweep  bool // part of the workers sweep
}

// cells lists the matrix in run order: by scenario, then mode, then the
// batch sweep in BatchRows order, then the rest of the workers sweep.
func (c Config) cells() []cell {
	var out []cell
	for _, name := range c.Scenarios {
		sc := lookupScenario(name)
		for _, mode := range c.Modes {
			type key struct{ batch, workers int }
			index := map[key]int{}
			add := func(batch, workers int, batchSweep, workSweep bool) {
				k := key{batch, workers}
				i, ok := index[k]
				if !ok {
					i = len(out)
					index[k] = i
					out = append(out, cell{scenario: sc, mode: mode, batchRows: batch, workers: workers})
				}
				out[i].batchSweep = out[i].batchSweep || batchSweep
				out[i].workSweep = out[i].workSweep || workSweep
			}
			if c.Cross {
				for _, b := range c.BatchRows {
					for _, w := range c.Workers {
						add(b, w, w == c.BatchSweepWorkers, b == c.WorkerSweepBatch)
					}
				}
			}
			for _, b := range c.BatchRows {
				add(b, c.BatchSweepWorkers, true, false)
			}
			for _, w := range c.Workers {
				add(c.WorkerSweepBatch, w, false, true)
			}
		}
	}
	return out
}

// sweepNote describes how the matrix was reduced, for the output.
func (c Config) sweepNote() string {
	if c.Cross {
		return fmt.Sprintf("full cross product of batch sizes and worker counts; charts: batch sweep at workers=%d, workers sweep at batch=%d",
			c.BatchSweepWorkers, c.WorkerSweepBatch)
	}
	return fmt.Sprintf("batch sweep at workers=%d, workers sweep at batch=%d (not the full cross product)",
		c.BatchSweepWorkers, c.WorkerSweepBatch)
}
