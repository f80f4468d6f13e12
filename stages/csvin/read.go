package csvin

import (
	"fmt"
	"io"
	"strings"
)

const (
	// readSize is the size of one Read call's buffer.
	readSize = 256 << 10
	// readAhead is how many read blocks may wait for the splitter.
	readAhead = 4
)

// A block is one event of the reader goroutine: bytes read from input, the
// end of input, or a read error.
type block struct {
	data  []byte
	input int
	eof   bool
	err   error
}

// read is the reader goroutine: it reads the inputs in order and sends
// their bytes to the splitter (Next) over s.blocks, at most readAhead blocks
// ahead. It returns after the last input's end, after a read error, or when
// the source is closed or its context done; a Read in progress completes
// first.
func (s *Source) read() {
	defer close(s.readDone)
	for i, in := range s.inputs {
		empty := 0
		for {
			var buf []byte
			select {
			case buf = <-s.blockFree:
			default:
				buf = make([]byte, readSize)
			}
			n, err := in.R.Read(buf[:readSize])
			if n > 0 {
				empty = 0
				if !s.send(block{data: buf[:n], input: i}) {
					return
				}
			} else {
				s.putBlock(buf)
				if err == nil {
					if empty++; empty > 100 {
						err = io.ErrNoProgress
					}
				}
			}
			if err == io.EOF {
				if !s.send(block{input: i, eof: true}) {
					return
				}
				break
			}
			if err != nil {
				s.send(block{input: i, err: readError(displayName(in.Name), err)})
				return
			}
		}
	}
}

func (s *Source) send(b block) bool {
	select {
	case s.blocks <- b:
		return true
	case <-s.stop:
	case <-s.ctx.Done():
	}
	return false
}

func (s *Source) putBlock(b []byte) {
	select {
	case s.blockFree <- b[:readSize]:
	default:
	}
}

func displayName(name string) string {
	if name == "" || name == "-" {
		return "<stdin>"
	}
	return name
}

// readError names the input in a read error, unless the reader's error
// already does (an opened input's errors name their file).
func readError(name string, err error) error {
	if strings.Contains(err.Error(), name) {
		return err
	}
	return fmt.Errorf("reading %s: %w", name, err)
}
