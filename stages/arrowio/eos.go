package arrowio

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/apache/arrow-go/v18/arrow/ipc"
)

// ErrTruncated is wrapped by the error for an IPC stream that ends without
// its end-of-stream marker: the bytes that follow the last whole message
// are missing, so the rows read so far may not be all of them.
var ErrTruncated = errors.New("arrowio: stream ends without its end-of-stream marker")

// ErrEmpty is wrapped by the error for an input of zero bytes: an IPC
// stream holds at least its schema message, so zero bytes are not an empty
// table but a missing one.
var ErrEmpty = errors.New("arrowio: empty input, not an Arrow IPC stream (it has no schema message)")

// The end-of-stream markers: a continuation token with a zero length, or
// (before Arrow 0.15) a bare zero length.
var (
	eosMarker       = []byte{0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0}
	legacyEOSMarker = []byte{0, 0, 0, 0}
)

// countingReader counts the bytes read through it and keeps the first
// bytes read since mark, to tell an end-of-stream marker from a cut.
type countingReader struct {
	r    io.Reader
	off  int64 // bytes read so far
	from int64 // off at mark
	head [8]byte
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if k := c.off - c.from; k < int64(len(c.head)) {
		copy(c.head[k:], p[:n])
	}
	c.off += int64(n)
	return n, err
}

func (c *countingReader) mark() { c.from = c.off }

// sinceMark returns the bytes read since mark, up to 8.
func (c *countingReader) sinceMark() []byte {
	return c.head[:min(c.off-c.from, int64(len(c.head)))]
}

// eosChecker reads messages like ipc.NewMessageReader, but turns the end of
// the bytes into ErrTruncated unless the message it was reading was the
// end-of-stream marker. arrow-go's reader treats both as the end, so a
// stream cut at a message boundary would otherwise read as complete.
type eosChecker struct {
	ipc.MessageReader
	src *countingReader
	// skipped is the input's bytes before r (a file format's magic), so
	// that offsets are the input's.
	skipped int64
	err     error // ErrEmpty or ErrTruncated, once met
}

func newEOSChecker(r io.Reader, skipped int64, opts ...ipc.Option) *eosChecker {
	src := &countingReader{r: r}
	return &eosChecker{MessageReader: ipc.NewMessageReader(src, opts...), src: src, skipped: skipped}
}

func (e *eosChecker) Message() (*ipc.Message, error) {
	e.src.mark()
	msg, err := e.MessageReader.Message()
	n := e.skipped + e.src.off
	switch {
	case err == nil:
		return msg, nil
	case errors.Is(err, io.ErrUnexpectedEOF):
		e.err = fmt.Errorf("%w: a message is cut short after %d bytes (truncated?)", ErrTruncated, n)
		return nil, e.err
	case !errors.Is(err, io.EOF):
		return nil, err
	}
	read := e.src.sinceMark()
	if bytes.Equal(read, eosMarker) || bytes.Equal(read, legacyEOSMarker) {
		if e.skipped > 0 {
			return nil, e.checkFooter()
		}
		return nil, io.EOF
	}
	if n == 0 {
		e.err = ErrEmpty
	} else {
		e.err = fmt.Errorf("%w after %d bytes (truncated?)", ErrTruncated, n)
	}
	return nil, e.err
}

// maxFooter bounds the footer read after a file format's stream: it
// describes each batch in 24 bytes, and the schema.
const maxFooter = 64 << 20

// checkFooter reads what follows the stream of a file-format input read
// sequentially: the footer, its length and the closing magic. It returns
// io.EOF when they are there, so that a file cut after its last batch is an
// error too.
func (e *eosChecker) checkFooter() error {
	start := e.skipped + e.src.off
	rest, err := io.ReadAll(io.LimitReader(e.src, maxFooter))
	if err != nil {
		return err
	}
	n := len(rest) - 4 - len(fileMagic) // the footer's length
	if n <= 0 || !bytes.HasSuffix(rest, fileMagic) || binary.LittleEndian.Uint32(rest[n:]) != uint32(n) {
		e.err = fmt.Errorf("%w: the file's footer is missing or cut short after %d bytes (truncated?)",
			ErrTruncated, start+int64(len(rest)))
		return e.err
	}
	return io.EOF
}
