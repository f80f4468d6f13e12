package main

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/arrowpipe/arrowpipe/pipeline"
)

// progressState is what one redraw shows, read from the run's counters.
type progressState struct {
	Elapsed time.Duration
	// Phase is "reading", "writing", or what a stage's Finish does
	// ("sorting", "grouping", ...).
	Phase string
	// Read and Total are input bytes; Total < 0 when unknown (a pipe).
	Read, Total int64
	// Rows were decoded from the input; Written reached the writer.
	Rows, Written int64
	// Done of All are the rows a finishing stage has emitted of those it
	// took in; All is 0 outside such a phase.
	Done, All int64
	// FilesDone of FilesTotal input files are read to their end.
	FilesDone, FilesTotal int
}

// finishPhases names what a stage's Finish does, by verb.
var finishPhases = map[string]string{
	"sort": "sorting", "groupby": "grouping", "agg": "aggregating",
	"distinct": "deduplicating", "top": "ranking", "tail": "tail",
	"count": "counting", "join": "joining", "pivot": "pivoting",
	"window": "windowing", "quantile": "quantiles",
}

// finishPhase returns the phase of stage name's Finish: "sorting" for
// sort or sort-2, "finishing NAME" for a verb without a word of its own.
func finishPhase(name string) string {
	verbName := name
	if i := strings.LastIndexByte(name, '-'); i > 0 {
		verbName = name[:i]
	}
	if p, ok := finishPhases[verbName]; ok {
		return p
	}
	return "finishing " + name
}

// readProgress reads the run's phase and counters from m and the source's
// byte counts. sawFinish says a stage's Finish ran at an earlier redraw:
// after it only writing remains.
func readProgress(m pipeline.Metrics, read, total int64, sawFinish bool) progressState {
	s := progressState{Elapsed: m.Elapsed, Read: read, Total: total, Rows: m.Decoded().RowsOut}
	if n := len(m.Stages); n > 0 {
		s.Written = m.Stages[n-1].RowsIn
	}
	for _, st := range m.Transforms() {
		if st.Finishing {
			s.Phase = finishPhase(st.Name)
			s.Done, s.All = st.RowsOut, st.RowsIn
			return s
		}
	}
	// After the last byte is read, the chain may still be at work (a sort
	// spilling its last run) before anything is written.
	switch {
	case sawFinish || s.Written > 0 && total > 0 && read >= total:
		s.Phase = "writing"
	case total > 0 && read >= total:
		s.Phase = "processing"
	default:
		s.Phase = "reading"
	}
	return s
}

// percent returns how far the phase is, when that is known.
func (s progressState) percent() (float64, bool) {
	switch {
	case s.All > 0:
		return 100 * float64(s.Done) / float64(s.All), true
	case s.Phase == "reading" && s.Total > 0:
		return 100 * float64(s.Read) / float64(s.Total), true
	}
	return 0, false
}

// eta is the time left to read a file of known size at the rate so far:
// only while reading, the one phase whose end the rate predicts.
func (s progressState) eta() (time.Duration, bool) {
	if s.Phase != "reading" || s.Total <= 0 || s.Read <= 0 || s.Elapsed < time.Second {
		return 0, false
	}
	rate := float64(s.Read) / s.Elapsed.Seconds()
	return time.Duration(float64(s.Total-s.Read) / rate * float64(time.Second)), true
}

// progressField is one piece of the line; rank orders what to drop first
// when the line does not fit (highest first).
type progressField struct {
	text string
	rank int
}

