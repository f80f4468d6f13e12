package aggregate

import "errors"

// errAborted is returned by a worker called after its run was cancelled
// (see stages/internal/cancelguard).
var errAborted = errors.New("aggregate: stage state released after cancel")
