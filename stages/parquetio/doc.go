// Package parquetio reads and writes Apache Parquet files through
// arrow-go's pqarrow.
//
// Data flow:
//
//	files ─► Source.Next: a row group's column chunk bytes ─► Decoder (per worker): decompress, decode ─► one batch
//	pipeline ─► Encoder (per worker): batch ─► row group, encoded and compressed
//	         ─► Sink.Write: copies the row group's bytes, keeps its footer entry ─► Close: footer
//
// Parquet needs random access (its footer is at the end), so every input
// must be a seekable file: an io.ReaderAt with its size. The source reads
// only the requested columns (Options.Columns, or Project once the schema
// is known; for no column, only the footer's row counts). Next reads the
// raw bytes of a row group's requested column chunks (I/O only); the
// decode workers decompress, decode and check them in parallel, with a
// Parquet reader of their own over those bytes and the footer read at
// open, so a chunk needs nothing of the file once read. A row group is
// one batch (read without pqarrow's per-column goroutines): memory holds
// a row group per worker and queue slot. Text columns whose chunk is
// wholly dictionary-encoded are read as dictionary and indices and turned
// into strings in one pass (dictread.go), which arrow-go's reader would
// do a value at a time; the columns named to Source.KeepDictionary
// (utf8 or large_utf8) stay dictionaries with int32 indices instead, in
// the batch's own schema, for a consumer that only groups by them (one
// dictionary per row group, plain strings where the footer shows that the
// writer fell back to plain pages). Source.Prune skips the row
// groups whose statistics rule out simple predicates (a leading filter's
// comparisons, on the command line) before their bytes are read.
//
// The sink encodes on the encode workers: each batch of at least
// SinkOptions.GatherRows rows becomes a row group (cut at RowGroupRows),
// written by a pqarrow writer as a small Parquet file in memory, pages
// encoded and compressed (zstd by default). Write, on one goroutine, only
// copies that file's column chunks into the output and adds its footer
// entries, their offsets moved, to the output's footer, written at Close.
// So the bytes depend on the batches and the options, never on the worker
// count. Smaller batches (a filtered stream) are gathered by Write into
// shared row groups of up to RowGroupBytes, which it encodes itself. In
// flight: one row group per encode worker and per queue slot, each as its
// batch and its encoded bytes. zstd pages are compressed by encoders
// with a 1 MiB window at klauspost's fastest level (codec.go; registered
// for the whole process at the first zstd sink, as arrow-go chooses
// codecs through a process-wide registry). Dictionary encoding is off
// except, by default, for string and number columns whose row group's
// first batch shows few distinct values: on high-cardinality text it
// made output larger and slower. Dictionary columns (categoricals) are
// always written dictionary-encoded: Polars reads a categorical only from
// dictionary pages.
//
// The Arrow schema is stored in the file, so types Parquet lacks (uint32,
// large_utf8, time zones) read back as written; the metadata pqarrow adds
// ("PARQUET:field_id", "ARROW:schema") is dropped from the schema read.
// List elements read back named "element", Parquet's name for them.
// Parquet's INTERVAL, which Arrow cannot write, reads as
// fixed_size_binary[12] marked by field metadata and is written back
// annotated INTERVAL (interval.go).
//
// Ownership: Next returns chunks whose Data (a row group's bytes) or
// Batch (counting) the receiver owns; Decode returns a batch the caller
// releases; Encode
// borrows its batch (retaining one it passes on to be gathered), Write
// owns the chunk's bytes and releases its batch. Concurrency: Next and
// Close of the source, Write and Close of the sink, each belong to one
// goroutine; decoders and encoders may run in parallel.
package parquetio
