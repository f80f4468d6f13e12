package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Run runs every cell of the matrix cfg describes, one after the other: for
// each cell it prepares the input (outside the timing), warms up (one run,
// or with cfg.Rows 0 up to four that size the runs to cfg.RunTime) and
// then runs the pipeline cfg.Repeats measured times. It writes a line
// describing the matrix and then a progress line per run to progress (nil
// means none); the progress line is rewritten in place with '\r', e.g.
//
//	[12/84] chain mode=shared batch=16384 workers=2 rep 3/5
//
// and a final newline ends it. Run blocks until the matrix is done, ctx is
// cancelled or a run fails, and returns the results in run order (the
// cells finished so far, with the error). Cells run on all of the
// process's CPUs; Run itself is not safe for concurrent use with anything
// else that measures the same process.
func Run(ctx context.Context, cfg Config, progress io.Writer) (_ []Result, err error) {
	cfg, err = cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if progress == nil {
		progress = io.Discard
	}
	cells := cfg.cells()
	size := fmt.Sprintf("%d rows per run", cfg.Rows)
	if cfg.Rows == 0 {
		size = fmt.Sprintf("runs sized to about %v", cfg.RunTime)
	}
	fmt.Fprintf(progress, "%d cells × (warm-up + %d repeats), %s; %s\n", len(cells), cfg.Repeats, size, cfg.sweepNote())
	line := progressLine{w: progress}
	defer line.end()

	data := newDatasets(cfg.Seed)
	defer func() { err = errors.Join(err, data.close()) }()
	results := make([]Result, len(cells))
	// Cells that differ only in mode are measured together, over one
	// prepared input, their repeats interleaved in rounds: the process's
	// heap and caches drift over a long run, and measuring one mode's
	// repeats after another's gave the first mode of a group a ~10 % head
	// start. Each round starts with the next mode (copy, shared, auto, then
	// shared, auto, copy, ...), so no mode always runs first or always
	// follows the same one.
	for _, group := range groupByMode(cells) {
		runners := make([]*cellRunner, len(group))
		closeAll := func() {
			for _, r := range runners {
				if r != nil {
					r.close()
				}
			}
		}
		names := make([]string, len(group))
		for j, i := range group {
			c := cells[i]
			names[j] = fmt.Sprintf("%s mode=%s batch=%d workers=%d", c.scenario.name, c.mode, c.batchRows, c.workers)
			if j == 0 {
				line.printf("[%d/%d] %s preparing", i+1, len(cells), names[j])
				r, err := prepareCell(ctx, data, c, cfg)
				if err != nil {
					closeAll()
					return collected(results), fmt.Errorf("bench: %s: %w", names[j], err)
				}
				runners[j] = r
			} else {
				runners[j] = runners[0].withMode(c)
			}
			r := runners[j]
			warm := func() { line.printf("[%d/%d] %s warm-up", i+1, len(cells), names[j]) }
			if err := warmUp(ctx, r, cfg, warm); err != nil {
				closeAll()
				return collected(results), fmt.Errorf("bench: %s: %w", names[j], err)
			}
		}
		runs := make([][]Sample, len(group))
		for rep := 1; rep <= cfg.Repeats; rep++ {
			for k := range group {
				j := roundOrder(rep, k, len(group))
				i := group[j]
				line.printf("[%d/%d] %s rep %d/%d", i+1, len(cells), names[j], rep, cfg.Repeats)
				s, err := measure(ctx, runners[j])
				if err != nil {
					closeAll()
					return collected(results), fmt.Errorf("bench: %s: %w", names[j], err)
				}
				runs[j] = append(runs[j], s)
			}
		}
		closeAll()
		for j, i := range group {
			results[i] = summarize(cells[i], runs[j])
		}
	}
	return results, nil
}

// roundOrder returns which of n runners goes k-th in round rep (from 1):
// the rounds rotate the starting runner.
func roundOrder(rep, k, n int) int {
	return (rep - 1 + k) % n
}

// groupByMode returns the indexes of cells, grouped by everything but the
// mode, in order of each group's first cell.
func groupByMode(cells []cell) [][]int {
	type key struct {
		scenario           *scenario
		batchRows, workers int
	}
	index := map[key]int{}
	var groups [][]int
	for i, c := range cells {
		k := key{c.scenario, c.batchRows, c.workers}
		g, ok := index[k]
		if !ok {
			g = len(groups)
			index[k] = g
			groups = append(groups, nil)
		}
		groups[g] = append(groups[g], i)
	}
	return groups
}

// collected returns the results of the cells finished so far, in order.
func collected(results []Result) []Result {
	var out []Result
	for _, r := range results {
		if r.Scenario != "" {
			out = append(out, r)
		}
	}
	return out
}

// probeRows is the input of the first warm-up run when the run size
// adapts; maxProbes bounds the warm-up runs.
const (
	probeRows = 64 << 10
	maxProbes = 4
)

// warmUp runs r unmeasured and sizes its measured runs.
//
// With a fixed cfg.Rows the warm-up is one run. With cfg.Rows 0 the run
// size adapts, the way testing.B sizes b.N: the first warm-up reads
// probeRows rows (at least two batches); while a warm-up takes less than a
// quarter of cfg.RunTime, the next reads as many rows as its speed predicts
// for cfg.RunTime (at most 100 times more, at most maxProbes runs); the
// last one's speed sizes the measured runs to take about cfg.RunTime, with
// at least two batches and at most the scenario's maxRows.
// announce is called before each warm-up run.
func warmUp(ctx context.Context, r *cellRunner, cfg Config, announce func()) error {
	adapt := cfg.Rows == 0
	minRows := 2 * r.cell.batchRows
	if adapt {
		r.setRows(max(probeRows, minRows))
	}
	for probe := 1; ; probe++ {
		announce()
		s, err := measure(ctx, r)
		if err != nil {
			return err
		}
		if !adapt || s.Wall <= 0 {
			return nil
		}
		want := float64(s.Rows) / s.Wall.Seconds() * cfg.RunTime.Seconds()
		n := max(minRows, int(min(want, 100*float64(r.rows), float64(r.maxRows))))
		long := s.Wall >= cfg.RunTime/4 || r.rows >= r.maxRows || probe == maxProbes
		r.setRows(n)
		if long {
			return nil
		}
	}
}

// progressLine rewrites one terminal line in place.
type progressLine struct {
	w    io.Writer
	last int // length of the last line written
	used bool
}

func (p *progressLine) printf(format string, args ...any) {
	s := fmt.Sprintf(format, args...)
	pad := ""
	if n := p.last - len(s); n > 0 {
		pad = strings.Repeat(" ", n)
	}
	fmt.Fprintf(p.w, "\r%s%s", s, pad)
	p.last = len(s)
	p.used = true
}

func (p *progressLine) end() {
	if p.used {
		fmt.Fprintln(p.w)
	}
}
