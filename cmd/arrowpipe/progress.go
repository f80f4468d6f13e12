package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/plan"
)

// startProgress shows a progress bar on stderr while p runs, when stderr
// is a terminal or --progress asks for it: bytes read of the total (or so
// far, for pipes), rows/s, MB/s and, for files, the time left. It samples
// the pipeline's counters 5 times a second, so the pipeline itself pays
// nothing for it. The returned func stops it.
func startProgress(ctx context.Context, o *options, p *pipeline.Pipeline, src *plan.Source, stderr io.Writer) func() {
	show := o.progress
	// stderr is an *os.File, or main's stallGuard over one.
	if f, ok := stderr.(interface{ Fd() uintptr }); ok && !o.progress && !o.noProgress {
		show = term.IsTerminal(int(f.Fd()))
	}
	if !show || o.noProgress {
		return func() {}
	}
	_, total := src.Progress()
	// Our ticker drives every redraw: no throttle (it would drop the byte
	// count that follows a Describe) and no spinner goroutine of the bar's
	// own (it would read the bar while we update it).
	bar := progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(stderr),
		progressbar.OptionShowBytes(true),
		progressbar.OptionShowCount(),
		progressbar.OptionSetWidth(24),
		progressbar.OptionSetPredictTime(total > 0),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionSpinnerType(14),
		progressbar.OptionSetSpinnerChangeInterval(0),
	)
	read, _ := src.Progress()
	bar.Set64(read)
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			read, _ := src.Progress()
			m := p.Metrics()
			rows := m.Decoded().RowsOut
			bar.Set64(read)
			if secs := m.Elapsed.Seconds(); secs > 0 {
				bar.Describe(fmt.Sprintf("%s rows, %s rows/s", humanCount(rows), humanCount(int64(float64(rows)/secs))))
			}
		}
	}()
	return func() {
		close(done)
		<-stopped
		bar.Finish()
		bar.Clear()
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
