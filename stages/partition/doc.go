// Package partition writes one stream of batches as many files: one
// directory per distinct value of the partition columns, hive style
// (DIR/region=EU/part-00001.csv), and optionally a new numbered file every
// SplitRows rows or SplitBytes bytes; with no partition columns the
// numbered files go straight into DIR.
//
//	Write ─▶ route rows by key ─┬─▶ open writer (first MaxOpen keys) ─▶ file
//	                            └─▶ buffer ─(over MemoryBudget)─▶ spill run (Arrow IPC)
//	Close ─▶ close open writers; for each group of deferred keys (at most
//	         MaxOpen, with at most MemoryBudget of rows together):
//	         open writers, copy their rows from every run then memory, close
//	Commit ─▶ rename the staging directory onto DIR
//
// Memory and files are bounded whatever the number of keys: at most
// MaxOpen files are open for writing at once (plus one spill run), and the
// rows of keys that found no free writer wait in memory up to
// MemoryBudget, then in spill runs on disk, which Close reads back a group
// of keys at a time: as many keys as have MemoryBudget of rows together,
// since an open file may buffer all of its rows (a Parquet row group). Rows keep their order within each partition. The
// partition columns are not written in the files (the path holds them);
// reading DIR back yields them again as columns (stages/plan).
//
// With a Template (-o 'out/region={region}/part.parquet') the columns in
// braces are the keys and each key has the one file the template names
// under its root directory; a column in a hive-style directory segment
// (name={name}) is left out of the files as above, one only in the file
// name or another segment stays in them (see Template).
//
// Values become path segments through package hive, which escapes them
// so that no value (../../etc, a/b, empty, null) names anything outside
// its own directory.
//
// All or nothing: everything is written under a hidden staging directory
// next to DIR (.NAME.tmp-*), and Commit renames it onto DIR; Abort, or a
// failed run, removes it and leaves DIR as it was. An existing DIR must be
// empty unless Options.Overwrite, which replaces it whole at Commit
// (renamed aside, then removed), never merging old and new files.
//
// Concurrency: a Sink is a pipeline.Sink; Write and Close run on the
// pipeline's writer goroutine, Commit and Abort after Run. It starts no
// goroutine.
package partition
