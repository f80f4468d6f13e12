package cluster

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/arrowpipe/arrowpipe/sharedmem"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// Environment of a test binary started as a worker process.
const (
	envWorkerURL = "ARROWPIPE_TEST_WORKER_URL"
	envAckWait   = "ARROWPIPE_TEST_ACK_WAIT"
	envHandoff   = "ARROWPIPE_TEST_HANDOFF"
)

// TestMain doubles as a worker process: with ARROWPIPE_TEST_WORKER_URL
// set, the test binary runs Work against that server until SIGTERM.
func TestMain(m *testing.M) {
	if url := os.Getenv(envWorkerURL); url != "" {
		os.Exit(workerMain(url))
	}
	goleak.VerifyTestMain(m)
}

func workerMain(url string) int {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	nc, js, err := Connect(url, "arrowpipe-test-worker")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer nc.Close()
	ackWait, _ := time.ParseDuration(os.Getenv(envAckWait))
	pool := sharedmem.NewPool(0)
	opts := WorkerOptions{AckWait: ackWait, MaxDeliver: 3, Log: os.Stderr,
		Env: verb.Env{Mem: pool, Workers: 2}}
	opts.Config.Mem = pool
	if opts.Config.Handoff.Mode, err = sharedmem.ParseMode(os.Getenv(envHandoff)); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if err := Work(ctx, js, opts); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}
