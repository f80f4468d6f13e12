package bench

import (
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// WriteTable writes results as an aligned text table, one line per cell:
// throughput as median [min–max] over the repeats, every other measure as
// its median, and "noisy" for cells whose throughput spread exceeds
// NoisySpread. Handoff volumes are per run: batches and bytes copied, and
// shared. A line under the table says how the matrix was swept.
func WriteTable(w io.Writer, results []Result) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	cols := []string{
		"scenario", "mode", "batch", "workers", "rows/s [min–max]", "MB/s", "batches/s",
		"copied", "shared", "allocs/batch", "B/batch", "GCs", "GC pause",
		"peak heap", "retained", "p50", "p99", "",
	}
	fmt.Fprintln(tw, strings.Join(cols, "\t")+"\t")
	for _, r := range results {
		flag := ""
		if r.Noisy {
			flag = fmt.Sprintf("noisy %.0f%%", 100*r.RowsPerSec.Spread())
		}
		fields := []string{
			r.Scenario, r.Mode, fmt.Sprint(r.BatchRows), fmt.Sprint(r.Workers),
			fmt.Sprintf("%s [%s–%s]", si(r.RowsPerSec.Median), si(r.RowsPerSec.Min), si(r.RowsPerSec.Max)),
			fmt.Sprintf("%.1f", r.MBPerSec.Median),
			si(r.BatchesPerSec.Median),
			fmt.Sprintf("%s/%s", si(float64(r.CopiedBatches)), iec(float64(r.CopiedBytes))),
			fmt.Sprintf("%s/%s", si(float64(r.SharedBatches)), iec(float64(r.SharedBytes))),
			fmt.Sprintf("%.1f", r.AllocsPerBatch.Median),
			iec(r.AllocBytesPerBatch.Median),
			fmt.Sprintf("%.0f", r.GCCycles.Median),
			seconds(r.GCPauseSeconds.Median),
			iec(r.PeakHeapBytes.Median),
			iec(r.RetainedBytes.Median),
			seconds(r.LatencyP50Seconds.Median),
			seconds(r.LatencyP99Seconds.Median),
			flag,
		}
		fmt.Fprintln(tw, strings.Join(fields, "\t")+"\t")
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "%s; copied and shared: batches/bytes per run over all stage boundaries; noisy: throughput (max−min)/median > %.0f%%\n",
		sweepSummary(results), 100*NoisySpread)
	return err
}

// sweepSummary describes the sweeps the results hold.
func sweepSummary(results []Result) string {
	batchW, workB := map[int]bool{}, map[int]bool{}
	for _, r := range results {
		if r.BatchSweep {
			batchW[r.Workers] = true
		}
		if r.WorkerSweep {
			workB[r.BatchRows] = true
		}
	}
	return fmt.Sprintf("batch sweep at workers=%s, workers sweep at batch=%s", keys(batchW), keys(workB))
}

func keys(m map[int]bool) string {
	var ks []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		ks = append(ks, fmt.Sprint(k))
	}
	if len(ks) == 0 {
		return "-"
	}
	return strings.Join(ks, ",")
}

// si formats x with a k/M/G suffix and three significant digits.
func si(x float64) string {
	return scaled(x, 1000, []string{"", "k", "M", "G", "T"})
}

// iec formats a byte count with a KiB/MiB/GiB suffix.
func iec(x float64) string {
	return scaled(x, 1024, []string{"B", "KiB", "MiB", "GiB", "TiB"})
}

func scaled(x, base float64, units []string) string {
	i := 0
	for math.Abs(x) >= base && i < len(units)-1 {
		x /= base
		i++
	}
	switch {
	case x == math.Trunc(x):
		return fmt.Sprintf("%.0f%s", x, units[i])
	case math.Abs(x) >= 100:
		return fmt.Sprintf("%.0f%s", x, units[i])
	case math.Abs(x) >= 10:
		return fmt.Sprintf("%.1f%s", x, units[i])
	}
	return fmt.Sprintf("%.2f%s", x, units[i])
}

// seconds formats a duration given in seconds, rounded to three digits.
func seconds(s float64) string {
	d := time.Duration(s * float64(time.Second))
	switch {
	case d == 0:
		return "0"
	case d >= time.Second:
		return d.Round(time.Millisecond).String()
	case d >= time.Millisecond:
		return d.Round(10 * time.Microsecond).String()
	case d >= time.Microsecond:
		return d.Round(10 * time.Nanosecond).String()
	}
	return d.String()
}
