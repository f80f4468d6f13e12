package main

import (
	"io"

	"golang.org/x/term"

	"github.com/arrowpipe/arrowpipe/stages/output"
)

// fdOf returns w's file descriptor when w is a file (or main's stallGuard
// over one).
func fdOf(w io.Writer) (int, bool) {
	f, ok := w.(interface{ Fd() uintptr })
	if !ok {
		return 0, false
	}
	return int(f.Fd()), true
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	fd, ok := fdOf(w)
	return ok && term.IsTerminal(fd)
}

// termWidth returns w's width in columns, or 0 when it is not a terminal.
// It asks each time, so a resized window is seen at the next redraw.
func termWidth(w io.Writer) int {
	fd, ok := fdOf(w)
	if !ok {
		return 0
	}
	width, _, err := term.GetSize(fd)
	if err != nil {
		return 0
	}
	return width
}

// sameTerminal reports whether a and b are one terminal (stdout and stderr
// both on the screen): a bar drawn there would be glued to the data rows.
func sameTerminal(a, b io.Writer) bool {
	fa, okA := fdOf(a)
	fb, okB := fdOf(b)
	if !okA || !okB || !term.IsTerminal(fa) || !term.IsTerminal(fb) {
		return false
	}
	return sameDevice(fa, fb)
}

// tableWidth is the widest a --to table line may be: the terminal's width
// when the table goes to stdout and stdout is a terminal, else 0 (no
// limit: a file or a pipe keeps whole lines).
func tableWidth(o *options, stdout io.Writer) int {
	if !output.IsStdout(o.output) || !isTerminal(stdout) {
		return 0
	}
	return termWidth(stdout)
}
