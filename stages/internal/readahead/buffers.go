package readahead

// Cut hands out the first n bytes of the window as a chunk buffer, owned by
// the caller until it gives it to Recycle, and keeps the rest as the
// window. Normally the chunk takes the window's buffer and the rest (part
// of a record) moves to a free one; when a read is in flight into the
// window's room, or when the rest is the larger part (the window holds more
// chunks, as after a sample), the window stays and the chunk gets a copy.
// Then, unless the window already holds the next chunk, Cut asks for the
// next read, so that reading goes on while the caller dispatches this
// chunk.
func (r *Reader) Cut(n int) []byte {
	w := &r.wins[r.cur]
	var data []byte
	if r.pending || len(w.buf)-n > n {
		data = append(r.newBuf(), w.buf[:n]...)
		w.buf = w.buf[n:]
	} else {
		data = w.buf[:n]
		w.buf = append(r.newBuf(), w.buf[n:]...)
	}
	if cap(data) > 0 {
		r.mu.Lock()
		r.outstanding[&data[:1][0]] = struct{}{}
		r.mu.Unlock()
	}
	if len(w.buf) < r.chunkBytes {
		r.request()
	}
	return data
}

// Recycle takes back a chunk buffer that Cut returned, once nothing refers
// to it, for reuse. Buffers not from Cut are ignored, and so are buffers
// already recycled until Cut hands them out again: a chunk must be
// recycled once, or its second Recycle frees a later chunk's buffer in
// use. Safe for concurrent use.
func (r *Reader) Recycle(data []byte) {
	if cap(data) == 0 {
		return
	}
	key := &data[:1][0]
	r.mu.Lock()
	_, ok := r.outstanding[key]
	delete(r.outstanding, key)
	r.mu.Unlock()
	if ok {
		r.putBuf(data)
	}
}

// putBuf puts a buffer that nothing refers to any more on the free list.
// It keeps buffers of about the usual size only: one grown for a huge
// record goes back to the garbage collector, and so does one that no
// longer holds a chunk. One whose start was cut off by Drop (a header)
// still holds a chunk and is kept: a run of many small files would
// otherwise allocate a buffer a file; a read past the chunk's bound that
// finds too little room moves the window to a larger buffer (see room).
func (r *Reader) putBuf(b []byte) {
	if size := r.chunkBytes + ReadSize; cap(b) >= r.chunkBytes && cap(b) <= 2*size {
		select {
		case r.free <- b[:0]:
		default:
		}
	}
}

// newBuf returns an empty buffer for a chunk and the read after it.
func (r *Reader) newBuf() []byte {
	select {
	case b := <-r.free:
		return b
	default:
		return make([]byte, 0, r.chunkBytes+ReadSize)
	}
}
