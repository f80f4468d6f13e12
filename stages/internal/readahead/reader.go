package readahead

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/arrowpipe/arrowpipe/stages/input"
)

// ReadSize is the most one Read call is asked for.
const ReadSize = 256 << 10

// freeSize bounds the free list of chunk buffers.
const freeSize = 16

// ErrClosed is Fill's error once Close has been called.
var ErrClosed = errors.New("readahead: closed")

// An Input is one reader of the stream; Name names it in errors ("-" or ""
// for standard input).
type Input struct {
	Name string
	R    io.Reader
}

// A window holds the bytes of one input read and not yet cut.
type window struct {
	buf []byte
	eof bool  // every byte of the input has been read into buf
	err error // the read error that ended the input, reported after buf
}

// A request asks the reader goroutine for one Read of input into buf.
type request struct {
	buf   []byte
	input int
}

// A response is the reader goroutine's answer to a request.
type response struct {
	n   int
	eof bool
	err error
}

// A Reader reads inputs ahead of a splitter into windows of bytes and hands
// out chunk buffers cut from them. See the package doc for the ownership
// rules; make one with New.
type Reader struct {
	inputs     []Input
	chunkBytes int
	ctx        context.Context // bounds the reader goroutine

	wins []window // one per input, the current one is wins[cur]
	cur  int

	reqs      chan request
	resps     chan response
	stop      chan struct{}
	done      chan struct{}
	started   bool
	closed    bool
	pending   bool // a request is in flight, into the room after the window
	closeOnce sync.Once
	closeErr  error
	timer     *time.Timer

	// chunk buffers handed out and not yet recycled, keyed by their first
	// byte: a pointer, not an address, so that a buffer still listed
	// cannot be freed and its address reused by a slice not ours
	mu          sync.Mutex
	outstanding map[*byte]struct{}
	free        chan []byte
}

// New returns a reader of inputs, in order, for chunks of about chunkBytes
// (> 0). ctx bounds the life of the reader goroutine that the first Fill
// starts: once it is done, Fill fails with its cause. New starts nothing
// and reads nothing.
func New(ctx context.Context, inputs []Input, chunkBytes int) *Reader {
	return &Reader{
		inputs:      inputs,
		chunkBytes:  chunkBytes,
		ctx:         ctx,
		wins:        make([]window, len(inputs)),
		reqs:        make(chan request, 1),
		resps:       make(chan response, 1),
		stop:        make(chan struct{}),
		done:        make(chan struct{}),
		outstanding: make(map[*byte]struct{}),
		free:        make(chan []byte, freeSize),
	}
}

// Close stops the reader goroutine and waits for it to end. To interrupt a
// Read blocked on an input (a pipe), it first closes every input whose R is
// an io.Closer, and returns the first error of those closes. Close is
// idempotent and must not run concurrently with Sample or Fill.
func (r *Reader) Close() error {
	r.closeOnce.Do(func() {
		r.closed = true
		close(r.stop)
		for _, in := range r.inputs {
			if c, ok := in.R.(io.Closer); ok {
				if err := c.Close(); err != nil && r.closeErr == nil {
					r.closeErr = fmt.Errorf("%s: %w", input.DisplayName(in.Name), err)
				}
			}
		}
		if r.started {
			<-r.done
		}
	})
	return r.closeErr
}

// run is the reader goroutine: it serves requests one at a time, in the
// order Fill and Cut send them, until the last input ends, a read fails,
// the Reader is closed or its context is done.
func (r *Reader) run() {
	defer close(r.done)
	for {
		var req request
		select {
		case req = <-r.reqs:
		case <-r.stop:
			return
		case <-r.ctx.Done():
			return
		}
		resp := r.inputs[req.input].read(req.buf)
		select {
		case r.resps <- resp:
		case <-r.stop:
			return
		case <-r.ctx.Done():
			return
		}
		if resp.err != nil || (resp.eof && req.input == len(r.inputs)-1) {
			return
		}
	}
}

// read makes one Read into buf, retrying reads of nothing a few times.
func (in Input) read(buf []byte) response {
	for empty := 0; ; {
		n, err := in.R.Read(buf)
		resp := response{n: n}
		if err == io.EOF {
			resp.eof = true
		} else if err != nil {
			resp.err = readError(input.DisplayName(in.Name), err)
		}
		if n > 0 || err != nil {
			return resp
		}
		if empty++; empty > 100 {
			resp.err = readError(input.DisplayName(in.Name), io.ErrNoProgress)
			return resp
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
