// Package expr is arrowpipe's expression language, compiled once against a
// schema and evaluated a whole record batch at a time.
//
//	source text ──parse──▶ syntax tree ──Compile(schema)──▶ *Expr (typed kernels)
//	record batch ──Evaluator.Eval──▶ arrow.Array      (one loop per operator)
//	record batch ──Evaluator.Filter──▶ compacted batch (Select)
//
// # Language
//
// Literals: 42, 18446744073709551615 (above MaxInt64 an integer literal is
// a uint64), 1.5, 2e3, 'text' or "text" (escapes \n \t \\ \' \" \xHH
// \uHHHH), true, false, null, ts'2026-01-02T03:04:05Z' (RFC 3339; no zone
// means UTC; with more than 6 fraction digits, as in
// ts'2026-01-02T03:04:05.123456789Z', a timestamp in ns, which must lie in
// the ns range) and date'2026-01-02'. Columns are named bare (qty) or in
// backticks (`unit price`, with “ for a backtick). Operators, loosest
// first: or (||); and (&&); not (!); comparisons == (=) != (<>) < <= > >=,
// x [not] in (a, b, ...), x is [not] null; + -; * / %; unary -.
// Comparisons do not chain. Functions: coalesce, if(cond, then, else),
// abs, round(x[, digits]), floor, ceil, lower, upper, length (characters),
// trim, contains, starts_with, ends_with, substr(s, start[, length]) with
// SQL's 1-based character positions, replace(s, old, new), to_int,
// to_float, to_string, to_bool, to_timestamp, to_date, year, month, day,
// hour, minute, date_trunc(unit, t) with unit 'year', 'month', 'day',
// 'hour' or 'minute', and epoch(t), the seconds since 1970-01-01 UTC as a
// float (so epoch(b) - epoch(a) is a duration in seconds). The string,
// pattern and conditional functions follow below; Functions lists every
// function with its signature.
//
// # Strings, patterns and conditionals
//
// As DuckDB's functions of the same names, character positions 1-based:
// concat(x, ...) joins the to_string of its arguments and skips nulls (it
// is never null; || stays the logical or it has always been here, so
// that no existing filter changes meaning); lpad/rpad(s, n, fill) pad to
// n characters or cut to the first n (an empty fill where padding is
// needed gives null, where DuckDB fails; n above 1Mi characters is an
// error); split_part(s, sep, i), i < 0 counting from the end, "" beyond
// the fields, an empty sep splitting into characters; strpos(s, sub), 0
// when absent; reverse(s) by code point (DuckDB: by grapheme cluster);
// left/right(s, n), a negative n leaving out -n characters at the other
// end; levenshtein(a, b) counts characters (DuckDB counts bytes; a row
// whose lengths multiply to more than 2^26 is an error wrapping ErrValue);
// md5/sha256(s) in lowercase hex; hash(x) is xxhash64 of the value's
// bytes (a string's UTF-8, a number's, timestamp's or date's 8
// little-endian bytes in its own unit, -0.0 as 0.0), for sampling and
// keys, not DuckDB's hash, and null for null.
//
// s like p and s ilike p (also like(s, p), not like) match % (any run of
// characters) and _ (one character); there is no escape character, as in
// DuckDB without ESCAPE; ilike lowercases both sides. Constant patterns
// of the forms 'abc', 'abc%', '%abc' and '%abc%' compare bytes directly.
//
// case when c1 then v1 [when c2 then v2 ...] [else e] end, and case x when
// a then v1 ... end (x == a), are if() calls nested in order: a null
// condition takes the next branch, no else gives null. nullif(x, y) is
// if(x == y, null, x). greatest and least meet their arguments at one
// type as coalesce does, skip nulls (null only when all are) and put NaN
// above every other float, as DuckDB. is_nan(x) is false for integers.
//
// regexp_matches(s, re) (a match anywhere), regexp_extract(s, re[, group])
// ("" when there is no match or the group took no part) and
// regexp_replace(s, re, repl[, 'g']) (the first match, every match with
// 'g'; \1 or \0 in repl for a group, as DuckDB's \1) use Go's RE2
// syntax. The pattern, group, replacement and flags must be literals:
// they are compiled once by Compile, and an invalid pattern is an *Error
// with a caret at it. A backslash in a literal is an escape, so a
// regular expression's \d is written '\\d'. A pattern that is a plain
// string is matched with bytes.Contains, and any other pattern is first
// checked for a literal every match must contain (BenchmarkRegexpMatches
// has the figures).
//
// # Dates, times and zones
//
// strptime(s, layout) reads a string by a layout of % codes (the list is
// at timeLayout: %Y %m %d %H %M %S %f %p %b %z ... as in DuckDB and C),
// giving a timestamp in µs, or in ns when the layout has %n; a field the
// layout lacks is 1900-01-01 00:00:00. A non-null string that does not
// match, or names no real date (2026-02-30), is an error wrapping
// ErrValue that names the row and the value; try_strptime gives null
// instead. strftime(t, layout) prints a timestamp or date, always in UTC
// (%z is +0000): use to_timezone first for a local time. The layout, the
// zone, the unit and the interval are literals, checked by Compile (an
// unknown % code is an *Error with a caret at the layout). strptime of
// '%Y-%m-%d %H:%M:%S' costs ~44 CPU ns/row, ~23M values/s per core;
// '%m/%d/%Y %I:%M:%S.%f %p' ~61 (BenchmarkStrptime).
//
// Zones are IANA names, read from the zone database embedded in this
// package (time/tzdata), so a static binary needs none on the machine.
// As DuckDB's timezone(zone, t): to_timezone(t, 'Europe/Paris') of a
// zoned t gives the wall clock there, a zone-less timestamp, and of a
// zone-less t reads its wall clock there, giving a zoned instant;
// from_timezone(t, zone) always does the latter. A wall clock a DST change
// skips or shows twice takes the smaller of the offsets before and after
// it, as DuckDB (02:30 on the day Paris skips 02:00-03:00 is 01:30 UTC).
// date_trunc(unit, t, zone) truncates the wall clock there (a zone-less
// t read as UTC) and gives a zoned instant: a day in a zone starts at its
// local midnight, 23 or 25 hours apart across DST. A ns timestamp whose
// wall clock is outside the ns range is an error there.
//
// date_diff('unit', a, b) counts unit boundaries from a to b as DuckDB
// does: year, quarter and month by the calendar fields, week as whole
// 7-day spans, day and below by the floor of each instant (units: year,
// quarter, month, week, day, hour, minute, second, millisecond,
// microsecond, nanosecond, plural allowed); a and b keep their own units.
// date_add(t, 'N unit [N unit ...]') or date_add(t, n, 'unit') adds months
// first (the day clamped to the month's end: Jan 31 + 1 month is Feb 29 in
// 2024), then days, then the fixed time; a date becomes a timestamp. week
// is the ISO week, dayofweek 0 (Sunday) to 6, quarter 1 to 4, epoch_ms
// the ms since the epoch truncated toward zero, as DuckDB.
//
// # Formatting
//
// format(fmt, x, ...) fills fmt's placeholders as DuckDB's format (the
// fmt library) does: {} takes the next argument, {N} argument N (0-based,
// not mixed with {}), {{ and }} are braces, and {:spec} is
// [[fill]align][sign][#][0][width][,][.precision][type] with align < > ^,
// sign + or space, 0 for zero padding, ',' for thousands, and type d x X o
// b c (integers), f F e E g G (floats; an integer is converted) or s.
// printf(fmt, x, ...) fills C's codes %[flags][width][.precision]verb,
// flags - + space # 0, verbs d i x X o c f F e E g G s and %% (x and o of
// a negative integer print its 64 bits, as C). Widths count characters.
// {} and %s print a float in its shortest form with a decimal point
// (100.0, 1e+20, inf, nan, as DuckDB), a bool as true or false, and a
// timestamp or date as to_string does (DuckDB: 2026-01-02 03:04:05 with
// no T and no zone); %d prints a bool as 1 or 0, and a decimal prints as
// the float nearest to it, as in DuckDB. The format string must be
// a literal: Compile parses it and checks each code against its
// argument's type (%d of a float, {:x} of a string, a missing argument),
// an *Error with a caret at the format or the argument. A null argument
// makes the row null, as in DuckDB; arguments past the last placeholder
// are ignored, as in DuckDB. Unlike DuckDB, %s takes any type and f, e, g
// take integers, where DuckDB refuses them.
//
// # Lists
//
// A list or large list column of bool, integers, floats, strings,
// timestamps or dates (NDJSON arrays, Parquet and Arrow lists) reads as a
// list of that element type (int8..int32 elements as int64, float32 as
// float64, timestamps in s or ms as µs); nested lists and lists of
// decimals are not read. split(s, sep) (an empty sep splits into
// characters, as DuckDB's string_split) and regexp_split(s, re) (as Go's
// regexp.Split) make a list of strings, and list_value(x, y, ...), or the
// literal [x, y, ...], a list of its arguments met at one type as in
// coalesce (a null argument is a null element). As DuckDB's functions of
// the same names: list_length(l); list_get(l, i), the element (1-based, i
// < 0 counting from the end, null beyond the list or for a null element,
// as list_extract); list_contains(l, x), comparing numbers and instants
// exactly across types (1 matches 1.0, a date its midnight; null elements
// never match); list_join(l, sep), the elements as the CSV writer writes
// them, nulls skipped (array_to_string); list_sum(l) of numbers, in 128
// bits as DuckDB, an error wrapping ErrOverflow that names the row when
// the total is beyond int64 (DuckDB returns a 128-bit integer);
// list_min(l) and list_max(l), nulls skipped, NaN above every float; and
// list_sort(l), ascending, nulls last. An empty or all-null list has a
// null sum, min and max. An expression may give a list as its result:
// derive makes a list column, which the explode verb turns into rows.
// to_string(l) is the JSON array the CSV and NDJSON writers write for a
// list field ([1.5,null,2.0], ["a","b"]), and to_list(s, 'int64') reads
// such text back into a list of int64, float64, bool, string, timestamp
// or date ('bigint', 'double', 'varchar[]', 'list<int64>' also name them):
// strictly, null for text that is not one JSON array of such elements
// (1.5 in an int64 list, 1 in a string list, a nested array, text after
// the array), as the other to_* conversions are; it decodes with
// encoding/json, ~280 CPU ns per element (BenchmarkListFunctions). Lists are not compared or
// taken by other functions; that is a Compile error.
//
// # Types and nulls
//
// Values are int64, uint64, float64, bool, string, timestamp, date
// (days), time of day and lists of these. A timestamp is µs since the epoch, UTC (columns in s and ms are
// converted exactly), or ns since the epoch, UTC, for columns in ns: a
// timestamp keeps its own precision everywhere (see Timestamps). int8..
// int32 and uint8..uint32 columns read as int64 and float32 as float64,
// all exactly; uint64 columns stay uint64: compared, computed and printed
// as unsigned. Types are checked by Compile, before any data: errors are
// *Error values with the position of the bad token, rendered with a caret
// and a suggested name when one is close.
//
// A time of day (time32, time64: DuckDB's TIME) is read as ns since
// midnight, exactly in every unit. It compares (== != < <= > >=) with
// another time of day of any unit and with a string literal written
// HH:MM[:SS[.fraction]] ('24:00:00' the end of the day), to_string prints
// it as DuckDB does (03:04:05, 12:00:00.5), and coalesce, if, case,
// greatest and least pass it through (a time64[ns] result); arithmetic and
// other functions refuse it at Compile. Comparisons run the int64 loops.
//
// x is null and x is not null take a column of any Arrow type, even one
// expressions cannot otherwise read (struct, map, binary, time64, uuid,
// interval, dictionary ...): they read only its validity (a dictionary's
// is its indices'; a union or run-end encoded row is null when its value
// is). Any other use of such a column is a Compile error naming the
// column and its type.
//
// Nulls follow SQL: arithmetic and comparisons with null give null; and,
// or and not use three-valued logic (false and null is false, true or null
// is true); if() takes the else branch when the condition is null.
//
// # Timestamps
//
// Timestamps of any unit, with or without a time zone, compare as the
// exact instants they stand for: two ns values 1 ns apart are not equal,
// and a µs, s or ms value or a date compares exactly with a ns value even
// beyond the ns range (1677-09-21 to 2262-04-11), never wrapping. A bare
// column keeps its type; any other timestamp result is timestamp[us, UTC]
// or timestamp[ns, UTC], or zone-less (timestamp[us], timestamp[ns]) as
// below. A function or if()/coalesce() whose values mix
// units returns the finer one, ns: a µs, s or ms value or a date beyond
// the ns range used there is an error wrapping ErrOverflow that names the
// row. date_trunc, to_timestamp and coalesce/if of ns timestamps return
// ns; date_trunc whose start falls before the first ns timestamp is the
// same error. hour, minute, year, month, day, to_date and to_string read
// the ns (to_string prints up to 9 fraction digits); to_int and to_float
// give a timestamp's count of its own unit (µs, or ns for a ns timestamp);
// epoch of a ns timestamp is its whole seconds plus the fraction, as
// float64 (a float64 holds about a µs at today's dates, so epoch cannot
// tell two ns apart). to_timestamp of a string is µs, and null for a
// string with digits below the µs, which µs cannot hold. ns columns are
// read without copying: comparing two of them, or one with a literal,
// costs what µs does (~0.6–0.8 ns/row, BenchmarkCompareTime); a µs column
// against a ns column takes a branch per row (~3.6 ns/row).
//
// A timestamp column without a zone (DuckDB's TIMESTAMP, a wall clock) is
// computed as the UTC instant showing that wall clock, which is what
// DuckDB does with its session zone set to UTC: comparing it with a zoned
// one compares those instants (DuckDB casts TIMESTAMP to TIMESTAMPTZ in
// the session zone; ours is always UTC). A result stays zone-less when its
// timestamps are: date_add, date_trunc and to_timestamp of a zone-less
// value, and coalesce, if/case, nullif, greatest and least whose
// timestamp arguments are all zone-less (a literal, a date or null takes
// the zone of what it meets; one zoned argument makes the result zoned,
// as DuckDB's TIMESTAMP meeting TIMESTAMPTZ); strftime, year, hour and
// the other calendar functions read the wall clock (strftime's %Z prints
// nothing for a zone-less value, as DuckDB). to_timezone of a
// zoned value is zone-less (see Dates, times and zones). Unlike DuckDB,
// to_timestamp(x, 'type') converts to a named type, keeping the instant:
// 'timestamp' and 'timestamp_ns' (timestamp[us], timestamp[ns]) are
// zone-less, 'timestamptz', 'timestamp[us, UTC]' and 'timestamp[ns, UTC]'
// zoned (ns to µs drops the ns digits toward zero, as DuckDB). Unlike DuckDB,
// strptime, to_timestamp of a string, an integer or a date, and date_add
// of a date give zoned (UTC) timestamps, and a ns value stays ns where
// DuckDB's interval arithmetic gives µs; list results are zoned.
// testdata/zone_cases.json holds DuckDB's results for a table of these
// cases (testdata/make-zone-cases.cjs).
//
// # Numbers
//
// int64 op int64 stays int64 and uint64 op uint64 stays uint64 for + - *
// and %; a result outside the type's range (9223372036854775807 + 1, 0 -
// 1 on uint64, -x or abs(x) of -9223372036854775808, round(x, -1) of the
// largest values) is an error wrapping ErrOverflow that names the row of
// the batch and the operands, as DuckDB's "Overflow in addition of INT64"
// is; it never wraps. A non-negative integer constant next to a uint64 is
// a uint64 (u + 1, u > 5); a uint64 meeting an int64 column in arithmetic,
// if() or coalesce() is converted to int64 and a value above MaxInt64 is
// the same error (unary minus counts as such a meeting). A timestamp in
// seconds or milliseconds, or a date, beyond the µs range (about ±292,000
// years) is the same error where it is converted to µs. Comparisons and
// in compare uint64 with int64 exactly: u > -1 is true for every u.
// / is float division, as in DuckDB (1 / 2 is 0.5); mixing an integer
// with a float gives float64; x / 0 and x % 0 give null (DuckDB gives
// ±inf or NaN for /); -9223372036854775808 % -1 is 0.
//
// An error counts only for rows that use the value: rows where an operand
// is null, the branch of if() a row does not take, and the coalesce()
// arguments after a row's first non-null one do not fail (every operand of
// any other operator or function is used, and/or included). A constant
// that overflows fails at evaluation, for the rows that use it.
//
// The to_* conversions give null for a value that does not convert
// (to_int('abc'), to_int('3.5'), to_int(1e300), to_int of a uint64 above
// MaxInt64); to_int rounds floats halves away from zero, as DuckDB's CAST
// (to_int(3.97) is 4, to_int(-2.5) is -3). round(x[, d]) rounds halves
// away from zero, a float as the decimal it prints as: round(0.15, 1) is
// 0.2, round(2.675, 2) is 2.68 (DuckDB's float arithmetic gives 2.67), and
// a float with at most d digits after the point is returned unchanged
// (round(0.1, 300) is 0.1); a result beyond the float range is ±Inf.
//
// # Decimals
//
// A decimal(p,s) column (decimal32/64/128/256, as DuckDB writes 1.5
// literals and SUMs) is read exactly as its unscaled integer, for scales
// 0 to 18 and values of up to 38 digits (a decimal256 value beyond 38
// digits is an error naming the row). Values within int64 (18 digits)
// take the int64 loops; a batch with wider values keeps their high words
// too, and comparisons, + - *, -x, abs, round, floor, ceil, to_int,
// to_float, to_string, to_decimal and the result compute such rows with
// math/big (~0.3 µs a row, BenchmarkDecimal), as do %, in (as ==),
// coalesce, if, case, greatest and least.
// As DuckDB: comparisons with decimals and integers are exact, with a
// float as float64, and a float literal of up to 18 decimals compares
// exactly (d == 0.1 is true for 0.10); + and - give scale max(s1, s2)
// and precision max(p1-s1, p2-s2) + scale + 1, * gives p1+p2 and s1+s2
// (capped at 38, or at 18 when both operands have 18 digits or less; a
// result above 18 digits is computed in 128 bits), an
// integer taking part as decimal(19,0) (decimal(10,0) for a literal that
// fits int32); a result beyond its precision is an error wrapping
// ErrOverflow that names the row (DuckDB's "Overflow in addition of
// DECIMAL(18)", or of DECIMAL(38)). / and anything with a float give float64. -x, abs,
// round(x[, d]) (to scale d, halves away from zero), floor, ceil,
// greatest, least, coalesce, if and in keep decimals; to_int rounds
// halves away from zero, to_float gives the nearest float, to_string
// every digit of the scale (1.50), and to_decimal(x, p, s) converts an
// integer, float (from its exact binary value: 1.005 becomes 1.00),
// string or decimal, null when it does not fit (a float above 2^53 from
// its exact value too, where DuckDB's cast rounds in floating point). Other functions take no
// decimal (convert it first): a Compile error says so.
//
// # Evaluation, ownership and concurrency
//
// Compile turns the tree into typed kernel nodes; constant subexpressions
// are folded. Evaluation runs each node once per batch over whole columns
// (value slices and validity bitmaps), with specialized loops for column
// op constant and for no-null inputs; there is no per-row interpretation
// or boxing, and the scratch buffers of an Evaluator are reused from batch
// to batch, so steady-state evaluation allocates its result and a few
// small objects per batch, nothing per row. String
// comparisons with a literal compare bytes through the offsets (one masked
// 8-byte load per row for literals up to 8 bytes). The string, conversion
// and calendar functions run one loop over the rows, the operation chosen
// once per batch.
//
// Measured on an oversubscribed 2-core machine with 64Ki-row batches
// (process CPU time per row, best of 4; BenchmarkFilter, BenchmarkDerive,
// BenchmarkSelect): Filter of qty > 50 and region == "EU", including the
// compaction of all 5 columns, ~5.9 ns/row; qty * price * (1 -
// coalesce(discount, 0)) with 30 % null discounts ~6.6 ns/row. Select
// alone ~5 ns/row against 7–11 for compute.FilterRecordBatch on the same
// mask, and ~8 µs against ~70 µs per 1024-row batch.
//
// An *Expr is immutable and safe for concurrent use. An *Evaluator holds
// scratch buffers and must be used by one goroutine at a time: create one
// per worker with NewEvaluator (Expr.Eval draws them from a pool owned by
// the Expr). Arrays and batches returned by Eval, Filter and Select are
// owned by the caller, who must release them; inputs are only borrowed.
package expr
