package bench

import (
	"slices"
)

// Stat summarises one measure over a cell's repeats.
type Stat struct {
	Median float64 `json:"median"`
	Min    float64 `json:"min"`
	Max    float64 `json:"max"`
}

// NewStat returns the median (the mean of the two middle values for an
// even count), minimum and maximum of xs; the zero Stat for none.
func NewStat(xs []float64) Stat {
	if len(xs) == 0 {
		return Stat{}
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	med := s[n/2]
	if n%2 == 0 {
		med = (s[n/2-1] + s[n/2]) / 2
	}
	return Stat{Median: med, Min: s[0], Max: s[n-1]}
}

// Spread is (Max−Min)/Median, 0 when the median is 0.
func (s Stat) Spread() float64 {
	if s.Median == 0 {
		return 0
	}
	return (s.Max - s.Min) / s.Median
}

// Result is one cell of the matrix: the summary of its measured repeats.
type Result struct {
	Scenario  string `json:"scenario"`
	Mode      string `json:"mode"`
	BatchRows int    `json:"batch_rows"`
	Workers   int    `json:"workers"`
	// BatchSweep and WorkerSweep say which sweeps the cell belongs to
	// (both for the cell where they meet).
	BatchSweep  bool `json:"batch_sweep"`
	WorkerSweep bool `json:"worker_sweep"`

	// Per run, from the last repeat (they do not vary between repeats).
	Rows          int64 `json:"rows"`
	Batches       int64 `json:"batches"`
	InputBytes    int64 `json:"input_bytes"`
	OutRows       int64 `json:"out_rows"`
	CopiedBatches int64 `json:"copied_batches"`
	CopiedBytes   int64 `json:"copied_bytes"`
	SharedBatches int64 `json:"shared_batches"`
	SharedBytes   int64 `json:"shared_bytes"`

	// Over the repeats.
	WallSeconds        Stat `json:"wall_seconds"`
	RowsPerSec         Stat `json:"rows_per_sec"`
	MBPerSec           Stat `json:"mb_per_sec"` // input bytes, 10^6 bytes
	BatchesPerSec      Stat `json:"batches_per_sec"`
	AllocsPerBatch     Stat `json:"allocs_per_batch"`
	AllocBytesPerBatch Stat `json:"alloc_bytes_per_batch"`
	GCCycles           Stat `json:"gc_cycles"`
	GCPauseSeconds     Stat `json:"gc_pause_seconds"`
	PeakHeapBytes      Stat `json:"peak_heap_bytes"`
	RetainedBytes      Stat `json:"retained_bytes"`
	LatencyP50Seconds  Stat `json:"latency_p50_seconds"`
	LatencyP99Seconds  Stat `json:"latency_p99_seconds"`

	// Noisy is set when the spread of RowsPerSec exceeds NoisySpread.
	Noisy bool `json:"noisy"`
	// Runs are the measured repeats, in order.
	Runs []Sample `json:"runs"`
}

// summarize makes the Result of cell c from its measured runs.
func summarize(c cell, runs []Sample) Result {
	r := Result{
		Scenario:    c.scenario.name,
		Mode:        c.mode.String(),
		BatchRows:   c.batchRows,
		Workers:     c.workers,
		BatchSweep:  c.batchSweep,
		WorkerSweep: c.workSweep,
		Runs:        runs,
	}
	if len(runs) == 0 {
		return r
	}
	last := runs[len(runs)-1]
	r.Rows, r.Batches, r.InputBytes, r.OutRows = last.Rows, last.Batches, last.InputBytes, last.OutRows
	r.CopiedBatches, r.CopiedBytes = last.Handoff.CopiedBatches, last.Handoff.CopiedBytes
	r.SharedBatches, r.SharedBytes = last.Handoff.SharedBatches, last.Handoff.SharedBytes

	stat := func(f func(s Sample) float64) Stat {
		xs := make([]float64, len(runs))
		for i, s := range runs {
			xs[i] = f(s)
		}
		return NewStat(xs)
	}
	perSec := func(n func(s Sample) float64) func(s Sample) float64 {
		return func(s Sample) float64 {
			if s.Wall <= 0 {
				return 0
			}
			return n(s) / s.Wall.Seconds()
		}
	}
	perBatch := func(n func(s Sample) float64) func(s Sample) float64 {
		return func(s Sample) float64 {
			if s.Batches == 0 {
				return 0
			}
			return n(s) / float64(s.Batches)
		}
	}
	r.WallSeconds = stat(func(s Sample) float64 { return s.Wall.Seconds() })
	r.RowsPerSec = stat(perSec(func(s Sample) float64 { return float64(s.Rows) }))
	r.MBPerSec = stat(perSec(func(s Sample) float64 { return float64(s.InputBytes) / 1e6 }))
	r.BatchesPerSec = stat(perSec(func(s Sample) float64 { return float64(s.Batches) }))
	r.AllocsPerBatch = stat(perBatch(func(s Sample) float64 { return float64(s.Mallocs) }))
	r.AllocBytesPerBatch = stat(perBatch(func(s Sample) float64 { return float64(s.AllocBytes) }))
	r.GCCycles = stat(func(s Sample) float64 { return float64(s.GCCycles) })
	r.GCPauseSeconds = stat(func(s Sample) float64 { return s.GCPause.Seconds() })
	r.PeakHeapBytes = stat(func(s Sample) float64 { return float64(s.PeakHeap) })
	r.RetainedBytes = stat(func(s Sample) float64 { return float64(s.Retained) })
	r.LatencyP50Seconds = stat(func(s Sample) float64 { return s.LatencyP50.Seconds() })
	r.LatencyP99Seconds = stat(func(s Sample) float64 { return s.LatencyP99.Seconds() })
	r.Noisy = r.RowsPerSec.Spread() > NoisySpread
	return r
}
