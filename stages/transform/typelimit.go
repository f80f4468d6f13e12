package transform

import (
	"errors"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/arrowpipe/arrowpipe/stages/expr"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// exprTypeLimit returns err, an expression's compile error, as a
// *verb.TypeError when it is a refusal of a column's type
// (expr.Error.TypeColumn), so that it is reported as a limit of the
// data; any other error is returned as it is.
func exprTypeLimit(err error, in *arrow.Schema) error {
	var xe *expr.Error
	if !errors.As(err, &xe) || xe.TypeColumn == "" {
		return err
	}
	idx := in.FieldIndices(xe.TypeColumn)
	if len(idx) != 1 {
		return err
	}
	return verb.TypeLimit(xe.TypeColumn, in.Field(idx[0]).Type, err)
}
