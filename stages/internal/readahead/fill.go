package readahead

import (
	"context"
	"io"
	"slices"
	"time"
)

// Sample reads one block of input i into its window on the caller's
// goroutine, before the first Fill: the bytes stay there, and Cut replays
// them as the start of the chunks. Inputs are sampled in order (i at or
// after the current input, those before it at their end). It returns how
// many bytes it added at the end of Held(i). At the end of the input it
// adds none and returns nil; a read error is returned, and kept for Fill
// to report again after the window's bytes. It blocks in Read; when ctx
// ends meanwhile, it closes the input if it is an io.Closer (so that a
// Read blocked on a pipe returns) and returns ctx's cause.
func (r *Reader) Sample(ctx context.Context, i int) (int, error) {
	w := &r.wins[i]
	if w.err != nil || w.eof {
		return 0, w.err
	}
	if err := context.Cause(ctx); err != nil {
		return 0, err
	}
	in := r.inputs[i]
	buf := r.room(w)
	stop := func() bool { return true }
	if c, ok := in.R.(io.Closer); ok {
		stop = context.AfterFunc(ctx, func() { _ = c.Close() })
	}
	resp := in.read(buf)
	if !stop() {
		return 0, context.Cause(ctx) // the input is closed
	}
	return r.land(w, resp)
}

// Fill reads one more block of the current input onto the end of its
// window and returns how many bytes it added; while the window is short of
// a chunk, it then asks for the next block, so that the reader goroutine
// reads it while the caller scans. At the end of the input it returns at
// once (AtEOF tells). It blocks until the block comes, the deadline passes
// (a zero deadline: no limit; ok is then false and the read stays in
// flight, for the next Fill), ctx is done (its cause), or the reader has
// stopped: ErrClosed after Close, or the cause of New's context. A read
// error is returned once the window's bytes are read. The first Fill
// starts the reader goroutine.
func (r *Reader) Fill(ctx context.Context, deadline time.Time) (n int, ok bool, err error) {
	w := &r.wins[r.cur]
	if r.closed {
		return 0, false, r.stopped()
	}
	if !r.pending {
		switch {
		case w.err != nil:
			return 0, false, w.err
		case w.eof:
			return 0, true, nil
		}
		r.request()
	}
	var resp response
	select {
	case resp = <-r.resps:
	default:
		var timeout <-chan time.Time
		if !deadline.IsZero() {
			d := time.Until(deadline)
			if d <= 0 {
				return 0, false, nil
			}
			if r.timer == nil {
				r.timer = time.NewTimer(d)
			} else {
				r.timer.Reset(d)
			}
			defer r.timer.Stop()
			timeout = r.timer.C
		}
		select {
		case resp = <-r.resps:
		case <-timeout:
			return 0, false, nil
		case <-ctx.Done():
			return 0, false, context.Cause(ctx)
		case <-r.ctx.Done():
			// The reader stops, or is blocked in a Read that Close ends.
			return 0, false, context.Cause(r.ctx)
		case <-r.done:
			// The reader may have answered before it stopped.
			select {
			case resp = <-r.resps:
			default:
				return 0, false, r.stopped()
			}
		}
	}
	r.pending = false
	if n, err = r.land(w, resp); err != nil {
		return n, false, err
	}
	if len(w.buf) < r.chunkBytes {
		r.request()
	}
	return n, true, nil
}

// request sends the reader goroutine a request for the room after the
// current window, unless one is in flight or the input is done, starting
// the goroutine the first time.
func (r *Reader) request() {
	w := &r.wins[r.cur]
	if r.pending || r.closed || w.eof || w.err != nil {
		return
	}
	if !r.started {
		r.started = true
		go r.run()
	}
	r.reqs <- request{buf: r.room(w), input: r.cur} // never blocks: one in flight at most
	r.pending = true
}

// room returns the free room after w.buf that the next read fills, moving
// w.buf to a larger buffer when it lacks it (no read may be in flight into
// w). While the window is shorter than a chunk, reads stop at the chunk's
// bound, so that a chunk cut there leaves only its last partial record to
// move to the next buffer; beyond it (a record longer than a chunk) the
// window grows.
func (r *Reader) room(w *window) []byte {
	n := ReadSize
	if len(w.buf) < r.chunkBytes {
		n = min(n, r.chunkBytes-len(w.buf))
	}
	if cap(w.buf)-len(w.buf) < n {
		var nb []byte
		if len(w.buf)+n <= r.chunkBytes+ReadSize {
			nb = r.newBuf()
		} else {
			nb = make([]byte, 0, 2*(len(w.buf)+n))
		}
		old := w.buf
		w.buf = append(nb, w.buf...)
		r.putBuf(old)
		// A reused buffer may hold a chunk but not the read after it.
		w.buf = slices.Grow(w.buf, n)
	}
	l := len(w.buf)
	return w.buf[l : l+n : l+n]
}

// land adds a read's bytes, written in w.buf's capacity, to w.
func (r *Reader) land(w *window, resp response) (int, error) {
	w.buf = w.buf[:len(w.buf)+resp.n]
	w.eof = resp.eof
	w.err = resp.err
	return resp.n, resp.err
}

// stopped is why the reader goroutine stopped early: New's context, or
// Close.
func (r *Reader) stopped() error {
	if err := context.Cause(r.ctx); err != nil {
		return err
	}
	return ErrClosed
}
