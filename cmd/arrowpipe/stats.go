package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/output"
	"github.com/arrowpipe/arrowpipe/stages/partition"
	"github.com/arrowpipe/arrowpipe/stages/plan"
)

// rowAccount reconciles the rows of a run: every row read was written,
// dropped by a stage (filtered, cut by head, folded by an aggregate) or
// rejected as bad input.
type rowAccount struct {
	Read     int64            `json:"read"`
	Written  int64            `json:"written"`
	Rejected int64            `json:"rejected"`
	Dropped  map[string]int64 `json:"dropped_by_stage"`
	// Added counts rows a stage emitted beyond its input (aggregate
	// results, for instance), so the sum still balances.
	Added    map[string]int64 `json:"added_by_stage"`
	Balanced bool             `json:"balanced"`
}

// reconcile balances the rows of a run from its metrics. badRows is 1 when
// the run stopped at a bad row (a *pipeline.DataError), which was read but
// neither written nor rejected, and 0 otherwise.
func reconcile(m pipeline.Metrics, rejected, badRows int64) rowAccount {
	a := rowAccount{Rejected: rejected, Dropped: map[string]int64{}, Added: map[string]int64{}}
	st := m.Stages
	if len(st) < 2 {
		return a
	}
	decode := m.Decoded()
	// The NDJSON reader counts the records it cuts (RowsIn); the CSV
	// reader (whose decoders count them) and columnar ones do not, and
	// then what was decoded plus rejected is what was read.
	a.Read = max(decode.RowsIn, decode.RowsOut+rejected+badRows)
	decodeBalanced := decode.RowsIn == 0 || decode.RowsIn == decode.RowsOut+rejected
	a.Written = st[len(st)-1].RowsIn
	var dropped, added int64
	for _, s := range m.Transforms() {
		switch d := s.RowsIn - s.RowsOut; {
		case d > 0:
			a.Dropped[s.Name] = d
			dropped += d
		case d < 0:
			a.Added[s.Name] = -d
			added += -d
		}
	}
	a.Balanced = decodeBalanced && a.Read+added == a.Written+dropped+a.Rejected
	return a
}

// stageJSON is one stage of --stats=json: snake_case names, times in
// seconds.
type stageJSON struct {
	Name        string  `json:"name"`
	Workers     int     `json:"workers"`
	BatchesIn   int64   `json:"batches_in"`
	BatchesOut  int64   `json:"batches_out"`
	RowsIn      int64   `json:"rows_in"`
	RowsOut     int64   `json:"rows_out"`
	BytesIn     int64   `json:"bytes_in"`
	BytesOut    int64   `json:"bytes_out"`
	BusySeconds float64 `json:"busy_seconds"`
	WallSeconds float64 `json:"wall_seconds"`
	Utilization float64 `json:"utilization"`
	QueueP50    float64 `json:"queue_wait_p50_seconds"`
	QueueP99    float64 `json:"queue_wait_p99_seconds"`
	Handoff     struct {
		CopiedBatches int64 `json:"copied_batches"`
		CopiedBytes   int64 `json:"copied_bytes"`
		SharedBatches int64 `json:"shared_batches"`
		SharedBytes   int64 `json:"shared_bytes"`
	} `json:"handoff"`
}

// runJSON is the whole of --stats=json.
type runJSON struct {
	ElapsedSeconds float64     `json:"elapsed_seconds"`
	Stages         []stageJSON `json:"stages"`
	LatencyP50     float64     `json:"batch_latency_p50_seconds"`
	LatencyP99     float64     `json:"batch_latency_p99_seconds"`
	Rows           rowAccount  `json:"rows"`
	Failed         bool        `json:"failed"`
	OutputClosed   bool        `json:"output_closed_early"`
	Error          string      `json:"error,omitempty"`
	Joins          []joinJSON  `json:"joins,omitempty"`
	Files          runFiles    `json:"files"`
}

// runFiles are the files of a run: input files read to their end of
// those to read, those a partition filter skipped unopened, and the
// files a partitioned or split write committed, with their rows.
type runFiles struct {
	Read    int           `json:"read"`
	Total   int           `json:"total"`
	Skipped int           `json:"skipped_by_partition"`
	Written []writtenFile `json:"written,omitempty"`
}

type writtenFile struct {
	Path string `json:"path"`
	Rows int64  `json:"rows"`
}

// filesOf counts the run's files; parts is nil without partitioned or
// split output, and its files count only once committed.
func filesOf(src *plan.Source, parts *partition.Sink, committed bool) runFiles {
	var f runFiles
	f.Read, f.Total, f.Skipped = src.Files()
	if parts != nil && committed {
		for _, w := range parts.Files() {
			f.Written = append(f.Written, writtenFile{Path: w.Path, Rows: w.Rows})
		}
	}
	return f
}

// joinJSON is one join verb's counters in --stats=json.
type joinJSON struct {
	Table        string `json:"table"`
	BuildRows    int64  `json:"build_rows"`
	BuildBytes   int64  `json:"build_bytes"`
	SpilledBytes int64  `json:"spilled_bytes"`
	ProbeRows    int64  `json:"probe_rows"`
	Matches      int64  `json:"matches"`
}

