package textfmt

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/arrowpipe/arrowpipe/stages/internal/arrowtype"
)

// Bind points cols at rec's columns for a text encoder, reusing cols'
// storage, after checking that rec matches the output schema want. The
// columns borrow rec's arrays: call Unbind once the batch is encoded.
func Bind(cols []Column, want *arrow.Schema, rec arrow.RecordBatch) ([]Column, error) {
	if int(rec.NumCols()) != want.NumFields() {
		return cols, fmt.Errorf("batch has %d columns, the output schema %d", rec.NumCols(), want.NumFields())
	}
	for j := range want.NumFields() {
		f := want.Field(j)
		if got := rec.Column(j).DataType(); !arrowtype.Same(got, f.Type) {
			return cols, fmt.Errorf("column %d %q is %s in the batch, %s in the output schema", j+1, f.Name, got, f.Type)
		}
	}
	if cap(cols) < int(rec.NumCols()) {
		cols = make([]Column, rec.NumCols())
	}
	cols = cols[:rec.NumCols()]
	for j := range cols {
		cols[j].Reset(rec.Column(j))
	}
	return cols, nil
}

// Unbind drops the arrays that Bind lent to cols.
func Unbind(cols []Column) {
	for j := range cols {
		cols[j] = Column{}
	}
}
