package main

import (
	"fmt"
	"syscall"
)

// errStdoutClosed is what writes to a standard output that was closed
// when arrowpipe started fail with: an I/O error, not a quiet success.
var errStdoutClosed = fmt.Errorf("standard output is closed: %w", syscall.EBADF)

// closedWriter stands for a closed standard output.
type closedWriter struct{}

func (closedWriter) Write([]byte) (int, error) { return 0, errStdoutClosed }
