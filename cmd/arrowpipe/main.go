// Command arrowpipe streams tabular data (CSV, TSV, NDJSON, Arrow IPC,
// Parquet; gzip or zstd compressed; files or pipes) through a chain of verbs
// on a staged pipeline of Arrow record batches.
//
// Usage:
//
//	arrowpipe [FLAGS] [VERB ARGS [then VERB ARGS]...] [FILE...]
//	arrowpipe gen --rows N [--seed S] [--format csv|ndjson] [-o FILE]
//	arrowpipe [FLAGS] schema [FLAGS] [FILE...]
//	arrowpipe bench [--quick] [--out DIR]
//
// Run arrowpipe --help for the flags and verbs.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/arrowpipe/arrowpipe/stages/input"
)

func main() {
	// A closed stdout (arrowpipe ... | head) makes writes fail with EPIPE,
	// which ends the run quietly with status 0, instead of killing the
	// process with SIGPIPE.
	signal.Ignore(syscall.SIGPIPE)
	ctx, stop := interruptContext(context.Background(), os.Stderr)
	// A pipe on stdin is read through the poller, so that closing it
	// unblocks a read that waits for a line that may never come.
	stdin := input.InterruptibleStdin(os.Stdin)
	if stdin != os.Stdin {
		// On interrupt, wake any read still waiting on the pipe.
		context.AfterFunc(ctx, func() { stdin.Close() })
	}
	// A pipe or terminal on stdout or stderr may stop taking data (a
	// pager waiting for a key): after an interrupt, writes to it are given
	// up instead of holding the run open.
	stdout := guardStalls(ctx, os.Stdout)
	if closedAtStart(os.Stdout) {
		stdout = closedWriter{}
	}
	code := run(ctx, os.Args[1:], stdin, stdout, guardStalls(ctx, os.Stderr))
	stop()
	os.Exit(code)
}
