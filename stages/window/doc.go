// Package window holds the verbs that look at a row's neighbours: window
// adds columns computed from the rows before (and after) each row in its
// group, as SQL window functions do; fill replaces nulls with a
// neighbour's value; sample keeps a random subset of the rows; summary
// describes each column.
//
//	window KEYS 'NAME = FUNC(ARGS), ...'
//
//	batch ─▶ group ids (first-seen order, by key) ─▶ each function's
//	         per-group state steps row by row ─▶ input columns + new columns
//
// Each function is DuckDB's f OVER (PARTITION BY KEYS ORDER BY the input
// order ROWS ...), except where said; rows keep their input order and the
// new columns are appended after the input's. Keys may be null (nulls are
// one group), NaN is one group, -0 and 0 are one group.
//
//   - lag(col[, n[, default]]), lead(col[, n[, default]]): the value n rows
//     (default 1) before or after in the group, the row's own for n = 0;
//     the default (null unless given) where that row is outside the group.
//     A null value is passed on as null, not replaced by the default.
//   - row_number(): 1, 2, ... within the group.
//   - rank(ORDER), dense_rank(ORDER): the row's rank in its group by
//     ORDER ('COL [asc|desc] [nulls first|last], ...', nulls last by
//     default in both directions, as sort); ties (equal in every key,
//     null equal to null) share the lowest rank; rank leaves gaps after
//     ties (1, 1, 3), dense_rank does not (1, 1, 2). Floats order NaN
//     after every number, as DuckDB does (sort puts NaN first).
//   - running_sum/running_count/running_mean/running_min/running_max(col):
//     the aggregate over the group's rows so far (ROWS UNBOUNDED
//     PRECEDING), ignoring nulls: null until the group's first non-null
//     value; running_count counts non-null values (0 before the first),
//     and running_count() counts rows. Sums of integers are int64 and an
//     overflow is an error (DuckDB widens to int128); sums of floats add in
//     row order. min and max order NaN above every number, as DuckDB.
//   - moving_sum/moving_mean(col, N): over the group's last N rows, the
//     current one included (ROWS N-1 PRECEDING), ignoring nulls; null when
//     the frame has no non-null value. An integer window sum is exact even
//     when a partial sum on the way would overflow; a float one is added up
//     again for each row, in row order (N additions a row).
//   - delta(col), ratio(col): col - lag(col) and col / lag(col) (a float,
//     IEEE division: x/0 is ±Inf or NaN): null on the group's first row and
//     when either value is null. Integer delta overflowing int64 is an
//     error.
//   - ewma(col, alpha): the exponentially weighted mean of the group's
//     non-null values so far: the first value, then
//     alpha*x + (1-alpha)*previous (Miller's step -a ewma); null before the
//     first non-null value.
//
// Arithmetic functions (sums, means, delta, ratio, ewma) take integer and
// float columns; lag, lead, min and max take strings, booleans (not min or
// max), dates, times and timestamps too and keep the column's type.
//
// Memory and holding: the streaming functions (lag, row_number,
// running_*, moving_*, delta, ratio, ewma) keep per-group state only (a
// value or two per group, N values for lag(col, N) and the moving
// functions) and pass each batch on as soon as it is processed. lead holds
// a batch until every row in it has its lead, that is until the n-th later
// row of each of its rows' groups arrives or the input ends: without keys
// that is about one batch, with keys it can be the whole stream (a group
// seen once early holds everything after it). The ranks hold the whole
// input and emit it from Finish. What is held and the per-group state
// count against half of Env.MaxMemory; beyond it the held batches spill
// to a file in Env.TempDir (zstd-compressed Arrow IPC), the leads and
// ranks of the rows on disk become (row, value) patches, and the ranks
// are found by aggregate's sort of (group, order keys, row), both sorts
// spilling beyond their share of the other half; Finish merges the file
// with the patches sorted by row. Once spilling, the stage emits nothing
// before Finish; the output is the same rows and values. Only the
// per-group state (the group table, lead's ring of n rows per group) does
// not spill: past half the cap the run fails with ErrMemory. Spill files
// are removed at the end, on error and on cancel. Emitted batches keep
// the input's batch boundaries, except that batches released together by
// one later row are concatenated.
//
// fill COLS [by KEYS | with VALUE | backward]: a null takes the last
// non-null value above it (in its group with by; DuckDB's
// last_value(col IGNORE NULLS) OVER (... ROWS UNBOUNDED PRECEDING)), the
// constant VALUE (parsed for each column's type), or the first non-null
// value below it (backward, which holds the batches above a run of nulls,
// within Env.MaxMemory); nulls with no value to take stay null. The
// schema is unchanged.
//
// sample N [SEED] keeps N rows chosen uniformly (reservoir sampling; the
// same rows for a seed whatever the batch sizes), emitted in input order
// at the end; sample N [SEED] by KEYS keeps N rows of each group (fewer
// in a group with fewer), a reservoir per group drawn from the one
// random stream in input order, within Env.MaxMemory (groups × N rows); sample P% [SEED] keeps each row with probability P/100
// (Bernoulli, per batch from the seed and the batch's sequence number).
// Without SEED the seed is random.
//
// summary (DuckDB's SUMMARIZE, one row per input column, in schema
// order) gives, per column: column and type (Arrow's name); count, the
// rows, nulls included; nulls; distinct, the number of distinct non-null
// values, exact up to SummaryExact (10000) values and 1 MiB of their text,
// then a HyperLogLog estimate (~0.8 % standard error) with distinct_approx
// true; min and max as text (numbers by value with NaN above every
// number, -0 as 0; strings by bytes; false < true; dates, times and
// timestamps by instant; other types by their text); for integer and
// float columns only, mean and stddev (sample, n-1; null for fewer than
// two values; NaN when a value is NaN) and q25, q50, q75 (quantile_cont:
// interpolated at q·(n-1) over the sorted non-NaN values, exact up to
// SummaryExact values, then a t-digest with quantiles_approx true); top,
// the five most frequent values as "value (count), ..." by count then
// value, only while distinct is exact (null after). Empty input gives
// count 0 and nulls elsewhere. Memory: per column and worker at most
// SummaryExact values and counts, 1 MiB of distinct text, one HLL
// (16 KiB) and one t-digest (~5 KiB), whatever the input size. It runs
// on every worker, each with its own state, and Finish merges them
// (Chan's formula for the variance) and emits the one batch.
//
// Concurrency: window, fill (but fill with VALUE) and sample N run on
// one worker and declare Stage.Ordered, because their state carries from
// batch to batch in row order; with --unordered the steps before them
// still deliver batches in input order. fill with VALUE and sample P% are
// per row and run on every worker. A stateful worker's state is released
// by Finish, by an error, or, when the run is cancelled first, by a
// context.AfterFunc hook. Batches the stages emit belong to the receiver.
package window
