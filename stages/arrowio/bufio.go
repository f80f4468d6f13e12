package arrowio

import (
	"bufio"
	"io"
)

// bufioReader buffers r (once) so that the file magic can be peeked.
func bufioReader(r io.Reader) *bufio.Reader {
	if br, ok := r.(*bufio.Reader); ok {
		return br
	}
	return bufio.NewReaderSize(r, 64<<10)
}
