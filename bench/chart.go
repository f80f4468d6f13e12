package bench

import (
	"cmp"
	"errors"
	"fmt"
	"path/filepath"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
)

// chartWidth and chartHeight are the size of every chart; legendHeadroom
// is the factor by which the (log) y axis extends above the highest point.
const (
	chartWidth     = 7 * vg.Inch
	chartHeight    = 4.5 * vg.Inch
	legendHeadroom = 2
)

// A chartSpec is one kind of chart drawn for every scenario.
type chartSpec struct {
	file   string // file name suffix, after "<scenario>-"
	title  string
	xLabel string
	yLabel string
	// in selects the cells of the chart; x and y place them. Both axes
	// are logarithmic.
	in     func(r *Result) bool
	x, y   func(r *Result) float64
	yTicks plot.Ticker
}

var chartSpecs = []chartSpec{
	{
		file: "rows-vs-batch.svg", title: "throughput vs batch size",
		xLabel: "rows per batch", yLabel: "rows/s (median)",
		in:     func(r *Result) bool { return r.BatchSweep },
		x:      func(r *Result) float64 { return float64(r.BatchRows) },
		y:      func(r *Result) float64 { return r.RowsPerSec.Median },
		yTicks: logTicks{steps: []float64{1, 2, 5}, base: 10, format: si},
	},
	{
		file: "rows-vs-workers.svg", title: "throughput vs workers per stage",
		xLabel: "workers per stage", yLabel: "rows/s (median)",
		in:     func(r *Result) bool { return r.WorkerSweep },
		x:      func(r *Result) float64 { return float64(r.Workers) },
		y:      func(r *Result) float64 { return r.RowsPerSec.Median },
		yTicks: logTicks{steps: []float64{1, 2, 5}, base: 10, format: si},
	},
	{
		file: "alloc-vs-batch.svg", title: "heap allocated per batch vs batch size",
		xLabel: "rows per batch", yLabel: "bytes allocated per batch (median)",
		in:     func(r *Result) bool { return r.BatchSweep },
		x:      func(r *Result) float64 { return float64(r.BatchRows) },
		y:      func(r *Result) float64 { return r.AllocBytesPerBatch.Median },
		yTicks: logTicks{steps: []float64{1, 4, 16, 64, 256}, base: 1024, format: iec},
	},
}

// writeCharts saves every chart of every scenario in results as SVG in
// dir, skipping charts without points (a sweep of one point still draws).
func writeCharts(dir string, results []Result) error {
	var scenarioNames []string
	for _, r := range results {
		if !slices.Contains(scenarioNames, r.Scenario) {
			scenarioNames = append(scenarioNames, r.Scenario)
		}
	}
	for _, name := range scenarioNames {
		for _, spec := range chartSpecs {
			p, err := chart(name, spec, results)
			if errors.Is(err, errNoPoints) {
				continue
			}
			if err != nil {
				return err
			}
			path := filepath.Join(dir, name+"-"+spec.file)
			if err := p.Save(chartWidth, chartHeight, path); err != nil {
				return fmt.Errorf("bench: %s: %w", path, err)
			}
		}
	}
	return nil
}

// chart draws spec for one scenario: one line per handoff mode, in the
// order the modes first appear in results.
func chart(scenarioName string, spec chartSpec, results []Result) (*plot.Plot, error) {
	var modes []string
	lines := map[string]plotter.XYs{}
	var xs []float64
	for i := range results {
		r := &results[i]
		if r.Scenario != scenarioName || !spec.in(r) {
			continue
		}
		x, y := spec.x(r), spec.y(r)
		if x <= 0 || y <= 0 {
			continue // not drawable on a log axis
		}
		if _, ok := lines[r.Mode]; !ok {
			modes = append(modes, r.Mode)
		}
		lines[r.Mode] = append(lines[r.Mode], plotter.XY{X: x, Y: y})
		if !slices.Contains(xs, x) {
			xs = append(xs, x)
		}
	}
	if len(xs) == 0 {
		return nil, errNoPoints
	}
	slices.Sort(xs)

	p := plot.New()
	p.Title.Text = scenarioName + ": " + spec.title
	p.X.Label.Text = spec.xLabel
	p.Y.Label.Text = spec.yLabel
	p.X.Scale = plot.LogScale{}
	p.X.Tick.Marker = valueTicks(xs)
	p.Y.Scale = plot.LogScale{}
	p.Y.Tick.Marker = spec.yTicks
	p.Legend.Left = true
	p.Legend.Top = true
	p.Add(plotter.NewGrid())
	var args []any
	for _, m := range modes {
		pts := lines[m]
		slices.SortFunc(pts, func(a, b plotter.XY) int { return cmp.Compare(a.X, b.X) })
		args = append(args, m, pts)
	}
	if err := plotutil.AddLinePoints(p, args...); err != nil {
		return nil, fmt.Errorf("bench: chart %s %s: %w", scenarioName, spec.file, err)
	}
	// A log axis needs a range: widen a single value's.
	if p.X.Min == p.X.Max {
		p.X.Min, p.X.Max = p.X.Min/2, p.X.Max*2
	}
	if p.Y.Min == p.Y.Max {
		p.Y.Min, p.Y.Max = p.Y.Min/2, p.Y.Max*2
	}
	// Headroom for the legend, which sits at the top left.
	p.Y.Max *= legendHeadroom
	return p, nil
}

// valueTicks puts a labelled tick at each x (batch sizes, worker counts).
func valueTicks(xs []float64) plot.ConstantTicks {
	ticks := make([]plot.Tick, len(xs))
	for i, x := range xs {
		ticks[i] = plot.Tick{Value: x, Label: count(x)}
	}
	return ticks
}

// count formats a count that is often a power of two: 1024 as 1Ki.
func count(x float64) string {
	n := int64(x)
	switch {
	case float64(n) != x:
		return fmt.Sprint(x)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%dMi", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%dKi", n>>10)
	}
	return fmt.Sprint(n)
}

// logTicks labels a log axis at steps × base^k (1, 2, 5 × 10^k for
// rates; 1, 4, 16, 64, 256 × 1024^k for bytes), labelled with format.
type logTicks struct {
	steps  []float64
	base   float64
	format func(float64) string
}

func (t logTicks) Ticks(lo, hi float64) []plot.Tick {
	var ticks []plot.Tick
	for p := 1.0; p <= hi; p *= t.base {
		for _, s := range t.steps {
			if v := s * p; v >= lo && v <= hi {
				ticks = append(ticks, plot.Tick{Value: v, Label: t.format(v)})
			}
		}
	}
	if len(ticks) < 3 {
		// A narrow range: evenly spaced ticks.
		ticks = plot.DefaultTicks{}.Ticks(lo, hi)
		for i := range ticks {
			if ticks[i].Label != "" {
				ticks[i].Label = t.format(ticks[i].Value)
			}
		}
	}
	return ticks
}
