package csvin

import (
	"fmt"
	"io"
	"strings"

	"github.com/arrowpipe/arrowpipe/stages/input"
)

// readSize is the most one Read call is asked for.
const readSize = 256 << 10

// A readReq asks the reader goroutine for one Read of input into buf: the
// free room at the end of the splitter's buffer, so that input bytes land
// where the chunk is cut from, and are not copied a second time.
type readReq struct {
	buf   []byte
	input int
}

// A block is the reader goroutine's answer to a readReq: n bytes read,
// then possibly the end of the input or a read error.
type block struct {
	n   int
	eof bool
	err error
}

// read is the reader goroutine: it serves read requests, one at a time, in
// the order the splitter (Next) sends them. The splitter keeps one request
// in flight while it works (see Source.request), so reading overlaps
// splitting by a block. read returns when the source is closed or its
// context done; a Read in progress completes first.
func (s *Source) read() {
	defer close(s.readDone)
	for {
		var req readReq
		select {
		case req = <-s.reqs:
		case <-s.stop:
			return
		case <-s.ctx.Done():
			return
		}
		in := s.inputs[req.input]
		var b block
		for empty := 0; ; {
			n, err := in.R.Read(req.buf)
			b.n = n
			if err == io.EOF {
				b.eof = true
			} else if err != nil {
				b.err = readError(input.DisplayName(in.Name), err)
			}
			if n > 0 || err != nil {
				break
			}
			if empty++; empty > 100 {
				b.err = readError(input.DisplayName(in.Name), io.ErrNoProgress)
				break
			}
		}
		select {
		case s.resps <- b:
		case <-s.stop:
			return
		case <-s.ctx.Done():
			return
		}
	}
}

// readError names the input in a read error, unless the reader's error
// already does (an opened input's errors name their file).
func readError(name string, err error) error {
	if strings.Contains(err.Error(), name) {
		return err
	}
	return fmt.Errorf("reading %s: %w", name, err)
}
