package transform

import (
	"errors"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/expr"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// itemError is a Build error about the k-th item of a constructor's
// arguments: a column name or a definition. Err points into the item's
// own text; the command-line form moves it into the word the item was
// parsed from (see located), so that the caret points at it there.
type itemError struct {
	verb   string
	prefix string // what precedes Err in the message: derive's "NAME: "
	k      int
	err    *expr.Error
	// bare prints Err without position: the item is a column name given
	// in Go, where a caret under it would say nothing more.
	bare bool
}

func (e *itemError) Error() string {
	if !e.bare {
		return e.verb + ": " + e.prefix + e.err.Error()
	}
	msg := e.verb + ": " + e.prefix + e.err.Msg
	if e.err.Hint != "" {
		msg += ", did you mean " + strconv.Quote(e.err.Hint) + "?"
	}
	return msg
}

func (e *itemError) Unwrap() error { return e.err }

// located returns v with Build errors about its k-th item pointing into
// word at offset offs[k]: the command line's words the items came from.
func located(v verb.Verb, word string, offs []int) verb.Verb {
	build := v.Build
	v.Build = func(env verb.Env, in *arrow.Schema) (pipeline.Stage, *arrow.Schema, error) {
		st, out, err := build(env, in)
		var ie *itemError
		if errors.As(err, &ie) && ie.k < len(offs) {
			var te *verb.TypeError
			isType := errors.As(err, &te)
			moved := *ie.err
			moved.Src, moved.Pos = word, offs[ie.k]+ie.err.Pos
			err = &itemError{verb: ie.verb, prefix: ie.prefix, k: ie.k, err: &moved}
			if isType {
				err = &verb.TypeError{Column: te.Column, Type: te.Type, Hint: te.Hint, Err: err}
			}
		}
		return st, out, err
	}
	return v
}
