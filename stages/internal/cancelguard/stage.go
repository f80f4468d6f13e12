package cancelguard

import "github.com/arrowpipe/arrowpipe/pipeline"

// StageAbort returns a pipeline.Stage.Abort that aborts the guard of each
// of the stage's workers, which are all of type W.
func StageAbort[W pipeline.Worker](guardOf func(W) *Guard) func([]pipeline.Worker) {
	return func(workers []pipeline.Worker) {
		for _, w := range workers {
			guardOf(w.(W)).Abort()
		}
	}
}
