package cancelguard

import (
	"context"
	"sync"
)

// Guard is the lock and cancel hook around one worker's state.
type Guard struct {
	mu      sync.Mutex
	stop    func() bool
	release func()
	aborted bool
}

// Enter locks the state; on the first call it arranges for release to run
// when ctx is done. It returns false, not holding the lock, when the state
// is already released.
func (g *Guard) Enter(ctx context.Context, release func()) bool {
	g.mu.Lock()
	if g.aborted {
		g.mu.Unlock()
		return false
	}
	if g.stop == nil {
		g.release = release
		g.stop = context.AfterFunc(ctx, func() {
			g.mu.Lock()
			defer g.mu.Unlock()
			g.abortLocked()
		})
	}
	return true
}

// Leave unlocks the state.
func (g *Guard) Leave() { g.mu.Unlock() }

// Done marks the state released for good (after Finish, or a failure) and
// drops the cancel hook. Call it between Enter and Leave.
func (g *Guard) Done() {
	g.aborted = true
	if g.stop != nil {
		g.stop()
	}
}

// Abort runs the release now, unless it ran or Done was called, and drops
// the cancel hook; a release the hook already started is waited for. A
// stage's pipeline.Stage.Abort calls it, so the state is gone when the run
// returns rather than some time after.
func (g *Guard) Abort() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.stop != nil {
		g.stop()
	}
	g.abortLocked()
}

func (g *Guard) abortLocked() {
	if !g.aborted && g.release != nil {
		g.aborted = true
		g.release()
	}
}
