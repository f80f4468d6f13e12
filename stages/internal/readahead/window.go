package readahead

// Bytes returns the current input's bytes read and not yet cut or
// dropped. The slice is valid until the next call of a method other than
// Bytes, Held, AtEOF, Input and Recycle.
func (r *Reader) Bytes() []byte { return r.wins[r.cur].buf }

// Held returns the bytes of input i read and not yet cut, and whether they
// are all of it (up to an error, see Sample).
func (r *Reader) Held(i int) (b []byte, eof bool) {
	return r.wins[i].buf, r.wins[i].eof || r.wins[i].err != nil
}

// AtEOF reports whether every byte of the current input is in Bytes.
func (r *Reader) AtEOF() bool { return r.wins[r.cur].eof }

// Input returns the index of the current input.
func (r *Reader) Input() int { return r.cur }

// Drop removes the first n bytes of the window (a header, a byte order
// mark). It reslices rather than moves the rest, which a read in flight
// into the room after the window requires.
func (r *Reader) Drop(n int) {
	w := &r.wins[r.cur]
	w.buf = w.buf[n:]
}

// NextInput moves to the next input, whose window holds what Sample read
// of it. The current window's remaining bytes are dropped. It must be
// called at the end of the current input (AtEOF) and before the last.
func (r *Reader) NextInput() {
	old := r.wins[r.cur].buf
	r.wins[r.cur].buf = nil
	r.cur++
	if w := &r.wins[r.cur]; w.buf == nil {
		w.buf = old[:0]
	} else {
		r.putBuf(old)
	}
}
