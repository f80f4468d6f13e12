// Package transform provides the row and column verbs of the command line
// as pipeline stages: select, drop, rename, cast, filter, derive, head and
// tail. Verbs returns their specs; each Build checks its arguments against
// the schema that reaches it and returns the stage with its output schema.
//
//	in ──▶ select/drop/rename   rearrange columns, zero-copy (Retain)
//	   ──▶ cast/derive          compute columns with stages/expr, reuse the rest
//	   ──▶ filter               evaluate a predicate, compact all columns once
//	   ──▶ head N / tail N      single worker, order-dependent
//
// cast COL:TYPE converts with the to_* functions of stages/expr and treats
// a non-null value that does not convert as an error naming the column, the
// 1-based row within the batch and the value; it never turns bad data into
// nulls silently. A float cast to int rounds halves away from zero, as
// DuckDB's CAST(3.97 AS BIGINT) is 4; NaN, ±Inf and floats outside int64
// are errors. Strings are parsed after trimming spaces, and a string cast
// to int must be an integer ('3.97' is an error, as in DuckDB). A uint64
// cast to int must fit in int64.
//
// filter keeps rows where the condition is true (null is false). derive
// assignments run left to right, each seeing the columns the previous ones
// made; a replaced column keeps its position, new ones are appended. An
// integer overflow in filter or derive is an error naming the row (see
// stages/expr), never a wrapped value.
//
// Ownership: every worker consumes the batch it is given (it releases it or
// passes it on) and returns a batch owned by the caller; pass-through
// columns are shared with the input by reference counting, never copied.
//
// Concurrency: select, drop, rename, cast, filter and derive are stateless
// and run env.Workers workers, each with its own expression evaluators and
// scratch buffers. head and tail depend on row order across batches and run
// one worker. head returns pipeline.ErrStop with the batch that completes
// its N rows, so the source stops reading; tail keeps at most N rows plus
// one batch (the oldest kept batch may be a slice pinning its parent's
// buffers) and emits them from Finish.
package transform
