// Package transform provides the row and column verbs as pipeline steps:
// Select, Drop, Rename, Cast, Filter, Derive, Grep, Explode, Head and
// Tail. Each typed
// constructor returns a verb.Verb, the package's API for Go users; a
// chain is built by calling each Verb's Build with the schema the one
// before it outputs. A constructor never fails: a bad argument (Head(-1),
// a missing column, an expression that does not compile) is an error
// from Build, naming the verb.
//
// Verbs returns the same verbs' command-line form: each Spec's Parse turns
// the words (column lists with backtick quoting, OLD=NEW, COL:TYPE,
// NAME = EXPR; ..., N) into the constructor's typed arguments and calls
// it, and Build's errors then point into those words.
//
//	in ──▶ select/drop/rename   rearrange columns, zero-copy (Retain)
//	   ──▶ cast/derive          compute columns with stages/expr, reuse the rest
//	   ──▶ filter / grep        evaluate a predicate, compact all columns once
//	   ──▶ explode              one row per element of a list column
//	   ──▶ head N / tail N      single worker, order-dependent
//
// Cast converts with the to_* functions of stages/expr and treats a
// non-null value that does not convert as an error naming the column, the
// 1-based row within the batch and the value; it never turns bad data into
// nulls silently. A float cast to int rounds halves away from zero, as
// DuckDB's CAST(3.97 AS BIGINT) is 4; NaN, ±Inf and floats outside int64
// are errors. Strings are parsed after trimming spaces, and a string cast
// to int must be an integer ('3.97' is an error, as in DuckDB). A uint64
// cast to int must fit in int64.
//
// Filter keeps rows where the condition is true (null is false). Derive's
// definitions run in order, each seeing the columns the previous ones
// made; a replaced column keeps its position, new ones are appended. An
// integer overflow in filter or derive is an error naming the row (see
// stages/expr), never a wrapped value.
//
// Ownership: every worker consumes the batch it is given (it releases it or
// passes it on) and returns a batch owned by the caller; pass-through
// columns are shared with the input by reference counting, never copied.
//
// Concurrency: a Verb is a value, safe to build many times and from
// several goroutines. Select, Drop, Rename, Cast, Filter and Derive are
// stateless and run env.Workers workers, each with its own expression
// evaluators and scratch buffers. Head and Tail depend on row order across
// batches and run one worker. Head returns pipeline.ErrStop with the batch
// that completes its N rows, so the source stops reading; Tail keeps at
// most N rows plus one batch (the oldest kept batch may be a slice pinning
// its parent's buffers) and emits them from Finish.
package transform
