package main

import (
	"context"
	"errors"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/arrowpipe/arrowpipe/stages/output"
)

// errInterrupted is the cause of a run cancelled by SIGINT, SIGTERM or
// SIGHUP (the terminal went away).
var errInterrupted = errors.New("interrupted")

// interruptContext returns a ctx cancelled with errInterrupted on the first
// SIGINT, SIGTERM or SIGHUP; a second one exits at once with status 130, after
// removing the temporary files of the outputs still being written (the
// ctx carries their list: see tempFilesOf).
func interruptContext(parent context.Context, stderr io.Writer) (context.Context, func()) {
	temps := &output.TempFiles{}
	ctx, cancel := context.WithCancelCause(context.WithValue(parent, tempFilesKey{}, temps))
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	done := make(chan struct{})
	go func() {
		select {
		case <-sigs:
			cancel(errInterrupted)
		case <-done:
			return
		}
		select {
		case <-sigs:
			// stderr may be a pipe nobody reads: say why, but do not
			// wait on it for long.
			said := make(chan struct{})
			go func() {
				io.WriteString(stderr, "arrowpipe: interrupted again, exiting now\n")
				close(said)
			}()
			select {
			case <-said:
			case <-time.After(stallGrace):
			}
			temps.RemoveAll() // unlinking cannot block on a pipe
			os.Exit(exitInterrupted)
		case <-done:
		}
	}()
	return ctx, func() {
		signal.Stop(sigs)
		close(done)
		cancel(nil)
	}
}

type tempFilesKey struct{}

// tempFilesOf returns the list of temporary output files that ctx carries
// for interruptContext, or nil (record nothing) when it carries none, as
// in tests that call run directly.
func tempFilesOf(ctx context.Context) *output.TempFiles {
	t, _ := ctx.Value(tempFilesKey{}).(*output.TempFiles)
	return t
}
