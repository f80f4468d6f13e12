// Package arrowio reads and writes Apache Arrow IPC data, in the stream
// format (.arrows, pipes) and the file format (.arrow, random access).
//
// Data flow:
//
//	inputs ─► Source.Next: a record batch message's bytes (I/O only) ─► Decoder (per worker): decompress, assemble, check ─► pipeline
//	pipeline ─► Encoder (per worker): batch ─► its message, compressed ─► Sink.Write: places the bytes in order ─► Close: end marker, footer
//
// Next reads one message at a time: the next message of a stream, or the
// next block that a file's footer lists, as one []byte (the body read
// behind the metadata, not copied). The decode workers decompress the
// buffers themselves, each into memory that grows with what the codec
// gives, and have arrow-go assemble the batch from the uncompressed
// bytes; a compressed buffer whose declared length is beyond what its
// codec can expand it to is refused before anything is allocated for it
// (ipcmeta.CheckBatch), so a corrupt length cannot allocate gigabytes.
// The encode workers each keep an arrow-go writer (and its compressors)
// whose messages they hand to Write, which only places them, counts each
// block and, for the file format, writes the footer that lists them (the
// footer arrow-go writes for the schema, with the blocks put in). So the
// bytes depend on the batches and the options, never on the worker count;
// a stream is byte for byte what arrow-go's writer writes.
//
// A schema with dictionaries (or in the other byte order) is read and
// written on one goroutine by arrow-go's reader and writer: a dictionary
// message changes how the batches after it read. The source then returns
// batches from Next and no decoder, the sink takes batches in Write and
// no encoder. Uncompressed output is written that way too: with nothing
// to compress, an encode step only added a copy of every message and the
// messages in flight (measured: +30 % CPU, 2.5x the peak RSS).
//
// Ownership: Next returns chunks whose Data or Batch the receiver owns
// (Decode passes a Batch on, or returns a batch the caller releases; its
// buffers may share the chunk's bytes). Encode borrows its batch and
// returns bytes the caller owns; Write releases any batch it is given.
// Several inputs must share one schema: NewSource names the first input
// whose schema differs.
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
