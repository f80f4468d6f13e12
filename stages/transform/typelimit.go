package transform

import (
	"errors"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/arrowpipe/arrowpipe/stages/expr"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// exprTypeLimit returns err, an expression's compile error, as a
// *verb.TypeError when it is a refusal of a column's type (`column "c":
// unsupported column type T`), so that it is reported as a limit of the
// data; any other error is returned as it is.
func exprTypeLimit(err error, in *arrow.Schema) error {
	var xe *expr.Error
	if !errors.As(err, &xe) || !strings.Contains(xe.Msg, "unsupported column type") {
		return err
	}
	rest, ok := strings.CutPrefix(xe.Msg, "column ")
	if !ok {
		return err
	}
	q, qerr := strconv.QuotedPrefix(rest)
	if qerr != nil {
		return err
	}
	name, _ := strconv.Unquote(q)
	idx := in.FieldIndices(name)
	if len(idx) != 1 {
		return err
	}
	return verb.TypeLimit(name, in.Field(idx[0]).Type, err)
}
