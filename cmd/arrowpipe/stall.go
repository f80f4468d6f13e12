package main

import (
	"context"
	"errors"
	"io"
	"os"
	"sync"
	"time"
)

// stallGrace is how long a write to stdout or stderr may still take once
// the run is interrupted. It keeps the exit within the one second the
// interrupt promises while letting a merely slow reader take the last
// message.
const stallGrace = 200 * time.Millisecond

// errStalled is what a write returns when it was given up after an
// interrupt; run reports the interrupt instead.
var errStalled = errors.New("output stalled after interrupt")

// stallGuard is an io.Writer over a pipe or terminal whose writes can be
// abandoned. A write(2) blocked on a full pipe whose reader has stopped
// reading (arrowpipe big.csv | less, with less waiting for a key) cannot
// be cancelled: without the guard the writer stage would sit in it after
// SIGINT, and so would Run, until a second SIGINT. With it, once ctx is
// done a pending or new write returns errStalled after at most
// stallGrace, the run unwinds as for any interrupt (tee, rejects and
// spill files removed) and exits 130; every later write fails at once.
//
// Each write runs on a goroutine of its own that ends when the write
// returns; one given up stays blocked until the reader reads or goes away
// (or the process exits). An abandoned write keeps its buffer; the callers
// (bufio, the compressors) never touch a buffer again after a failed
// write. Writes are serialized, so the guard is safe for concurrent use;
// each costs a goroutine start and a channel operation (~1 µs) on top of
// the write, once per 1 MiB buffer for the output.
type stallGuard struct {
	ctx   context.Context
	f     *os.File
	grace time.Duration
	res   chan writeResult // the result of the write in flight

	mu    sync.Mutex
	stuck bool // a write was given up: fail every later one
}

type writeResult struct {
	n   int
	err error
}

// guardStalls returns f wrapped in a stallGuard when f is not a regular
// file (a regular file never blocks for long), and f itself otherwise.
func guardStalls(ctx context.Context, f *os.File) io.Writer {
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
		return f
	}
	return newStallGuard(ctx, f, stallGrace)
}

func newStallGuard(ctx context.Context, f *os.File, grace time.Duration) *stallGuard {
	return &stallGuard{ctx: ctx, f: f, grace: grace, res: make(chan writeResult, 1)}
}

// Fd returns the descriptor of the guarded file (for terminal checks).
func (g *stallGuard) Fd() uintptr { return g.f.Fd() }

// Write writes p, or gives up with errStalled when ctx is done and the
// write has not finished within the grace period.
func (g *stallGuard) Write(p []byte) (int, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.stuck {
		return 0, errStalled
	}
	go func() {
		n, err := g.f.Write(p)
		g.res <- writeResult{n, err} // buffered: never blocks
	}()
	select {
	case r := <-g.res:
		return r.n, r.err
	case <-g.ctx.Done():
	}
	t := time.NewTimer(g.grace)
	defer t.Stop()
	select {
	case r := <-g.res:
		return r.n, r.err
	case <-t.C:
		g.stuck = true
		return 0, errStalled
	}
}
