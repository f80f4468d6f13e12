// Package jsonin reads newline-delimited JSON (NDJSON, JSON Lines) into Arrow
// record batches: one JSON object per line, one row per object.
//
// Data flow:
//
//	inputs ─► reader goroutine ─► Next: cut at newlines ─► Chunk ─► Decoder (×N) ─► RecordBatch
//
// NewSource reads a sample of the first lines (Options.SampleRows, 1000 by
// default) and infers the schema from it; the sampled bytes are replayed,
// not lost. The sample ends after SampleRows lines or at the end of the
// inputs, never because the input pauses: the same bytes give the same
// types however they trickle in. So a trickling pipe shows its first rows
// once SampleRows lines have arrived or it ends; after that, Next, called
// from one goroutine, cuts the byte stream into chunks of whole lines bounded
// by BatchRows lines and BatchBytes bytes (a longer line is one chunk of its
// own: there is no line length limit) and emits the complete lines it holds
// when the input pauses for FlushInterval, so `tail -f | arrowpipe` sees rows
// as they come once the sample is read. Decoders, one per worker, parse each line in a single pass
// (no encoding/json, no reflection) into per-line value slots, so that a bad
// line can be dropped whole, and append the slots to Arrow builders. Only a
// string with escapes is copied, into reused scratch: ~67 allocations per
// 65536-row batch, ~400 MB per CPU-second on ~150-byte log lines
// (BenchmarkDecode).
//
// A file that is one top-level JSON array of objects ("[{...},{...}]",
// pretty-printed or not) is read as the same rows: the bytes are rewritten
// as they stream into one object a line (see arrayText), so error line
// numbers then count the array's elements. A leading byte order mark is
// dropped.
//
// Schema inference: integers are int64 (float64 if any sampled value has a
// fraction or an exponent, or is one of the bare NaN, Infinity and
// -Infinity that DuckDB writes for a DOUBLE's specials), true/false are
// bool, strings are utf8 — or, read as csvin reads a field, date32 when
// every sampled string of the key is a YYYY-MM-DD date, and a timestamp
// when they are dates and date-times ("2024-05-01T12:00:00.5+02:00",
// "2024-05-01 12:00:00", DuckDB's "...+00"): timestamp[us, UTC] when one
// names its zone, a zone-less timestamp[us] when none does, and [ns] when
// one has more than 6 fractional digits. No value is rounded or cut to fit a
// type: a sampled integer beyond int64 or number beyond float64
// (12345678901234567890, 1e400) makes its column utf8 holding the number as
// written, and so do date-times that need nanoseconds and a year outside
// 1677-2262. After the sample, a value that its column cannot hold (1e400
// for float64, a fraction finer than the timestamp's unit) is a data error,
// not infinity or a cut; a float64 column rounds a decimal to the nearest
// float64, as any float64 does (1e-400 is 0).
//
// A key declared decimal(p,s) in the schema (inference never makes one)
// reads a JSON number or a string ("12.50") exactly, as csvin reads a
// decimal field: a value with more nonzero fraction digits than s or more
// integer digits than p-s is a data error naming the line, column and key,
// never rounded; null is null.
//
// Arrays of scalars are list columns, typed by the kinds of all sampled
// elements: list<int64> for integers, list<float64> for integers and
// fractions, list<bool>, and list<utf8> for strings or for any other mix of
// scalars (1, true and "x" read as "1", "true" and "x": each element that is
// not a string is its JSON text), for a number beyond float64, and for
// arrays that were always empty or held only nulls. A null element is a null
// element, [] an empty list, null or a missing key a null list. Arrays of
// objects (and nulls) are list<struct> columns: the struct's fields are the
// keys of all sampled element objects in order of first appearance, each
// bool, int64 or float64 when all its sampled values are, else utf8 (a
// value that is not a string as its JSON text); a missing key is null, a
// key not in the sample an error. An array holding an array, or objects
// mixed with scalars, anywhere in the sample keeps its whole column as the
// JSON text of each array. After the sample, a list<utf8>
// column takes any element (nested ones as JSON text); the others take only
// elements of their kind or null. DuckDB's read_json gives the same
// BIGINT[], DOUBLE[] and VARCHAR[], but JSON[] for mixed and nested arrays,
// whose strings keep their quotes.
//
// A nested object is a struct column: its fields in order of first
// appearance, recursively, each typed as a top-level key is (a nested
// object a struct field). A field absent from a line is null; an object
// that is null or absent is a null struct, whose fields are null too. The
// decoder fills one builder per leaf key and assembles the structs from
// those arrays without copying (structs.go). With Options.Flatten, nested
// objects are instead one column per leaf key under dotted names
// ("user.id", "user.geo.lat"), as all versions before structs read them.
// Arrays of objects are not list<struct>: they stay JSON text (below).
// Nested arrays, objects that were always empty, and keys whose sampled
// values mix kinds (an object here, a string there) become utf8 columns
// holding the JSON text of the value (strings unescaped). The sample fixes
// the types: an array after it in a column inferred as utf8 is its JSON
// text. A key seen only as null is utf8. Columns are in order of first
// appearance. A key absent from a line is null. A key first seen after the
// sample, at the top level or inside an object, is a data error naming the
// file, line, column and the key's dotted path ("user.geo"), unless
// Options.Schema declares it (by dotted name, or a struct type for the
// whole object), or Source.Project left no column that could hold it (a
// top-level key, or a field of a struct that is not kept): such a key is
// checked as JSON and skipped, so a count or a select of other columns
// does not fail on it. Options.Schema also overrides inferred types. A utf8
// column accepts any JSON value as text; other columns accept only values
// of their kind, or null (an object, or null, for a struct). Duplicate keys
// in a line: the last one wins, like encoding/json (two objects under one
// key merge their fields, the later winning).
//
// Lines that are empty or hold only whitespace are skipped and produce no
// row; they still count for line numbers. A trailing "\r" is whitespace.
// Invalid JSON, a line that is not an object, a value of the wrong kind and
// invalid UTF-8 are *pipeline.DataError values with the file, the 1-based
// line, the 1-based byte column in the line and the key; with
// Options.OnError set, a line it accepts is dropped and reading goes on.
// A line of the sample that is not one valid JSON object fails NewSource
// with the error the decoder would give, unless OnError is set. A lone UTF-16 surrogate in a \u escape reads as U+FFFD, like
// encoding/json. An empty input is zero rows and no columns.
//
// Source.Project narrows the columns decoded to those a consumer needs (a
// struct column whole): the values of the other keys are checked to be
// JSON and skipped, neither converted nor type-checked.
//
// Ownership and concurrency: Next and Close belong to one goroutine; a
// Decoder is used by one goroutine at a time, and different Decoders run in
// parallel. Decode returns a batch the caller must release. Chunk.Data is a
// buffer of the source: Decode hands it back (batches do not point into
// it), and Recycle takes back a chunk dropped without decoding, so that
// later chunks reuse the memory. NewSource reads the sample on the
// caller's goroutine and starts none; the first Next starts the reader
// goroutine (stages/internal/readahead), which ends when the inputs are
// exhausted, when NewSource's ctx is done, or at Close, which closes the
// inputs that are io.Closers so that a Read blocked on a pipe returns, and
// waits for it. The caller must call Close.
package jsonin
