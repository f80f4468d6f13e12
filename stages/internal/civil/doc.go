// Package civil is the calendar arithmetic that the readers, the
// expression evaluator and the text writers share: proleptic Gregorian
// dates (the Gregorian rules extended before 1582, year 0 = 1 BC, as
// Arrow, DuckDB and ISO 8601 count) as days since 1970-01-01, UTC, and
// instants as seconds plus nanoseconds.
//
//	Days(y, m, d) ──► days since 1970-01-01 ──► Date(days) ──► y, m, d
//	seconds, nanoseconds ──► UnixNano ──► int64 nanoseconds, or false
//
// Days and Date are exact for years -10^15 to 10^15 (every Arrow date32,
// date64 and timestamp is far inside); they do not validate their argument
// (DaysIn does). UnixNano reports false instead of overflowing.
//
// Every function is pure: it does not allocate, keeps no state and is safe
// for concurrent use. There is no time.Time on these paths: they run once
// per value.
package civil
