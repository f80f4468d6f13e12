package main

import (
	"bytes"
	"io"
)

// lineFrames turns a line redrawn in place ('\r' then the new text, padded
// with spaces over the old) into one line per redraw, for a writer that
// is not a terminal: a log file gets readable lines instead of frames.
// It is not safe for concurrent use; Close writes an unfinished line.
type lineFrames struct {
	w   io.Writer
	buf []byte
}

func (l *lineFrames) Write(p []byte) (int, error) {
	for _, c := range p {
		if c != '\r' && c != '\n' {
			l.buf = append(l.buf, c)
			continue
		}
		if err := l.flush(); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

// flush writes the line so far, without its padding, if it has text.
func (l *lineFrames) flush() error {
	line := bytes.TrimRight(l.buf, " ")
	l.buf = l.buf[:0]
	if len(line) == 0 {
		return nil
	}
	_, err := l.w.Write(append(line, '\n'))
	return err
}

// Close writes what is left of the last line.
func (l *lineFrames) Close() error { return l.flush() }