// fields returns the line's pieces in display order. Numbers are padded
// to fixed widths, and the ETA's place is kept from the start, so that
// the bar does not jump as they change.
func (s progressState) fields() []progressField {
	var f []progressField
	phase := s.Phase
	if pct, ok := s.percent(); ok {
		phase += fmt.Sprintf(" %3.0f%%", pct)
	}
	f = append(f, progressField{phase, 0})
	if s.Phase != "reading" {
		f = append(f, progressField{fmt.Sprintf("%6s rows out", humanCount(s.Written)), 1})
		f = append(f, progressField{clock(s.Elapsed), 5})
		return f
	}
	bytes := fmt.Sprintf("%7s", humanBytes(s.Read))
	if s.Total > 0 {
		bytes += "/" + humanBytes(s.Total)
	}
	f = append(f, progressField{bytes, 2})
	if s.FilesTotal > 1 {
		w := len(strconv.Itoa(s.FilesTotal))
		f = append(f, progressField{fmt.Sprintf("%*d/%d files", w, s.FilesDone, s.FilesTotal), 2})
	}
	f = append(f, progressField{fmt.Sprintf("%6s rows", humanCount(s.Rows)), 1})
	if secs := s.Elapsed.Seconds(); secs > 0 {
		f = append(f, progressField{fmt.Sprintf("%9s", humanBytes(int64(float64(s.Read)/secs))+"/s"), 3})
	}
	f = append(f, progressField{clock(s.Elapsed), 5})
	if s.Total > 0 {
		eta := "ETA  -:--"
		if left, ok := s.eta(); ok {
			eta = fmt.Sprintf("ETA %5s", clock(left))
		}
		f = append(f, progressField{eta, 4})
	}
	return f
}

// plainLine is one line of --progress=plain: every field, no bar.
func (s progressState) plainLine() string {
	var parts []string
	for _, f := range s.fields() {
		if t := strings.Join(strings.Fields(f.text), " "); t != "ETA -:--" {
			parts = append(parts, t)
		}
	}
	return "arrowpipe: " + strings.Join(parts, "  ")
}

// progressRecord is one object of --progress=json.
type progressRecord struct {
	ElapsedSeconds float64  `json:"elapsed_seconds"`
	Phase          string   `json:"phase"`
	BytesRead      int64    `json:"bytes_read"`
	BytesTotal     *int64   `json:"bytes_total"`
	RowsRead       int64    `json:"rows_read"`
	RowsWritten    int64    `json:"rows_written"`
	Percent        *float64 `json:"percent"`
	ETASeconds     *float64 `json:"eta_seconds"`
	FilesRead      int      `json:"files_read"`
	FilesTotal     int      `json:"files_total"`
}

func (s progressState) jsonLine() string {
	j := progressRecord{
		ElapsedSeconds: s.Elapsed.Seconds(), Phase: s.Phase,
		BytesRead: s.Read, RowsRead: s.Rows, RowsWritten: s.Written,
		FilesRead: s.FilesDone, FilesTotal: s.FilesTotal,
	}
	if s.Total >= 0 {
		j.BytesTotal = &s.Total
	}
	if pct, ok := s.percent(); ok {
		j.Percent = &pct
	}
	if left, ok := s.eta(); ok {
		secs := left.Seconds()
		j.ETASeconds = &secs
	}
	b, _ := json.Marshal(j)
	return string(b)
}

// barLine is the terminal line: at most width-1 columns (the last column
// would wrap on some terminals), dropping the least useful fields first
// and giving the bar what is left.
func (s progressState) barLine(width int) string {
	limit := width - 1
	fields := s.fields()
	keep := make([]bool, len(fields))
	used := -1
	for rank := 0; rank <= 5; rank++ {
		for i, f := range fields {
			if f.rank == rank && used+1+len(f.text) <= limit {
				keep[i] = true
				used += 1 + len(f.text)
			}
		}
	}
	var parts []string
	for i, f := range fields {
		if keep[i] {
			parts = append(parts, f.text)
		}
	}
	if pct, ok := s.percent(); ok {
		if room := limit - used - 1; room >= 12 {
			parts = append(parts[:1], append([]string{bar(min(room, 40), pct)}, parts[1:]...)...)
		}
	}
	line := strings.Join(parts, " ")
	if len(line) > limit {
		line = line[:max(limit, 0)]
	}
	return line
}

// bar draws [=====>    ] in width columns for pct percent.
func bar(width int, pct float64) string {
	inner := width - 2
	fill := int(float64(inner) * min(max(pct, 0), 100) / 100)
	b := strings.Repeat("=", fill)
	if fill < inner {
		b += ">" + strings.Repeat(" ", inner-fill-1)
	}
	return "[" + b + "]"
}

// clock writes d as m:ss or h:mm:ss.
func clock(d time.Duration) string {
	secs := int64(d.Round(time.Second).Seconds())
	if secs >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", secs/3600, secs/60%60, secs%60)
	}
	return fmt.Sprintf("%d:%02d", secs/60, secs%60)
}
