// Package textfmt formats Arrow values as text for the text writers (CSV,
// TSV, NDJSON), one value at a time, appending to a caller's []byte.
//
// A writer resolves each column of a batch once into a Column, a typed view
// of the array, and then appends values row by row:
//
//	batch ─► Column.Reset(col) per column ─► for each row, for each column:
//	          IsNull / Kind ─► AppendText | Text | Float | Array().ValueStr
//
// Numbers, booleans, timestamps and dates are formatted by hand or with
// strconv's Append functions into the caller's buffer, so formatting a value
// allocates nothing; only the Other kind (decimals, lists, structs, ...)
// goes through arrow-go's ValueStr and allocates.
//
// The formats, shared by every text writer so that CSV and NDJSON agree:
//   - floats: the shortest text that parses back to the same value, in fixed
//     notation for 1e-6 <= |v| < 1e21 and exponent notation outside that
//     range (the rule of encoding/json and ECMAScript), so 12.5 is "12.5",
//     3.0 is "3" and 1e-7 is "1e-7";
//   - timestamps, of any unit and any time zone, as RFC 3339 in UTC with a
//     "Z" suffix and fractional seconds only when non-zero, trailing zeros
//     trimmed (time.RFC3339Nano): "2024-03-01T12:00:00.25Z", except that a
//     nanosecond fraction has all 9 digits ("...00.250000000Z"), so that
//     it reads back as nanoseconds;
//   - dates (date32, date64) as "2006-01-02".
//
// Ownership and concurrency: a Column borrows the array given to Reset; the
// caller keeps the array alive while it uses the Column. A Column is used by
// one goroutine at a time; the functions are safe for concurrent use.
package textfmt
