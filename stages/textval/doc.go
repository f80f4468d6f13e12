// Package textval reads typed values out of text fields: the number, boolean,
// date and timestamp parsers, the type inference and the schema syntax shared
// by the CSV and NDJSON readers.
//
// Data flow: a reader cuts a record into fields ([]byte views of its input),
// feeds a sample of them to an Inferrer to choose each column's Arrow type,
// lets a Spec (from --schema) override some of those types, and then converts
// every field with the Parse function of its column's type.
//
//	fields ──► Inferrer.Add ──► Inferrer.Fields ──► Spec.Apply ──► schema
//	fields ──► ParseInt64 / ParseFloat64 / ParseBool / ParseDate / ParseTimestamp(Nano) ──► builders
//	fields ──► ParseDecimal128 (only for a decimal(p,s) that a Spec gives) ──► builders
//
// Inference never picks a type that would change a value (see Classify):
// numbers written with a leading zero or a '+' sign, and integers that
// int64 or (among floats) float64 cannot hold exactly, are strings, and
// timestamps with more than 6 fraction digits are nanosecond timestamps. A
// timestamp column is zoned (UTC) when its text names a zone and zone-less
// (a wall-clock time, DuckDB's TIMESTAMP) when it does not; "NaN", "inf"
// and "-Infinity" are float64 values, as DuckDB reads them.
// Likewise ParseTimestamp rejects digits below the microsecond rather than
// cutting them.
//
// The Parse functions never allocate and never retain their argument; they
// report failure with a boolean so that a reader builds an error (with the
// file, line and column it knows) only for the rare bad value. They are safe
// for concurrent use. An Inferrer is used by one goroutine at a time.
package textval
