package plan

import (
	"cmp"
	"errors"
	"fmt"
	"strings"

	"github.com/arrowpipe/arrowpipe/stages/verb"
)

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

// buildError is a verb's Build error as plan reports it: a *verb.TypeError
// passes through (with the verb's name, a data error), anything else is a
// mistake in the command, a *UsageError.
func buildError(name string, err error) error {
	var te *verb.TypeError
	if errors.As(err, &te) {
		wrapped := err
		if !strings.HasPrefix(err.Error(), name+":") {
			wrapped = fmt.Errorf("%s: %w", name, err)
		}
		return &verb.TypeError{Verb: cmp.Or(te.Verb, name), Column: te.Column, Type: te.Type, Hint: te.Hint, Err: wrapped}
	}
	return usage(prefixed(name, err))
}
