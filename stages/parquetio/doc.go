// Package parquetio reads and writes Apache Parquet files through
// arrow-go's pqarrow.
//
// Data flow:
//
//	files ─► Source.Next: row group by row group, BatchRows rows a batch ─► Decoder: pass-through
//	pipeline ─► Encoder: pass-through ─► Sink.Write: buffered row groups ─► Close: footer
//
// Parquet needs random access (its footer is at the end), so every input
// must be a seekable file: an io.ReaderAt with its size. The source reads
// only the requested columns (Options.Columns, or Project once the schema
// is known; for no column, only the footer's row counts) and one row group
// at a time, without pqarrow's per-column goroutines, so its memory is one
// batch of one row group's column chunks.
//
// The sink buffers rows into row groups of at most SinkOptions.RowGroupRows
// rows or about RowGroupBytes bytes, compresses them (zstd by default) and
// writes the footer at Close. Dictionary encoding is off except, by
// default, for string columns whose first batch shows few distinct values:
// on high-cardinality text it made output larger and slower.
//
// The Arrow schema is stored in the file, so types Parquet lacks (uint32,
// large_utf8, time zones) read back as written; the metadata pqarrow adds
// ("PARQUET:field_id", "ARROW:schema") is dropped from the schema read.
// List elements read back named "element", Parquet's name for them.
//
// Ownership: Next returns chunks whose Batch the receiver owns; Encode
// retains the batch it borrows and Write releases it. Concurrency: Next and
// Close of the source, Write and Close of the sink, each belong to one
// goroutine; decoders and encoders may run in parallel.
package parquetio
