package bench

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
)

// WriteFiles writes results into dir, creating it if needed:
//
//	results.csv   one row per cell, every Stat as median, min and max columns
//	results.json  the []Result, with every measured run
//	*.svg         per scenario: rows/s vs batch size, rows/s vs workers and
//	              allocated bytes per batch vs batch size, one line per mode
//
// It overwrites files of those names and returns the first error.
func WriteFiles(dir string, results []Result) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	if err := writeCSV(filepath.Join(dir, "results.csv"), results); err != nil {
		return err
	}
	if err := writeJSON(filepath.Join(dir, "results.json"), results); err != nil {
		return err
	}
	return writeCharts(dir, results)
}

// namedStat is one Stat column group of results.csv.
type namedStat struct {
	name string
	stat Stat
}

func (r *Result) stats() []namedStat {
	return []namedStat{
		{"wall_seconds", r.WallSeconds},
		{"rows_per_sec", r.RowsPerSec},
		{"mb_per_sec", r.MBPerSec},
		{"batches_per_sec", r.BatchesPerSec},
		{"allocs_per_batch", r.AllocsPerBatch},
		{"alloc_bytes_per_batch", r.AllocBytesPerBatch},
		{"gc_cycles", r.GCCycles},
		{"gc_pause_seconds", r.GCPauseSeconds},
		{"peak_heap_bytes", r.PeakHeapBytes},
		{"retained_bytes", r.RetainedBytes},
		{"latency_p50_seconds", r.LatencyP50Seconds},
		{"latency_p99_seconds", r.LatencyP99Seconds},
	}
}

var csvHeader = []string{
	"scenario", "mode", "batch_rows", "workers", "batch_sweep", "worker_sweep", "repeats",
	"rows", "batches", "input_bytes", "out_rows",
	"copied_batches", "copied_bytes", "shared_batches", "shared_bytes",
}

func writeCSV(path string, results []Result) (err error) {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("bench: %w", cerr)
		}
	}()
	w := csv.NewWriter(f)
	header := append([]string(nil), csvHeader...)
	for _, s := range (&Result{}).stats() {
		header = append(header, s.name+"_median", s.name+"_min", s.name+"_max")
	}
	header = append(header, "noisy")
	if err := w.Write(header); err != nil {
		return fmt.Errorf("bench: %s: %w", path, err)
	}
	i64 := func(n int64) string { return strconv.FormatInt(n, 10) }
	f64 := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	for i := range results {
		r := &results[i]
		row := []string{
			r.Scenario, r.Mode, strconv.Itoa(r.BatchRows), strconv.Itoa(r.Workers),
			strconv.FormatBool(r.BatchSweep), strconv.FormatBool(r.WorkerSweep), strconv.Itoa(len(r.Runs)),
			i64(r.Rows), i64(r.Batches), i64(r.InputBytes), i64(r.OutRows),
			i64(r.CopiedBatches), i64(r.CopiedBytes), i64(r.SharedBatches), i64(r.SharedBytes),
		}
		for _, s := range r.stats() {
			row = append(row, f64(s.stat.Median), f64(s.stat.Min), f64(s.stat.Max))
		}
		row = append(row, strconv.FormatBool(r.Noisy))
		if err := w.Write(row); err != nil {
			return fmt.Errorf("bench: %s: %w", path, err)
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return fmt.Errorf("bench: %s: %w", path, err)
	}
	return nil
}

func writeJSON(path string, results []Result) error {
	if results == nil {
		results = []Result{}
	}
	b, err := json.MarshalIndent(results, "", "  ")
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	b = append(b, '\n')
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	return nil
}

// errNoPoints reports a chart with nothing to draw; WriteFiles skips it.
var errNoPoints = errors.New("bench: no points to chart")
