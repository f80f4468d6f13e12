package window

import (
	"context"
	"sync"
)

// guard releases a worker's held batches when the run is cancelled before
// Finish: the pipeline has no other hook for that. Process and Finish hold
// it while they touch the state; the release runs under it too, from
// context.AfterFunc. (The same shape as aggregate's guard.)
type guard struct {
	mu      sync.Mutex
	stop    func() bool
	aborted bool
}

// enter locks the state; on the first call it arranges for release to run
// when ctx is done. It returns false when the state is already released.
func (g *guard) enter(ctx context.Context, release func()) bool {
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

func (g *guard) leave() { g.mu.Unlock() }

// done marks the state released for good and drops the cancel hook. Call
// it under enter.
func (g *guard) done() {
	g.aborted = true
	if g.stop != nil {
		g.stop()
	}
}
