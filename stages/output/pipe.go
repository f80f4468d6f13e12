package output

import (
	"errors"
	"syscall"
)

// IsBrokenPipe reports whether err, or an error it wraps, is EPIPE: the
// reader of the output pipe has gone away, as when output is piped into
// head. The command line treats it as a normal end.
func IsBrokenPipe(err error) bool {
	return errors.Is(err, syscall.EPIPE)
}
