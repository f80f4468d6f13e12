package arrowio

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/apache/arrow-go/v18/arrow/ipc"

	"github.com/arrowpipe/arrowpipe/stages/internal/ipcmeta"
)

// ErrTruncated matches the error for an input that ends before its end: a
// stream without its end-of-stream marker (even when cut at a message
// boundary), a message cut short, a file without its footer. The rows read
// before it may not be all of them.
var ErrTruncated = errors.New("arrowio: truncated input")

// A truncatedError says what is missing and where the input ended.
type truncatedError struct {
	what string
	at   int64
}

func (e *truncatedError) Error() string {
	return fmt.Sprintf("arrowio: %s after %d bytes (truncated?)", e.what, e.at)
}

func (e *truncatedError) Is(target error) bool { return target == ErrTruncated }

// ErrEmpty is wrapped by the error for an input of zero bytes: an IPC
// stream holds at least its schema message, so zero bytes are not an empty
// table but a missing one.
var ErrEmpty = errors.New("arrowio: empty input, not an Arrow IPC stream (it has no schema message)")

// ErrDataAfterEnd is wrapped by the error for bytes after a stream's
// end-of-stream marker.
var ErrDataAfterEnd = errors.New("arrowio: data after the end-of-stream marker")

// The end-of-stream markers: a continuation token with a zero length, or
// (before Arrow 0.15) a bare zero length.
var (
	eosMarker       = []byte{0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0}
	legacyEOSMarker = []byte{0, 0, 0, 0}
)

// countingReader counts the bytes read through it and keeps those of the
// current message (since mark) up to the end of its metadata: enough to
// tell an end-of-stream marker from a cut, and to check the metadata.
type countingReader struct {
	r   io.Reader
	off int64  // bytes read so far
	msg []byte // the current message's length prefix and metadata, as read
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.off += int64(n)
	if want := c.metaEnd(); len(c.msg) < want {
		c.msg = append(c.msg, p[:min(n, want-len(c.msg))]...)
	}
	return n, err
}

// metaEnd is where the current message's metadata ends, as far as known.
func (c *countingReader) metaEnd() int {
	if len(c.msg) < 4 {
		return 8
	}
	if first := binary.LittleEndian.Uint32(c.msg); first != 0xffffffff {
		return 4 + int(first) // legacy: no continuation token
	}
	if len(c.msg) < 8 {
		return 8
	}
	return 8 + int(binary.LittleEndian.Uint32(c.msg[4:]))
}

func (c *countingReader) mark() { c.msg = c.msg[:0] }

// sinceMark returns the bytes read since mark, up to 8.
func (c *countingReader) sinceMark() []byte { return c.msg[:min(len(c.msg), 8)] }

// metadata returns the current message's metadata flatbuffer.
func (c *countingReader) metadata() []byte {
	if len(c.msg) >= 8 && binary.LittleEndian.Uint32(c.msg) == 0xffffffff {
		return c.msg[8:]
	}
	return c.msg[min(len(c.msg), 4):]
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
	err     error // ErrEmpty, ErrTruncated or ipcmeta.ErrCorrupt, once met
	framer  *framer
}

func newEOSChecker(r io.Reader, skipped int64, opts ...ipc.Option) *eosChecker {
	src := &countingReader{r: r}
	fr := &framer{src: src}
	opts = append(opts, ipc.WithAllocator(fr))
	return &eosChecker{MessageReader: ipc.NewMessageReader(src, opts...), src: src, skipped: skipped, framer: fr}
}

// A framer allocates each message's body behind a copy of the message's
// metadata, framed (see frame), so that a whole message is one []byte
// for a decoder without copying its body. arrow-go's message reader reads
// the metadata before it sizes the body, the only buffer it allocates;
// the memory is Go's, so Free has nothing to do.
type framer struct {
	src    *countingReader
	last   []byte // the frame of the message being read; nil until its body
	prefix int
}

func (f *framer) Allocate(size int) []byte {
	meta := f.src.metadata()
	buf := make([]byte, 8+len(meta)+size)
	binary.LittleEndian.PutUint32(buf, 0xffffffff)
	binary.LittleEndian.PutUint32(buf[4:], uint32(len(meta)))
	copy(buf[8:], meta)
	f.last, f.prefix = buf, 8+len(meta)
	return buf[f.prefix:]
}

func (f *framer) Reallocate(size int, b []byte) []byte {
	nb := f.Allocate(size)
	copy(nb, b)
	return nb
}

func (f *framer) Free([]byte) {}

// framed returns the message just read, framed, and its body.
func (e *eosChecker) framed(bodyLen int64) (data, body []byte) {
	f := e.framer
	if f.last == nil {
		data = frame(e.src.metadata(), nil)
		return data, data[len(data):]
	}
	data = f.last[:f.prefix+int(bodyLen)]
	return data, data[f.prefix:]
}

func (e *eosChecker) Message() (*ipc.Message, error) {
	e.src.mark()
	e.framer.last = nil
	msg, err := e.MessageReader.Message()
	n := e.skipped + e.src.off
	switch {
	case err == nil:
		if err := ipcmeta.Check(e.src.metadata()); err != nil {
			e.err = fmt.Errorf("%w (message at byte %d)", err, n-int64(len(e.src.msg))-msg.BodyLen())
			return nil, e.err
		}
		_, body := e.framed(msg.BodyLen())
		if err := ipcmeta.CheckBatch(e.src.metadata(), body); err != nil {
			e.err = fmt.Errorf("%w (message at byte %d): %w", ErrCorrupt, n-int64(len(e.src.msg))-msg.BodyLen(), err)
			return nil, e.err
		}
		return msg, nil
	case errors.Is(err, io.ErrUnexpectedEOF):
		e.err = &truncatedError{"a message is cut short", n}
		return nil, e.err
	case !errors.Is(err, io.EOF):
		return nil, err
	}
	read := e.src.sinceMark()
	if bytes.Equal(read, eosMarker) || bytes.Equal(read, legacyEOSMarker) {
		if e.skipped > 0 {
			return nil, e.checkFooter()
		}
		return nil, e.checkNothingAfter()
	}
	if n == 0 {
		e.err = ErrEmpty
	} else {
		e.err = &truncatedError{"stream ends without its end-of-stream marker", n}
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
		e.err = &truncatedError{"file ends without its footer", start + int64(len(rest))}
		return e.err
	}
	return io.EOF
}

// checkNothingAfter makes bytes after a stream's end-of-stream marker an
// error rather than ignored: they would be rows lost without a word, as
// with two streams concatenated (cat a.arrows b.arrows).
func (e *eosChecker) checkNothingAfter() error {
	at := e.skipped + e.src.off
	var one [1]byte
	n, err := io.ReadFull(e.src, one[:])
	if n == 0 && (err == io.EOF || err == io.ErrUnexpectedEOF) {
		return io.EOF
	}
	if err != nil && n == 0 {
		return err
	}
	e.err = fmt.Errorf("%w at byte %d (several streams concatenated?)", ErrDataAfterEnd, at)
	return e.err
}
