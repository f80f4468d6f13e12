package rowtest

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// Rows reads batches back into Go values.
func Rows(t testing.TB, recs []arrow.RecordBatch) []Row {
	t.Helper()
	var out []Row
	for _, rec := range recs {
		for i := range int(rec.NumRows()) {
			r := make(Row, rec.NumCols())
			for c, col := range rec.Columns() {
				if !col.IsNull(i) {
					r[c] = value(t, col, i)
				}
			}
			out = append(out, r)
		}
	}
	return out
}

func value(t testing.TB, col arrow.Array, i int) any {
	switch a := col.(type) {
	case *array.String:
		return a.Value(i)
	case *array.LargeString:
		return a.Value(i)
	case *array.Int64:
		return a.Value(i)
	case *array.Int32:
		return a.Value(i)
	case *array.Float64:
		return a.Value(i)
	case *array.Boolean:
		return a.Value(i)
	case *array.Date32:
		return a.Value(i)
	case *array.Timestamp:
		return a.Value(i)
	case *array.List:
		start, end := a.ValueOffsets(i)
		out := make([]any, 0, end-start)
		for j := int(start); j < int(end); j++ {
			if a.ListValues().IsNull(j) {
				out = append(out, nil)
				continue
			}
			out = append(out, value(t, a.ListValues(), j))
		}
		return out
	}
	t.Fatalf("rowtest: no value of %T", col)
	return nil
}
