// Package arrowio reads and writes Apache Arrow IPC data, in the stream
// format (.arrows, pipes) and the file format (.arrow, random access).
//
// Data flow:
//
//	inputs ─► Source.Next (one batch per IPC message) ─► Decoder: pass-through ─► pipeline
//	pipeline ─► Encoder: pass-through ─► Sink.Write (IPC writer) ─► output
//
// The batches are already columnar, so the source does all the work on its
// one Next goroutine and the decoder only hands Chunk.Batch on; the sink
// likewise serialises on its Write goroutine.
//
// Ownership: Next returns chunks whose Batch the receiver owns and must
// release (Decode passes that ownership on). Encode retains the batch it
// borrows; Write releases it once written. Several inputs must share one
// schema: NewSource names the first input whose schema differs.
//
// Completeness: a stream must end with its end-of-stream marker (or the
// legacy 4-byte zero), and a file read sequentially with its footer; an
// input that stops before, even at a message boundary, is an error wrapping
// ErrTruncated with the input's name and the byte offset, after the batches
// read before the cut. A file read through its footer fails to open when the
// footer is missing. Bytes after a stream's end-of-stream marker (two
// streams concatenated) are an error wrapping ErrDataAfterEnd, not ignored.
// A schema message whose lists claim more entries than its bytes hold is
// refused before arrow-go sizes its slices by them. An input of zero bytes
// has no schema: it is an error wrapping ErrEmpty, not an empty table (an
// IPC writer always writes the schema, so a table of zero rows is a few
// hundred bytes).
//
// Concurrency: Next, Close, Write and Close of the sink each belong to one
// goroutine; decoders and encoders may run in parallel.
package arrowio
