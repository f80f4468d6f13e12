package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/output"
	"github.com/arrowpipe/arrowpipe/stages/plan"
)

// A progressMode is how a run reports progress on stderr.
type progressMode int

const (
	progressOff   progressMode = iota
	progressBar                // one line redrawn in place, for a terminal
	progressPlain              // one line per interval, for logs
	progressJSON               // one JSON object per interval, for machines
)

// How often each mode writes: a bar is redrawn 5 times a second, a log
// gets a line a second.
const (
	barInterval  = 200 * time.Millisecond
	lineInterval = time.Second
)

// chooseProgress turns --progress's value and --no-progress into a mode.
// "auto" (the default) draws the bar when stderr is a terminal that stdout
// is not (a bar among data rows would corrupt them); "on" (the bare flag,
// or "true") forces it, as plain lines when stderr is not a terminal, so
// that no '\r' ever reaches a file; "plain" and "json" write lines;
// "off" nothing. --no-progress wins.
func chooseProgress(value string, noProgress bool, stdout, stderr io.Writer) (progressMode, error) {
	if noProgress {
		return progressOff, nil
	}
	tty := isTerminal(stderr)
	switch value {
	case "", "auto", "false":
		if value == "false" || !tty || sameTerminal(stdout, stderr) {
			return progressOff, nil
		}
		return progressBar, nil
	case "on", "true", "bar":
		if tty {
			return progressBar, nil
		}
		return progressPlain, nil
	case "plain":
		return progressPlain, nil
	case "json":
		return progressJSON, nil
	case "off", "none":
		return progressOff, nil
	}
	return progressOff, &usageError{fmt.Sprintf("--progress %q: want auto, on, plain, json or off", value)}
}

// progressUsage is --progress's help line.
const progressUsage = "progress on stderr: auto (a bar when stderr is a terminal that the data does not go to), on (the bare flag: a bar, or plain lines when stderr is not a terminal), plain (a line a second, for logs), json (an object a second) or off"

// progressValue is --progress's value, checked when the flag is parsed:
//
//	fs.Var(&o.progress, "progress", progressUsage)
//	fs.Lookup("progress").NoOptDefVal = "on"
type progressValue string

// Set accepts the values chooseProgress knows.
func (p *progressValue) Set(s string) error {
	if _, err := chooseProgress(s, false, nil, nil); err != nil {
		return fmt.Errorf("want auto, on, plain, json or off")
	}
	*p = progressValue(s)
	return nil
}

func (p *progressValue) String() string {
	if *p == "" {
		return "auto"
	}
	return string(*p)
}

// Type names the value in help.
func (p *progressValue) Type() string { return "mode" }

// progressFlag is --progress's value, from the bool the flag was (the bare
// flag forces the display) or a progressValue.
func progressFlag(v any) string {
	switch v := v.(type) {
	case bool:
		if v {
			return "on"
		}
	case progressValue:
		return v.String()
	}
	return "auto"
}

// startProgress shows the progress of a run of o on stderr, as the flags
// and the terminals ask (chooseProgress). The data goes to the process's
// stdout unless -o names a file: only then can it share stderr's terminal.
func startProgress(ctx context.Context, o *options, p *pipeline.Pipeline, src *plan.Source, stderr io.Writer) func() {
	var dataOut io.Writer
	if output.IsStdout(o.output) {
		dataOut = os.Stdout
	}
	mode, err := chooseProgress(progressFlag(o.progress), o.noProgress, dataOut, stderr)
	if err != nil {
		mode = progressOff // progressValue checked it when parsing
	}
	return showProgress(ctx, mode, p, src, stderr)
}

// showProgress reports the run's progress on stderr in mode until the
// returned func is called; that func erases the bar (or writes a last
// line) and returns once nothing more is written. It samples the
// pipeline's counters, so the pipeline itself pays nothing for it.
func showProgress(ctx context.Context, mode progressMode, p *pipeline.Pipeline, src *plan.Source, stderr io.Writer) func() {
	if mode == progressOff {
		return func() {}
	}
	d := &progressDrawer{mode: mode, p: p, src: src, w: stderr}
	interval := lineInterval
	if mode == progressBar {
		interval = barInterval
	}
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-tick.C:
				d.draw()
			}
		}
	}()
	return func() {
		close(done)
		<-stopped
		d.end()
	}
}

// progressDrawer writes the redraws of one run. It is used by one
// goroutine at a time.
type progressDrawer struct {
	mode      progressMode
	p         *pipeline.Pipeline
	src       *plan.Source
	w         io.Writer
	sawFinish bool
	drawn     bool // a bar is on the screen
}

func (d *progressDrawer) state() progressState {
	read, total := d.src.Progress()
	s := readProgress(d.p.Metrics(), read, total, d.sawFinish)
	s.FilesDone, s.FilesTotal, _ = d.src.Files()
	d.sawFinish = d.sawFinish || s.All > 0
	return s
}

func (d *progressDrawer) draw() {
	s := d.state()
	switch d.mode {
	case progressBar:
		width := termWidth(d.w)
		if width <= 0 {
			width = 80
		}
		// One write per redraw: back to column 0, the line, clear the
		// rest of a longer previous line.
		fmt.Fprint(d.w, "\r"+s.barLine(width)+"\x1b[K")
		d.drawn = true
	case progressPlain:
		fmt.Fprintln(d.w, s.plainLine())
	case progressJSON:
		fmt.Fprintln(d.w, s.jsonLine())
	}
}

// end erases the bar, or writes the last line of a log.
func (d *progressDrawer) end() {
	switch d.mode {
	case progressBar:
		if d.drawn {
			fmt.Fprint(d.w, "\r\x1b[K")
		}
	case progressPlain, progressJSON:
		s := d.state()
		s.Phase = "end"
		if d.mode == progressPlain {
			fmt.Fprintln(d.w, s.plainLine())
		} else {
			fmt.Fprintln(d.w, s.jsonLine())
		}
	}
}

// humanCount writes 1234567 as 1.2M.
func humanCount(n int64) string {
	switch {
	case n >= 1e9:
		return fmt.Sprintf("%.1fG", float64(n)/1e9)
	case n >= 1e6:
		return fmt.Sprintf("%.1fM", float64(n)/1e6)
	case n >= 1e3:
		return fmt.Sprintf("%.1fk", float64(n)/1e3)
	}
	return fmt.Sprint(n)
}
