package plan

import "fmt"

// A UsageError is a mistake in how a chain or its options are written (an
// unknown verb, a missing argument, an option that does not apply), as
// opposed to bad data or a failed read.
type UsageError struct{ Msg string }

func (e *UsageError) Error() string { return e.Msg }

func usage(msg string) error { return &UsageError{Msg: msg} }

// A WorkersError asks more than one worker of a stage that runs on one
// (Options.StageWorkers).
type WorkersError struct {
	Stage   string
	Workers int
}

func (e *WorkersError) Error() string {
	return fmt.Sprintf("%s runs on one worker, not %d (its result depends on row order or one shared state)", e.Stage, e.Workers)
}
