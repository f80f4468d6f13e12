package verb

import (
	"errors"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
)

// A TypeError is a verb's refusal of a column's type: the data, not the
// command, is what the verb cannot take, so it is reported as a data
// error with what to do (cast the column, or leave it out), not as a
// mistake in the command line. The stage packages wrap their message in
// it; plan fills Verb.
type TypeError struct {
	Verb   string         // the verb refusing, set by plan when empty
	Column string         // the column, or "" when Err names it
	Type   arrow.DataType // the column's type
	Hint   string         // what to do, when the verb knows better than Advice's default
	Err    error          // the stage's own message
}

// TypeLimit wraps err, a refusal of column col's type dt.
func TypeLimit(col string, dt arrow.DataType, err error) *TypeError {
	return &TypeError{Column: col, Type: dt, Err: err}
}

func (e *TypeError) Error() string { return e.Err.Error() }

func (e *TypeError) Unwrap() error { return e.Err }

// Advice says what to do about the refused column.
func (e *TypeError) Advice() string {
	if e.Hint != "" {
		return e.Hint
	}
	if e.Column == "" {
		return fmt.Sprintf("%s cannot use a column of type %s: cast it to a type %s takes (cast COL:string, cast COL:float ...) or leave it out (select other columns)", e.Verb, e.Type, e.Verb)
	}
	return fmt.Sprintf("%s cannot use column %q of type %s: cast it to a type %s takes (cast %s:string, cast %s:float ...) or leave it out (select other columns)", e.Verb, e.Column, e.Type, e.Verb, e.Column, e.Column)
}

// NameColumn sets the column of the TypeError err wraps, when its site
// did not know it, and returns err.
func NameColumn(err error, col string) error {
	var te *TypeError
	if errors.As(err, &te) && te.Column == "" {
		te.Column = col
	}
	return err
}
