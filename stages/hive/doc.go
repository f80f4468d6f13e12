// Package hive is the one place that says how partition values are written
// in paths: the "key=value" directory segments of a hive-style partitioned
// tree (year=2026/month=01/part-00001.parquet).
//
//	value ──Segment──▶ "key=escaped" ──(directory name)──▶ Parse ──▶ key, value
//
// Segment escapes a value so that it is always exactly one safe path
// segment: "/", "\\", "%", "=", control bytes and the other characters
// that file systems or shells treat specially become %XX (upper-case hex);
// "." and ".." have their dots escaped; a null is __HIVE_DEFAULT_PARTITION__
// (the Hive, Spark and DuckDB convention); an empty string is
// "__HIVE_EMPTY__"; and a value that itself begins with "_" has that
// underscore escaped, so neither token can be produced by a real value.
// Parse undoes exactly this, so a tree written by arrowpipe reads back
// with the same values, and it also reads the percent-escapes that other
// writers use. Nothing here touches the file system; all functions are
// pure and safe for concurrent use.
package hive
