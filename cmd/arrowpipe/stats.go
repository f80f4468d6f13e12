package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/arrowpipe/arrowpipe/pipeline"
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

func reconcile(m pipeline.Metrics, rejected int64) rowAccount {
	a := rowAccount{Rejected: rejected, Dropped: map[string]int64{}, Added: map[string]int64{}}
	st := m.Stages
	if len(st) < 4 {
		return a
	}
	decode := st[1]
	// Text readers count the records they cut (RowsIn); columnar ones
	// do not, and then what was decoded plus rejected is what was read.
	a.Read = max(decode.RowsIn, decode.RowsOut+rejected)
	decodeBalanced := decode.RowsIn == 0 || decode.RowsIn == decode.RowsOut+rejected
	a.Written = st[len(st)-1].RowsIn
	var dropped, added int64
	for _, s := range st[2 : len(st)-2] {
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

type stageStats struct {
	pipeline.StageMetrics
	BusyPercent float64 `json:"busy_percent"`
}

func printStats(o *options, m pipeline.Metrics, rejected int64, runErr error, stderr io.Writer) error {
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
	acct := reconcile(m, rejected)
	// A failed run stopped midway: its rows need not balance.
	failed := runErr != nil
	errText := ""
	if failed {
		errText = runErr.Error()
	}
	switch o.stats {
	case "json":
		stages := make([]stageStats, len(m.Stages))
		for i, s := range m.Stages {
			stages[i] = stageStats{StageMetrics: s, BusyPercent: 100 * s.Utilization}
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			ElapsedSeconds float64      `json:"elapsed_seconds"`
			Stages         []stageStats `json:"stages"`
			LatencyP50     string       `json:"batch_latency_p50"`
			LatencyP99     string       `json:"batch_latency_p99"`
			Rows           rowAccount   `json:"rows"`
			Failed         bool         `json:"failed"`
			Error          string       `json:"error,omitempty"`
		}{m.Elapsed.Seconds(), stages, m.LatencyP50.String(), m.LatencyP99.String(), acct, failed, errText})
	case "text":
	default:
		return &usageError{fmt.Sprintf("--stats %q: want text or json", o.stats)}
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "stage\tworkers\tbatches in\tbatches out\trows in\trows out\tbusy\tutil\tqueue p50\tqueue p99\tcopied\tshared\t")
	for _, s := range m.Stages {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%s\t%.0f%%\t%s\t%s\t%s\t%s\t\n",
			s.Name, s.Workers, s.BatchesIn, s.BatchesOut, s.RowsIn, s.RowsOut,
			s.Busy.Round(time.Millisecond), 100*s.Utilization,
			s.QueueWaitP50.Round(time.Microsecond), s.QueueWaitP99.Round(time.Microsecond),
			handoffCell(s.Handoff.CopiedBatches, s.Handoff.CopiedBytes),
			handoffCell(s.Handoff.SharedBatches, s.Handoff.SharedBytes))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "elapsed %s, batch latency p50 %s p99 %s\n",
		m.Elapsed.Round(time.Millisecond), m.LatencyP50.Round(time.Microsecond), m.LatencyP99.Round(time.Microsecond))
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
	switch {
	case failed:
		line += "  (run failed: counts stop where it stopped)"
	case !acct.Balanced:
		line += "  (DOES NOT BALANCE)"
	}
	_, err := fmt.Fprintln(w, line)
	return err
}

func handoffCell(batches, bytes int64) string {
	if batches == 0 {
		return "-"
	}
	return fmt.Sprintf("%d/%s", batches, strings.TrimSuffix(formatBytes(bytes), "B"))
}
