package cancelguard

import (
	"context"
	"sync"
)

// Guard is the lock and cancel hook around one worker's state.
type Guard struct {
	mu      sync.Mutex
	stop    func() bool
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
		g.stop = context.AfterFunc(ctx, func() {
			g.mu.Lock()
			defer g.mu.Unlock()
			if !g.aborted {
				g.aborted = true
				release()
			}
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
