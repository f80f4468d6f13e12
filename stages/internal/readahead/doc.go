// Package readahead is the front end that the text readers (csvin, jsonin)
// share: it reads a sequence of inputs, one block at a time, into a window
// of bytes that the reader's splitter cuts into chunks of whole records.
// The splitter keeps only what is format-specific: where records end.
//
//	inputs ──► Sample (caller's goroutine) ──┐
//	                                         ├─► window ──► Cut ──► chunk ──► decoder ──► Recycle
//	inputs ──► reader goroutine (Fill) ──────┘     ▲                                        │
//	                                               └──────────── free list ◄────────────────┘
//
// Bytes land once, by Read, in the buffer that becomes the chunk: the
// reader goroutine reads into the free room after the window, one block
// (at most 256 KiB) in flight ahead of the splitter, and stops reading
// ahead once the window holds a chunk's worth. Chunk buffers come from a
// bounded free list that Recycle refills, so steady-state reading
// allocates nothing.
//
// Sample and replay: a reader infers its schema from the first bytes before
// it returns. Sample reads them on the caller's goroutine into the windows
// of the inputs (the first ones, in order); they stay there and are the
// start of the chunks that Cut hands out later, so nothing is read twice or
// lost.
//
// Flush: Fill takes a deadline, so that a splitter holding complete
// records of a trickling input hands them out after its flush interval
// instead of waiting for a full chunk.
//
// # Ownership and concurrency
//
// A Reader starts no goroutine when it is made, nor while sampling. The
// first Fill starts the reader goroutine; it ends at the end of the last
// input, on a read error, when the context given to New is done, or at
// Close, which waits for it. Close closes the inputs that are io.Closers
// first, so that a Read blocked on a pipe returns. The caller must call
// Close once it is done, after its last Fill.
//
// Everything but Recycle belongs to one goroutine (the one calling the
// source's Next). Recycle is safe for concurrent use.
package readahead
