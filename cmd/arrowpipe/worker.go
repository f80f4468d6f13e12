package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/spf13/pflag"

	"github.com/arrowpipe/arrowpipe/sharedmem"
	"github.com/arrowpipe/arrowpipe/stages/cluster"
)

// runWorker is `arrowpipe worker`: take tasks from the cluster and run
// them, one at a time on all of this machine's cores, until a signal stops
// it, which is its normal end (exit status 0).
func runWorker(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := pflag.NewFlagSet("arrowpipe worker", pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	url := fs.String("cluster", "", "NATS URL of the cluster, nats://[USER:PASS@]HOST:4222 (required)")
	workers := fs.Int("workers", 0, "workers per CPU-bound stage of a task (default: GOMAXPROCS)")
	ackWait := fs.Duration("ack-wait", 30*time.Second, "a task without a heartbeat for this long goes to another worker")
	maxDeliver := fs.Int("max-deliver", 4, "tries of a task before its job fails with the task's error")
	maxMemory := fs.String("max-memory", "1GiB", "memory cap for the state of a task's stateful stages")
	tempDir := fs.String("temp-dir", "", "directory for spill files (default: the system's)")
	handoff := fs.String("handoff", "auto", "how batches cross between stages: copy, shared or auto")
	name := fs.String("name", "", "this worker's name in results (default: a random id)")
	verbose := fs.BoolP("verbose", "v", false, "log each task on stderr")
	help := fs.BoolP("help", "h", false, "show this help")
	if err := fs.Parse(args); err != nil {
		return &usageError{"worker: " + err.Error()}
	}
	if *help {
		fmt.Fprintf(stdout, "Usage: arrowpipe worker --cluster nats://HOST:4222 [FLAGS]\n\n%s", fs.FlagUsages())
		return nil
	}
	switch {
	case fs.NArg() > 0:
		return &usageError{fmt.Sprintf("worker: unexpected argument %q", fs.Arg(0))}
	case *url == "":
		return &usageError{"worker: --cluster nats://HOST:PORT is required"}
	case *workers < 0 || *maxDeliver < 1 || *ackWait < time.Second:
		return &usageError{"worker: --workers must not be negative, --max-deliver at least 1, --ack-wait at least 1s"}
	}
	opts := cluster.WorkerOptions{AckWait: *ackWait, MaxDeliver: *maxDeliver, Name: *name}
	mode, err := sharedmem.ParseMode(*handoff)
	if err != nil {
		return &usageError{"worker: " + err.Error()}
	}
	if opts.Env.MaxMemory, err = parseBytes(*maxMemory); err != nil {
		return &usageError{"worker: --max-memory: " + err.Error()}
	}
	pool := sharedmem.NewPool(0)
	opts.Env.Mem, opts.Env.Workers, opts.Env.TempDir = pool, *workers, *tempDir
	opts.Config.Mem, opts.Config.Handoff.Mode = pool, mode
	opts.Config.DecodeWorkers, opts.Config.EncodeWorkers = *workers, *workers
	if *verbose {
		opts.Log = stderr
	}
	nc, js, err := cluster.Connect(*url, "arrowpipe worker")
	if err != nil {
		return err
	}
	defer nc.Close()
	err = cluster.Work(ctx, js, opts)
	if errors.Is(context.Cause(ctx), errInterrupted) {
		// A signal is how a worker is stopped (by --cluster local:N too):
		// its running task goes back to the queue, and nothing failed.
		return nil
	}
	return err
}
