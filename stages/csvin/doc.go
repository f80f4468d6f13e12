// Package csvin reads CSV and TSV (RFC 4180) as a pipeline.Source: one
// goroutine cuts the byte stream into chunks of whole records, and a pool of
// decoders parses the chunks, in any order and in parallel, into Arrow
// record batches.
//
//	inputs ──► reader goroutine ──► Next (splitter) ──► Chunk ──► Decoder.Decode ──► RecordBatch
//	           (Read ≤ 256 KiB      (cuts at the last    ...      (one per worker,
//	            into the chunk's     record end within             scratch reused)
//	            own buffer)          BatchBytes, by
//	                                 quote parity)
//
// Input bytes are copied once, by Read, into the buffer that becomes the
// chunk; the splitter finds the cut with two whole-chunk SIMD passes
// (bytes.Count of quotes, for the parity, and of newlines, for the next
// chunk's line) and does not count records, which the decoders do in
// parallel, so that the one goroutine that splits keeps ahead of several
// decoders (~25 GB/s on a cached chunk; BenchmarkCut). A chunk's Rows is
// therefore 0.
//
// # Schema
//
// NewSource reads the header line and a sample of the first input
// (Options.SampleRows records) and infers each column's type with
// textval.Inferrer: bool, int64, float64 (NaN, inf and -Infinity
// included, as DuckDB reads them), date, timestamp (microseconds;
// nanoseconds when a sampled value has more than 6 fraction digits; in UTC
// when a sampled value names its zone, zone-less otherwise, as DuckDB's
// TIMESTAMPTZ and TIMESTAMP; also in Options.TimestampLayout) or string; a column without a value in the sample is a string column, so a
// header-only input gives string columns and no rows. Inference never picks
// a type that changes a sampled value: "02134", "+5" and
// "12345678901234567890" make string columns (see textval.Classify). A
// float with more than 17 significant digits is read as the nearest
// float64 (as DuckDB reads it as DOUBLE) and printed back in the shortest
// form that reads back as that float64. Options.Schema
// overrides the types of the columns it names; it may also give a
// decimal(p,s) type, read exactly (textval.ParseDecimal128): a value with
// more fraction digits than s (other than zeros) or more integer digits
// than p-s is an error, never rounded.
//
// With SampleRows set to SampleAll, a first input that is a regular file
// is read once more, in bounded memory, to infer from every record.
// Otherwise, when the first input is a regular, uncompressed file larger
// than its head sample by more than 64 KiB, inference also reads four
// 64 KiB blocks spread across the rest of it (the last one its tail), cut
// at line ends, so that a value that only appears late is seen; this needs
// lines to be records, so it is skipped for quoted CSV whose head sample or
// block holds a quote, and for TSV (whose escapes the head sample does not
// decode either).
//
// The sample ends after SampleRows records or at the end of the first
// input, never on a pause: the same bytes give the same types whatever
// their timing, and a trickling pipe yields its first batch only once the
// sample is complete (or once a record has come and FlushInterval passed,
// when Options.Schema types every column, so that there is nothing to
// infer). A value after the sample that does not fit its column's type,
// or that an inferred type would change (02134 or +5 in an inferred int64
// column, 12345678901234567890 in an inferred float64 column: see
// textval.Keeps), is an error naming its line and column (see Errors); a
// type given in Options.Schema reads such values as asked. Source.ReadAsText
// turns inferred columns back into strings holding each field's text, for a
// caller that passes them on without computing on them: no value can fail
// them, and none is rewritten.
//
// Later inputs are part of the same stream: each must have the same
// header, and the types inferred from the first input apply to all. An
// empty input (no bytes, a byte order mark alone, or blank lines only) is
// zero rows, wherever it is in the list; when every input is empty, the
// schema has no columns and there is no batch. A header-only input is zero
// rows with its columns (string columns, unless Options.Schema types them).
//
// # Dialect
//
//   - Records end at "\n", "\r\n" or "\r\r\n"; the last record may lack a line
//     end; blank lines are skipped (but see one-column inputs below). A
//     UTF-8 byte order mark at the start of each input is removed.
//   - An input whose first line ends with a lone "\r" (classic Mac OS) has
//     every "\r" outside quotes read as a line end (and "\r\n" still as
//     one); a "\r" inside a quoted field stays data. Line numbers then
//     count those line ends.
//   - A field that starts with '"' is quoted: it ends at the next single '"',
//     "" inside it stands for one '"', and delimiters and line ends inside it
//     are kept as they are (a quoted "\r\n" stays "\r\n", unlike
//     encoding/csv, which turns it into "\n"). A quote inside an unquoted
//     field, text after a closing quote, and a quote left open at the end of
//     the input are errors.
//   - Nulls: an unquoted empty field, or an unquoted field equal to one of
//     Options.NullValues, is null in every column. A quoted empty field ("")
//     is the empty string in a string column and null in other columns.
//   - In an input of one column, a blank line after the header is a row
//     whose value is null (the empty field), as DuckDB and PostgreSQL read
//     it and as csvout writes a null there; in other inputs blank lines are
//     skipped. (Without a header, an input of blank lines only is empty.)
//   - With Options.NoQuotes, '"' is an ordinary character and every newline
//     ends a record (TSV as databases write it).
//   - With Options.TSV (the TSV format), quotes are ordinary characters too,
//     and the escapes \t \n \r \\ of the IANA TSV convention (Miller's) are
//     decoded in every field, header included.
//   - Without a Delimiter, the first line of the first input chooses it:
//     ',' unless that line has no comma outside quotes and has ';', '|' or
//     tabs (see Options.Delimiter).
//   - String fields must be valid UTF-8.
//
// Record boundaries are found by quote parity (a newline after an even
// number of quotes since the record's start ends it). So a stray quote in an
// unquoted field makes the rest of the input up to the next stray quote one
// bad record, as in other parallel CSV readers; the error names its first
// line.
//
// # Errors
//
// A bad record (wrong number of fields, bad quoting, a value that does not
// fit its column's type, invalid UTF-8, a record of 2 GiB or more) is a
// *pipeline.DataError with the file, the record's first line, the 1-based
// column, the column name, the byte offset and the record's text; its Err
// wraps ErrFieldCount, ErrQuote, ErrValue, ErrUTF8 or ErrTooLong. Line numbers count physical lines, including those
// inside quoted fields, and do not depend on how the stream was chunked.
// With Options.OnError set, rejected records are left out and the rest of
// the chunk is decoded.
//
// # Ownership and concurrency
//
// NewSource reads the sample on the caller's goroutine and starts none.
// The first Next starts one reader goroutine (stages/internal/readahead),
// which serves Next's read requests one at a time (one block, at most
// 256 KiB, in flight ahead of the splitter). It exits at the end of the
// last input, when the ctx given to NewSource is done or when Close is
// called; Close closes the inputs that are io.Closers (so that a Read
// blocked on a pipe returns) and waits for it. The caller must call Close.
//
// Next is called from one goroutine. Each chunk's Data is a buffer of the
// source's free list: Decode recycles it, and Recycle takes back a chunk
// dropped without decoding, so steady-state splitting allocates nothing.
// Decoders may run concurrently (one goroutine per decoder); the batches
// they return are allocated from Options.Mem and owned by the caller. The
// caller does not need to keep the chunk: batches do not point into it.
package csvin
