// Package bench holds arrowpipe's benchmark suite: Go benchmarks for the
// engine's micro costs (handoff per batch, per-stage overhead, steady-state
// allocations), and the scenario matrix behind `arrowpipe bench`, which
// compares copy, shared and auto handoff across batch sizes and worker
// counts. Results measured on the development machine are recorded in
// RESULTS.md next to this file.
package bench
