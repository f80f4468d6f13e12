//go:build unix

package input

import (
	"context"
	"io/fs"
	"os"
	"syscall"
)

// openFile opens path for reading. A named pipe is opened on a goroutine:
// open(2) on a FIFO waits for a writer, and without one a cancelled ctx
// would leave the run stuck there. On cancellation, openFile connects to
// the FIFO as a writer for a moment, which completes the pending open, and
// closes both ends; it fails with ctx's cause.
func openFile(ctx context.Context, path string) (*os.File, error) {
	if st, err := os.Stat(path); err != nil || st.Mode()&fs.ModeNamedPipe == 0 {
		return os.Open(path)
	}
	type opened struct {
		f   *os.File
		err error
	}
	done := make(chan opened, 1)
	go func() {
		f, err := os.Open(path)
		done <- opened{f, err}
	}()
	select {
	case r := <-done:
		return r.f, r.err
	case <-ctx.Done():
	}
	// Non-blocking: it succeeds at once, as a reader (ours) is waiting.
	if w, err := os.OpenFile(path, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
		_ = w.Close()
	}
	// If connecting failed, the open completes when a writer comes (or the
	// process exits); the file is closed then.
	go func() {
		if r := <-done; r.f != nil {
			_ = r.f.Close()
		}
	}()
	return nil, context.Cause(ctx)
}
