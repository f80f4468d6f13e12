// Package join joins the stream with a table: inner, left, right, full,
// semi, anti and as-of joins, streaming, in bounded memory.
//
// The table (the build side, normally the smaller input: a file of
// products or customers) is read once into memory and indexed on its key
// columns; the stream (the probe side, of any size) flows through the
// stage's workers, each batch joined on its own:
//
//	table ─▶ read (own pipeline) ─▶ concatenate ─▶ index: key ─▶ first row ─▶ next rows (table order)
//	stream ─▶ worker 1..n: keys ─▶ lookup ─▶ (stream row, table row) pairs ─▶ take columns ─▶ batch
//	Finish ─▶ right/full: the table rows no worker matched, in table order
//
// New is the typed constructor: New(Left, []KeyPair{{"customer_id", "id"}},
// table, Options{}). The table is any pipeline.Source (a file opened with
// plan.Open, or an array.RecordReader through pipeline.FromRecordReader);
// it is read when the first stream batch arrives, on the run's context,
// and its dictionary columns are decoded.
//
// # Semantics
//
// These follow SQL (and DuckDB's JOIN ... USING):
//   - Null keys never match: a stream row with a null key has no match
//     (kept by left, full, anti and asof, dropped by inner, right and
//     semi), and a table row with one comes out only in right and full.
//   - Duplicates multiply: a stream row matching k table rows comes out k
//     times (inner, left, right, full), once (semi) or not at all (anti).
//   - Order: stream rows keep their order, each with its matches in table
//     order; right and full then emit the unmatched table rows in table
//     order, spilled or not. With pipeline.Config.Unordered batches may
//     come out of order.
//   - Columns: the stream's, then the table's except its equality keys
//     (the stream's key columns hold the key; for the table rows of right
//     and full that matched nothing they take the table's key values). A
//     table column whose name the stream has gets Options.Suffix
//     (DefaultSuffix, "_right"), and if that is taken too Build fails.
//     Semi and anti output the stream's columns only.
//   - Key types: keys compare by value within a class: any signed
//     integers and uint8..uint32 together (int32 = int64), uint64 with
//     uint64, float32 and float64 (-0 = 0, NaN = NaN, as DuckDB),
//     string, large_string and dictionaries of strings, binaries, bool;
//     dates, times, timestamps and durations only with the same type and
//     unit. Anything else (int against string) fails at Build, naming
//     both columns.
//   - As-of: the first key orders (a timestamp, date, time or integer);
//     the others must be equal. Backward (the default) takes the table row
//     with the greatest first key at or before the stream row's (the last
//     of equal ones in table order), Forward the least at or after (the
//     first of equal ones), Nearest the closer (the earlier on a tie).
//     Options.Tolerance bounds the distance. Every stream row comes out,
//     with nulls when nothing matches (Polars' join_asof; DuckDB's ASOF
//     LEFT JOIN). The table's first key column stays in the output (as
//     ts_right when the stream has ts): it says which row matched.
//
// # Memory
//
// The table lives in memory: its Arrow data, concatenated into one array
// per column, plus about 50 bytes a row of index. The stream costs only
// its batches in flight; a batch's output is its rows times their
// matches. With verb.Env.MaxMemory set, a table whose data and index
// outgrow it is spilled: a grace hash join writes the table's rows and
// then the stream's into 32 partition files by a hash of the key (Arrow
// IPC in Env.TempDir), and Finish joins one partition pair at a time, so
// a table up to ~32 times the cap joins within it; every row carries its
// place, and a merge of the partitions' outputs restores the order. A
// spilled join emits everything in Finish. As-of joins do not spill. The stage's Options.Stats count build rows and bytes, spilled
// bytes, probe rows and matches.
//
// # Concurrency and ownership
//
// The workers share the table read-only; each has its own key scratch and,
// for right and full joins, a bitmap of the table rows it matched, merged
// in Finish. Reading the table happens under a write lock, probing under
// a read lock. If the run is cancelled before Finish, the table and the
// spill files are released by a context.AfterFunc, and at the latest by
// the stage's Abort before the failed run returns. Process consumes its
// batch and returns a new one owned by the pipeline; the table's batches
// are the join's until Finish or the cancel.
package join
