package rowtest

import (
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/require"
)

func TestRowsRoundTrip(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.DefaultAllocator)
	defer mem.AssertSize(t, 0)
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "i", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "j", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
		{Name: "f", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		{Name: "b", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
		{Name: "d", Type: arrow.FixedWidthTypes.Date32, Nullable: true},
		{Name: "ts", Type: arrow.FixedWidthTypes.Timestamp_us, Nullable: true},
	}, nil)
	rows := []Row{
		{"a", int64(1), int32(2), 1.5, true, arrow.Date32(3), arrow.Timestamp(4)},
		{nil, nil, nil, nil, nil, nil, nil},
		{"", int64(-1), int32(-2), -0.5, false, arrow.Date32(-3), arrow.Timestamp(-4)},
	}
	parts := Split(rand.New(rand.NewPCG(1, 2)), rows, 2)
	var n int
	for _, p := range parts {
		n += len(p)
	}
	require.Equal(t, len(rows), n)
	recs := Batches(t, mem, schema, parts)
	require.Equal(t, rows, Rows(t, recs))
	for _, r := range recs {
		r.Release()
	}
}
