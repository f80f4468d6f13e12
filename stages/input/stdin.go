package input

import (
	"os"
	"syscall"
)

// InterruptibleStdin returns f (normally os.Stdin) re-opened so that a Read
// blocked on it can be interrupted by Close. Go reads a blocking descriptor
// with a plain read(2) that nothing can cancel; once the descriptor is in
// non-blocking mode, os.NewFile registers it with Go's network poller, a
// pending Read parks in the runtime, and Close wakes it with os.ErrClosed.
// This is what lets `tail -f log | arrowpipe head 1` return as soon as the
// first row is out, instead of waiting for the next line that may never come.
//
// Only pipes and sockets are changed: a terminal's non-blocking flag would be
// shared with the shell, and regular files never block. For them f itself is
// returned. The returned file reads a duplicate of f's descriptor, so
// closing it leaves f open; after the change f itself must not be read (the
// shared non-blocking flag would make its plain reads fail with EAGAIN).
func InterruptibleStdin(f *os.File) *os.File {
	st, err := f.Stat()
	if err != nil || st.Mode()&(os.ModeNamedPipe|os.ModeSocket) == 0 {
		return f
	}
	fd, err := syscall.Dup(int(f.Fd()))
	if err != nil {
		return f
	}
	syscall.CloseOnExec(fd)
	if err := syscall.SetNonblock(fd, true); err != nil {
		_ = syscall.Close(fd)
		return f
	}
	return os.NewFile(uintptr(fd), f.Name())
}
