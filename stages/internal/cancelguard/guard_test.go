package cancelguard

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestReleaseOnCancel(t *testing.T) {
	var g Guard
	ctx, cancel := context.WithCancel(context.Background())
	released := make(chan struct{})
	require.True(t, g.Enter(ctx, func() { close(released) }))
	g.Leave()
	cancel()
	select {
	case <-released:
	case <-time.After(5 * time.Second):
		t.Fatal("release did not run on cancel")
	}
	assert.False(t, g.Enter(ctx, func() {}), "the state is gone")
}

func TestDoneDropsTheHook(t *testing.T) {
	var g Guard
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	require.True(t, g.Enter(ctx, func() { calls++ }))
	g.Done()
	g.Leave()
	cancel()
	time.Sleep(10 * time.Millisecond)
	assert.Zero(t, calls, "no release after Done")
	assert.False(t, g.Enter(ctx, func() {}))
}

// The release waits for a worker inside the guard.
func TestReleaseWaitsForLeave(t *testing.T) {
	var g Guard
	ctx, cancel := context.WithCancel(context.Background())
	released := make(chan struct{})
	require.True(t, g.Enter(ctx, func() { close(released) }))
	cancel()
	select {
	case <-released:
		t.Fatal("released while the state was held")
	case <-time.After(20 * time.Millisecond):
	}
	g.Leave()
	select {
	case <-released:
	case <-time.After(5 * time.Second):
		t.Fatal("release did not run after Leave")
	}
}

// Abort releases at once, and only once, however the hook races it.
func TestAbortReleasesOnce(t *testing.T) {
	for range 200 {
		var g Guard
		ctx, cancel := context.WithCancel(context.Background())
		var calls atomic.Int32
		require.True(t, g.Enter(ctx, func() { calls.Add(1) }))
		g.Leave()
		cancel()
		g.Abort()
		require.Equal(t, int32(1), calls.Load(), "released when Abort returns")
		g.Abort()
		time.Sleep(time.Microsecond)
		require.Equal(t, int32(1), calls.Load(), "released once")
	}
}

// Abort after Done, or with nothing entered, releases nothing.
func TestAbortAfterDone(t *testing.T) {
	var g Guard
	g.Abort()
	calls := 0
	require.True(t, g.Enter(context.Background(), func() { calls++ }))
	g.Done()
	g.Leave()
	g.Abort()
	assert.Zero(t, calls)
}
