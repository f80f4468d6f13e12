// Package aggregate holds the verbs that summarize and reorder the whole
// stream: groupby, agg, count, distinct, count_distinct, sort and top, and
// tail (NewTail, which the transform verbs list).
//
// # API
//
// The typed constructors are the package's API: GroupBy, Agg, Count,
// Distinct, CountDistinct, Sort and Top each return a verb.Verb, built
// from typed arguments: key column names, Aggregate values (CountRows,
// Sum, Quantile, ... with As to name the output) and SortKey values (Asc,
// Desc). A bad argument is reported by the Verb's Build, so that the
// constructors can be used inline:
//
//	aggregate.GroupBy([]string{"region"}, aggregate.CountRows().As("n"), aggregate.Sum("qty"))
//	aggregate.Top(10, aggregate.Desc("price"), aggregate.Asc("id"))
//
// Verbs returns the same verbs' command-line form: each Spec parses its
// words ('region' 'count() as n, sum(qty)') into those typed values and
// calls the constructor, so both forms build the same stage.
//
// # Group-by
//
// Aggregation is two-phase. Each worker of the stage keeps a partial state
// for the batches it receives: a hash table from key tuples to dense group
// ids, and one accumulator per aggregate holding per-group state indexed by
// group id. Finish merges the partials, worker by worker, into a final
// state and emits it:
//
//	batches ─▶ worker 1: keys ─▶ table ─▶ gids ─▶ accumulators ─┐
//	        ─▶ worker 2: ...                                    ├─▶ Finish: merge ─▶ order by first row ─▶ batches
//	        ─▶ worker n: ...                                    ┘
//
// Keys are hashed column by column (vectorized over the batch, then folded)
// with fixed hash functions; the table is open addressing over group ids
// and compares candidate keys against the key columns it stores (strings in
// one arena, copied once per new group, with their length and first 16
// bytes kept inline so that most string comparisons are three integer
// compares). A single string key is hashed and probed in one pass; a
// single integer key is kept in the table itself, five keys to a 64-byte
// bucket, so that a probe of a table larger than the cache misses once,
// not twice, and the buckets of 512 rows are touched in a tight loop
// before they are probed, so that those misses overlap. Any mix of
// int8..int64, uint8..uint64, float32/64, string, bool, date32/64, timestamp, time and
// duration keys works; null is a key of its own, -0 equals 0 and all NaNs
// are one key. Nothing is allocated per row. Wherever a verb of this
// package takes utf8 (keys of groupby, sort, top, distinct; the values of
// min, max, first, last, count_distinct, list), it takes large_utf8
// (Polars' text) the same way: strView reads both as 32-bit offsets into
// the batch's data, a large_utf8 batch's offsets narrowed relative to its
// first value (the data shared, never copied), and a column built of such
// values keeps the input's type. A large_utf8 column read as text whose
// values in one batch span more than 2 GiB is a verb.TypeError naming it
// (read smaller batches), not a panic. A group-by's string key may also come, batch by batch, as a
// dictionary with int32 indices and utf8 or large_utf8 values (a Parquet
// reader's undecoded text; see verb.Verb.DictionaryKeys): as the only key,
// each dictionary value a row uses is looked up once and the other rows
// map their code to its group through a memo kept while the dictionary
// (by identity) stays the same; beside other keys, rows are compared
// through their codes. The output key column has the input's type either
// way.
//
// The fixed-size states (count, sum, mean, var/stddev) of all aggregates
// share one row of words per group (stateRows), and each batch goes
// through the accumulators 1024 rows at a time, the rows' state touched
// first: with a million groups a row then costs two cache misses (bucket
// and state row), not one per aggregate. The other states (min/max,
// first/last, distinct sets, sketches) keep slices of their own.
//
// Every state merges: integer sums and means add 128-bit totals (exact,
// so independent of order and worker count; a total outside the output
// type is an error at Finish), float sums are Neumaier compensated (so
// they do not depend on the worker count beyond the last bit; ±Inf and
// NaN as IEEE 754 gives them for the exact sum), means are sums over
// counts, var/stddev merge count, mean and M2 pairwise (Chan et al.),
// min/max/first/last compare values (uint64 as unsigned) or input
// positions, count_distinct unions exact sets, approx_count_distinct takes
// the register-wise max of HyperLogLog sketches (sketch.HLL, precision 14,
// ~0.81 % standard error), list appends each worker's values to one
// store with their group ids and batch runs, and orders them by the runs'
// sequence numbers at the end (so a list is in input order for any
// worker count), the exact quantiles (median, pNN, quantile)
// keep every value, spilled as sorted runs beyond half the memory cap and
// merged at Finish (see quantAcc), and approx_median, approx_pNN and
// approx_quantile keep up to ApproxExactMax values per group and merge
// t-digests beyond (sketch.TDigest, rank error < 0.5 % at the median,
// < 0.05 % at p99).
//
// Output order is the order of each group's first row in the input, the
// same for any worker count: every group records the (batch sequence, row)
// of its earliest row, the sequence being the one Worker.Process receives.
// Merged groups are radix sorted on those positions; the state rows merge a
// block at a time, like updates.
//
// # Ordering
//
// sort buffers its input on a single worker. Each key becomes an unsigned
// number per row that orders as the key (strings by rank), and the rows
// are LSD radix sorted on those numbers, last key first. Past
// verb.Env.MaxMemory (which counts the sort's working space, ~65 bytes a
// row for one key, as well as the batches) it sorts the buffer into a run,
// written to TempDir as a zstd-compressed Arrow IPC stream of batches of
// 16Ki rows (each run open in a merge holds one); Finish merges
// the runs k-way (or sorts in memory if nothing spilled), at most 8..64 runs
// at once (one per 4 MiB of the cap), in several passes if there are more.
// Ties keep input order. top keeps, per worker, the N best
// rows seen (a bounded heap; one key comparison per input row) and merges
// the workers' rows in Finish; above topHeapMaxRows (16Ki), or when the
// heaps would not fit the cap, it runs as a sort that cuts each spilled
// run and the merge to N rows. top N ORDER KEYS (TopBy) keeps, per
// worker, a bounded heap of N rows for each group of a key table, held as
// references into the batches they came from (compacted when those hold
// twice the kept rows); Finish merges the workers' tables and emits each
// group's best N rows sorted, groups in the order of their first row.
// Past the memory cap a worker writes its kept rows, with their group's
// first position and their own, to 32 runs partitioned by key hash and
// starts over; Finish then resolves one partition at a time into a run
// sorted by (first position, ORDER, position) and merges those runs. tail (NewTail)
// keeps the batches of the last N rows on one worker and, past the cap,
// writes them in arrival order to files it drops as newer rows cover the
// window. distinct runs on one worker and passes each
// batch on filtered to the rows whose keys are new (no keys: whole rows);
// DistinctLast (distinct COLS last) holds one row a key to the end and
// emits the latest rows in their input order; past the memory cap it
// writes its rows, with their input positions, to 32 runs partitioned by
// key hash and starts over, and Finish keeps each key's latest row one
// partition at a time, then merges the partitions by position.
//
// Order keys are named as in every verb (stages/internal/colname): bare,
// spaces allowed ('unit price desc'), or in backticks.
//
// # Ownership and concurrency
//
// Workers consume the batches they are given. Batches emitted by Finish or
// returned by Process are allocated from verb.Env.Mem, hold at most
// verb.Env.BatchRows rows (MaxBatchRows when it is 0 or larger) and
// belong to the receiver. A stage's workers share
// only atomic memory counters; Finish runs after all of them. Workers that
// hold Arrow memory or temp files (sort, top) release them when the run's
// ctx is cancelled before Finish. State above verb.Env.MaxMemory is an
// error wrapping ErrMemory (group-by, distinct) or a spill (sort, top,
// distinct last, and the exact quantiles' values in a group-by).
//
// Decimal columns are keys of every verb here, ordered by value, and
// aggregate as DuckDB's: sum(d) is exact, decimal(38,s); mean, var,
// stddev and the quantiles are float64; min, max, first, last,
// count_distinct and list keep the column's type. Values beyond 18
// digits (in a decimal(38,s) column) are an error where a verb reads them.
package aggregate
