package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestGuardStallsOnlyNonRegularFiles(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "out")
	require.NoError(t, err)
	defer f.Close()
	assert.Same(t, f, guardStalls(context.Background(), f), "a regular file is written directly")

	r, w, err := os.Pipe()
	require.NoError(t, err)
	defer r.Close()
	defer w.Close()
	g, ok := guardStalls(context.Background(), w).(*stallGuard)
	require.True(t, ok, "a pipe is guarded")
	assert.Equal(t, w.Fd(), g.Fd(), "terminal checks see the guarded descriptor")
}

func TestStallGuardPassesWritesAndErrors(t *testing.T) {
	r, w, err := os.Pipe()
	require.NoError(t, err)
	defer w.Close()
	g := newStallGuard(context.Background(), w, time.Second)
	got := make(chan []byte, 1)
	go func() {
		b, _ := io.ReadAll(r)
		got <- b
	}()
	want := bytes.Repeat([]byte("0123456789abcdef"), 64<<10) // 1 MiB: more than a pipe holds
	n, err := g.Write(want)
	require.NoError(t, err)
	assert.Equal(t, len(want), n)
	n, err = g.Write([]byte("end\n"))
	require.NoError(t, err)
	assert.Equal(t, 4, n)
	require.NoError(t, w.Close())
	select {
	case b := <-got:
		assert.Equal(t, append(want, "end\n"...), b)
	case <-time.After(10 * time.Second):
		t.Fatal("reader timed out")
	}
	require.NoError(t, r.Close())

	// The file's own errors come through unchanged.
	r2, w2, err := os.Pipe()
	require.NoError(t, err)
	defer w2.Close()
	require.NoError(t, r2.Close())
	_, err = newStallGuard(context.Background(), w2, time.Second).Write([]byte("x"))
	assert.ErrorIs(t, err, syscall.EPIPE)
}

// A write blocked on a pipe nobody reads is given up once the context is
// done and the grace period is over; later writes fail at once.
func TestStallGuardGivesUpAfterInterrupt(t *testing.T) {
	for _, cancelFirst := range []bool{false, true} {
		name := "cancel=during-write"
		if cancelFirst {
			name = "cancel=before-write"
		}
		t.Run(name, func(t *testing.T) {
			r, w, err := os.Pipe()
			require.NoError(t, err)
			defer w.Close()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			const grace = 50 * time.Millisecond
			g := newStallGuard(ctx, w, grace)
			if cancelFirst {
				cancel()
			} else {
				time.AfterFunc(100*time.Millisecond, cancel)
			}
			type result struct {
				err  error
				took time.Duration
			}
			done := make(chan result, 1)
			go func() {
				start := time.Now()
				_, err := g.Write(make([]byte, 1<<20)) // fills the pipe and blocks
				done <- result{err, time.Since(start)}
			}()
			select {
			case res := <-done:
				assert.ErrorIs(t, res.err, errStalled)
				assert.GreaterOrEqual(t, res.took, grace)
				assert.Less(t, res.took, 2*time.Second)
			case <-time.After(10 * time.Second):
				t.Fatal("the stalled write was not given up")
			}
			start := time.Now()
			_, err = g.Write([]byte("x"))
			assert.ErrorIs(t, err, errStalled)
			assert.Less(t, time.Since(start), grace, "after one stall every write fails at once")
			// Let the abandoned write end (EPIPE), so no goroutine is left.
			require.NoError(t, r.Close())
		})
	}
}
