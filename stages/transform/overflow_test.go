package transform

import (
	"fmt"
	"math"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"

	"github.com/arrowpipe/arrowpipe/stages/expr"
)

// TestDeriveOverflowNamesRowAndColumn: integer overflow in derive and
// filter stops the run with an error naming the column and the row, at
// every batch size and worker count, instead of a wrapped value.
func TestDeriveOverflowNamesRowAndColumn(t *testing.T) {
	schema := arrow.NewSchema([]arrow.Field{{Name: "id", Type: arrow.PrimitiveTypes.Int64}}, nil)
	for _, workers := range []int{1, 4} {
		for _, size := range []int{1, 7, 64, 1000} {
			t.Run(fmt.Sprintf("workers=%d/batch=%d", workers, size), func(t *testing.T) {
				mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
				defer mem.AssertSize(t, 0)
				const n, badRow = 1500, 1234
				mk := func() []arrow.RecordBatch {
					var out []arrow.RecordBatch
					for start := 0; start < n; start += size {
						b := array.NewRecordBuilder(mem, schema)
						for r := start; r < min(start+size, n); r++ {
							v := int64(r)
							if r == badRow {
								v = math.MaxInt64
							}
							b.Field(0).(*array.Int64Builder).Append(v)
						}
						out = append(out, b.NewRecordBatch())
						b.Release()
					}
					return out
				}
				out, err := runVerb(t, mem, schema, "derive", "next = id + 1", workers, mk())
				releaseAll(out)
				assert.ErrorIs(t, err, expr.ErrOverflow)
				assert.ErrorContains(t, err, fmt.Sprintf("derive: next: expr: integer overflow at row %d of the batch: 9223372036854775807 + 1 is outside the range of int64", badRow%size+1))

				out, err = runVerb(t, mem, schema, "filter", "id * 2 > 10", workers, mk())
				releaseAll(out)
				assert.ErrorContains(t, err, fmt.Sprintf("filter: expr: integer overflow at row %d of the batch: 9223372036854775807 * 2", badRow%size+1))
			})
		}
	}
}
