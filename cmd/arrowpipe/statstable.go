package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/arrowpipe/arrowpipe/pipeline"
)

// statsWidth is what the --stats text fits in: an 80-column terminal.
const statsWidth = 80

// statsLegend explains the table's columns in one line of statsWidth.
const statsLegend = "w: workers  busy: with Finish  p50/p99: queue wait  shared: % not copied"

// maxStageName is the widest stage name the table shows; a longer one is
// cut with "~".
const maxStageName = 14

// writeStatsTable writes a row per step: what it passed on (a step's
// input is its predecessor's output), its busy time, utilization, queue
// wait and how its output batches crossed to the next step. Bytes, and
// the batches of each handoff, are in --stats=json.
func writeStatsTable(w io.Writer, stages []pipeline.StageMetrics) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "stage\tw\tbatches\trows\tbusy\tutil\tp50\tp99\tshared\t")
	for _, s := range stages {
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%.0f%%\t%s\t%s\t%s\t\n",
			stageCell(s.Name), s.Workers, countCell(s.BatchesOut, 6), countCell(s.RowsOut, 8),
			shortDuration(s.Busy), 100*s.Utilization,
			shortDuration(s.QueueWaitP50), shortDuration(s.QueueWaitP99),
			sharedCell(s.Handoff.SharedBatches, s.Handoff.CopiedBatches))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintln(w, statsLegend)
	return err
}

// stageCell cuts a long stage name, keeping its end (the -2 of a verb's
// second use).
func stageCell(name string) string {
	if len(name) <= maxStageName {
		return name
	}
	return "~" + name[len(name)-maxStageName+1:]
}

// countCell is n exactly when it has at most digits digits, else as 1.2M.
func countCell(n int64, digits int) string {
	if exact := strconv.FormatInt(n, 10); len(exact) <= digits {
		return exact
	}
	return humanCount(n)
}

// sharedCell is the share of the batches a step passed on that crossed
// zero-copy (the rest were copied), or "-" for a step whose output is raw
// bytes.
func sharedCell(shared, copied int64) string {
	if shared+copied == 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f%%", 100*float64(shared)/float64(shared+copied))
}

// shortDuration writes d in at most 6 columns with 3 significant digits:
// 0, 812ns, 45.6µs, 1.23ms, 18.6s, 2m5s, 3h12m.
func shortDuration(d time.Duration) string {
	switch {
	case d <= 0:
		return "0"
	case d < time.Microsecond:
		return fmt.Sprintf("%dns", d.Nanoseconds())
	case d < time.Millisecond:
		return sig3(float64(d)/1e3) + "µs"
	case d < time.Second:
		return sig3(float64(d)/1e6) + "ms"
	case d < time.Minute:
		return sig3(d.Seconds()) + "s"
	case d < time.Hour:
		d = d.Round(time.Second)
		return fmt.Sprintf("%dm%ds", int(d.Minutes()), int(d.Seconds())%60)
	}
	d = d.Round(time.Minute)
	return fmt.Sprintf("%dh%dm", int(d.Hours()), int(d.Minutes())%60)
}

// sig3 writes v (1 <= v < 1000) with three significant digits.
func sig3(v float64) string {
	switch {
	case v < 9.995:
		return strconv.FormatFloat(v, 'f', 2, 64)
	case v < 99.95:
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
	return strconv.FormatFloat(v, 'f', 0, 64)
}

// wrapWords breaks text into lines of at most width columns at spaces,
// continuation lines starting with indent, and ends with note (kept whole,
// two spaces after the text, or on a line of its own); each line ends
// with a newline. A word longer than a line stands alone.
func wrapWords(text string, width int, indent, note string) string {
	var b strings.Builder
	line := ""
	for _, word := range strings.Split(text, " ") {
		switch {
		case line == "" || line == indent:
			line += word
		case len(line)+1+len(word) <= width:
			line += " " + word
		default:
			b.WriteString(line + "\n")
			line = indent + word
		}
	}
	switch {
	case note == "":
	case len(line)+2+len(note) <= width:
		line += "  " + note
	default:
		b.WriteString(line + "\n")
		line = indent + note
	}
	b.WriteString(line + "\n")
	return b.String()
}
