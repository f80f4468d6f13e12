package main

import (
	"os"
	"syscall"
)

// closedAtStart reports whether f, a standard descriptor, was closed when
// the process started. The Go runtime opens /dev/null read-write on a
// standard descriptor it finds closed (runtime.checkfds), which would
// make `arrowpipe ... >&-` succeed having written nothing; a shell's
// `>/dev/null` opens it write-only. (A daemon that set up its descriptors
// with daemon(3) also has /dev/null read-write: its output was being
// discarded anyway.)
func closedAtStart(f *os.File) bool {
	fd := f.Fd()
	flags, _, errno := syscall.Syscall(syscall.SYS_FCNTL, fd, syscall.F_GETFL, 0)
	if errno != 0 {
		return errno == syscall.EBADF
	}
	if flags&syscall.O_ACCMODE != syscall.O_RDWR {
		return false
	}
	var st, null syscall.Stat_t
	if syscall.Fstat(int(fd), &st) != nil || syscall.Stat(os.DevNull, &null) != nil {
		return false
	}
	return st.Mode&syscall.S_IFMT == syscall.S_IFCHR && st.Rdev == null.Rdev
}
