package window

import "errors"

var (
	// ErrMemory is returned when the per-group state passes Env.MaxMemory
	// (half of it with lead or a rank, whose held batches spill), or a
	// sample passes it.
	ErrMemory = errors.New("window: over the memory cap")
	// ErrOverflow is returned when an integer sum or difference leaves
	// int64.
	ErrOverflow = errors.New("window: integer overflow")
	// errAborted is returned by a worker called after its run was
	// cancelled and its state released.
	errAborted = errors.New("window: stage state released after cancel")
)