func joinToJSON(j plan.JoinStats) joinJSON {
	return joinJSON{Table: j.Table, BuildRows: j.BuildRows.Load(), BuildBytes: j.BuildBytes.Load(),
		SpilledBytes: j.SpilledBytes.Load(), ProbeRows: j.ProbeRows.Load(), Matches: j.Matches.Load()}
}

func stageToJSON(s pipeline.StageMetrics) stageJSON {
	j := stageJSON{
		Name: s.Name, Workers: s.Workers,
		BatchesIn: s.BatchesIn, BatchesOut: s.BatchesOut,
		RowsIn: s.RowsIn, RowsOut: s.RowsOut,
		BytesIn: s.BytesIn, BytesOut: s.BytesOut,
		BusySeconds: s.Busy.Seconds(), WallSeconds: s.Wall.Seconds(),
		Utilization: s.Utilization,
		QueueP50:    s.QueueWaitP50.Seconds(), QueueP99: s.QueueWaitP99.Seconds(),
	}
	j.Handoff.CopiedBatches, j.Handoff.CopiedBytes = s.Handoff.CopiedBatches, s.Handoff.CopiedBytes
	j.Handoff.SharedBatches, j.Handoff.SharedBytes = s.Handoff.SharedBatches, s.Handoff.SharedBytes
	return j
}

func printStats(o *options, m pipeline.Metrics, joins []plan.JoinStats, files runFiles, rejected int64, runErr error, stderr io.Writer) error {
	if o.stats == "" {
		return nil
	}
	w := stderr
	if o.statsFile != "" {
		f, err := os.Create(o.statsFile)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	var badRows int64
	if de := (*pipeline.DataError)(nil); errors.As(runErr, &de) {
		badRows = 1
	}
	acct := reconcile(m, rejected, badRows)
	// A failed run stopped midway: its rows need not balance. So did a
	// run whose output was closed (| head), which is no failure.
	closed := output.IsBrokenPipe(runErr)
	failed := runErr != nil && !closed
	errText := ""
	if failed {
		errText = runErr.Error()
	}
	switch o.stats {
	case "json":
		out := runJSON{
			ElapsedSeconds: m.Elapsed.Seconds(),
			LatencyP50:     m.LatencyP50.Seconds(), LatencyP99: m.LatencyP99.Seconds(),
			Rows: acct, Failed: failed, OutputClosed: closed, Error: errText,
			Files: files,
		}
		for _, s := range m.Stages {
			out.Stages = append(out.Stages, stageToJSON(s))
		}
		for _, j := range joins {
			out.Joins = append(out.Joins, joinToJSON(j))
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	case "text":
	default:
		return &usageError{fmt.Sprintf("--stats %q: want text or json", o.stats)}
	}
	if err := writeStatsTable(w, m.Stages); err != nil {
		return err
	}
	for _, j := range joins {
		c := joinToJSON(j)
		fmt.Fprint(w, wrapWords(fmt.Sprintf("join %s: table %d rows (%s), %s spilled; %d rows probed, %d matches",
			c.Table, c.BuildRows, humanBytes(c.BuildBytes), humanBytes(c.SpilledBytes), c.ProbeRows, c.Matches), statsWidth, "  ", ""))
	}
	fmt.Fprintf(w, "elapsed %s, batch latency p50 %s p99 %s\n",
		m.Elapsed.Round(time.Millisecond), m.LatencyP50.Round(time.Microsecond), m.LatencyP99.Round(time.Microsecond))
	if files.Total > 1 { // one file needs no count
		fmt.Fprintf(w, "files: %d of %d read\n", files.Read, files.Total)
	}
	var parts []string
	for _, s := range m.Stages {
		if d, ok := acct.Dropped[s.Name]; ok {
			parts = append(parts, fmt.Sprintf("%d dropped by %s", d, s.Name))
		}
	}
	line := fmt.Sprintf("rows: %d read = %d written", acct.Read, acct.Written)
	for _, p := range parts {
		line += " + " + p
	}
	line += fmt.Sprintf(" + %d rejected", acct.Rejected)
	for _, s := range m.Stages {
		if a, ok := acct.Added[s.Name]; ok {
			line += fmt.Sprintf(" - %d made by %s", a, s.Name)
		}
	}
	note := ""
	switch {
	case failed:
		note = "(run failed: counts stop where it stopped)"
	case closed:
		note = "(output closed early: counts stop where it stopped)"
	case !acct.Balanced:
		note = "(DOES NOT BALANCE)"
	}
	_, err := fmt.Fprint(w, wrapWords(line, statsWidth, "  ", note))
	return err
}

// humanBytes rounds n to three significant digits of the largest binary
// unit under 1000 of it: 25B, 1.50KiB, 45.8MiB, 0.98GiB. (formatBytes, for flag
// values, prints only exact multiples of a unit.)
func humanBytes(n int64) string {
	if n < 1024 {
		return fmt.Sprintf("%dB", n)
	}
	v := float64(n)
	unit := 0
	for v >= 1000 && unit < 4 {
		v /= 1024
		unit++
	}
	name := []string{"B", "KiB", "MiB", "GiB", "TiB"}[unit]
	switch {
	case v < 9.995:
		return fmt.Sprintf("%.2f%s", v, name)
	case v < 99.95:
		return fmt.Sprintf("%.1f%s", v, name)
	}
	return fmt.Sprintf("%.0f%s", v, name)
}
