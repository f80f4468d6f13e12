// Package csvout writes record batches as CSV or TSV text: a pipeline.Sink.
//
// Data flow:
//
//	batches ─► Encoder.Encode (worker pool, in parallel) ─► Chunk.Data ─►
//	           Sink.Write (one goroutine, stream order) ─► io.Writer
//	                 └── buffer back to the Sink's free list ──┘
//
// Each Encoder turns a whole batch into CSV bytes in one buffer taken from
// the Sink's free list; Write copies the bytes to the destination and puts
// the buffer back, so once the buffers have grown to batch size, writing
// allocates nothing per batch or per value. The header line is not part of
// any chunk: the Sink writes it once, before the first chunk, or at Close
// when no chunk came.
//
// Format (RFC 4180, with LF line ends unless Options.CRLF):
//   - a field is quoted when it contains the delimiter, a double quote, CR
//     or LF; quotes inside are doubled. Other fields, including those with
//     leading or trailing spaces, are written as they are;
//   - a null is an empty field; an empty string is written as "" so that
//     readers that tell the two apart can (as DuckDB writes them). In a
//     one-column file a null is therefore a blank line, which csvin (like
//     DuckDB) reads back as a null row: output reads back with the same
//     rows, nulls and empty strings (TestRoundTripKeepsRowsNullsAndEmptyStrings);
//   - numbers, booleans, timestamps and dates as package textfmt formats
//     them: floats in the shortest round-trip form with ".0" when it has no
//     fraction or exponent (so that 2.0 reads back as a float), NaN, inf and
//     -inf (the spellings both DuckDB and Polars read as floats); RFC 3339
//     timestamps, with "Z" for a zoned type and without it for a zone-less
//     one (a wall-clock time); 2006-01-02 dates; times of day as DuckDB
//     writes a TIME (03:04:05, 03:04:05.5: the fraction digits needed);
//     decimals with every digit of the scale (1.50); lists, structs and
//     maps as the JSON array or object package jsonout writes (["a","b"],
//     [1.0,2.5], {"id":1,"geo":{"lat":1.5}}, a map as {"k":0.0}), one
//     cell; other types through arrow-go's ValueStr; all quoted when
//     needed.
//
// TSV (a tab delimiter) follows the IANA TSV convention as Miller writes
// it: nothing is quoted, and a tab, LF, CR or backslash in a text field is
// written \t, \n, \r or \\, which csvin's Options.TSV reads back. An empty
// string is then an empty field, as a null is: TSV cannot tell them apart.
//
// Cost (BenchmarkEncode, one core, 64Ki rows of 8 sales columns: int64,
// µs timestamp, strings, float64 with nulls): ~175 ns per row, 380-425
// MB/s of CSV; 250-350 MB/s when many strings need quotes. Write is a
// single copy into the destination.
//
// Concurrency: NewEncoder may be called from any goroutine; each Encoder is
// used by one goroutine at a time, and any number of Encoders may run at
// once. Write and Close are called from one goroutine. Encode borrows its
// batch and does not retain it.
package csvout
