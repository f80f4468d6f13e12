// Package sharedmem decides how an Arrow record batch crosses from one
// pipeline stage to the next, and recycles the memory batches are built in.
//
// There are two ways across:
//
//	shared (zero-copy)   producer ──rec (by reference)──▶ consumer
//	copy (messages)      producer ──encode──▶ []byte ──decode──▶ fresh rec ──▶ consumer
//
// A shared batch moves by ownership transfer: the producer gives up its
// reference and the consumer releases the batch when done, so no buffer is
// copied and the handoff costs the same at any batch size. A copied batch is
// encoded into a self-contained Arrow IPC message (schema and body) and
// decoded into freshly allocated buffers on the receiving side: the two stages
// share no memory, and a small slice no longer pins its parent's buffers.
// Auto, the default, shares every batch except a small slice of big buffers,
// which it copies, and batches under Policy.CopyThreshold when one is set
// (see Policy.Route and DefaultCopyThreshold).
//
// Pool is a size-classed recycling memory.Allocator: buffers released by the
// last stage go back to a free list and are handed out again to the parser,
// so a steady-state pipeline allocates almost nothing per batch.
//
// Ownership follows arrow-go: Send consumes the batch it is given, Receive
// returns a batch the caller owns, and a Parcel that is never received must
// be released with Release. Handoff, Policy and Pool are safe for concurrent
// use.
package sharedmem
