package sharedmem_test

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/sharedmem"
)

// TestMeasureSizesEveryType checks the one-walk measurement against the
// separate live and pinned walks, and the live size of fixed-width columns
// against their bit width, for whole batches and slices of every layout.
func TestMeasureSizesEveryType(t *testing.T) {
	for _, dt := range []arrow.DataType{
		arrow.FixedWidthTypes.Boolean,
		arrow.PrimitiveTypes.Int8, arrow.PrimitiveTypes.Uint16, arrow.PrimitiveTypes.Int32,
		arrow.PrimitiveTypes.Float32, arrow.PrimitiveTypes.Int64, arrow.PrimitiveTypes.Uint64,
		arrow.PrimitiveTypes.Float64, arrow.FixedWidthTypes.Date32, arrow.FixedWidthTypes.Date64,
		arrow.FixedWidthTypes.Time32s, arrow.FixedWidthTypes.Time64us, arrow.FixedWidthTypes.Duration_ms,
		&arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"},
		&arrow.Decimal128Type{Precision: 20, Scale: 2},
		arrow.BinaryTypes.String, arrow.BinaryTypes.Binary,
		arrow.BinaryTypes.LargeString, arrow.BinaryTypes.LargeBinary,
		arrow.ListOf(arrow.PrimitiveTypes.Int32),
		arrow.StructOf(arrow.Field{Name: "a", Type: arrow.PrimitiveTypes.Int64}),
	} {
		t.Run(dt.String(), func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			col := filledColumn(t, mem, dt, 1000)
			defer col.Release()
			schema := arrow.NewSchema([]arrow.Field{{Name: "c", Type: dt, Nullable: true}}, nil)
			rec := array.NewRecordBatch(schema, []arrow.Array{col}, int64(col.Len()))
			defer rec.Release()
			slice := rec.NewSlice(100, 150)
			defer slice.Release()

			for name, r := range map[string]arrow.RecordBatch{"whole": rec, "slice": slice} {
				got := sharedmem.MeasureSizes(r)
				assert.Equal(t, sharedmem.Sizes{Live: sharedmem.LiveBytes(r), Pinned: sharedmem.PinnedBytes(r)}, got, name)
				assert.LessOrEqual(t, got.Live, got.Pinned, name)
				assert.Positive(t, got.Live, name)
				if fw, ok := dt.(arrow.FixedWidthDataType); ok && dt.ID() != arrow.BOOL {
					bitmap := int64(0)
					if r.Column(0).Data().Buffers()[0] != nil {
						bitmap = (r.NumRows() + 7) / 8
					}
					assert.Equal(t, bitmap+r.NumRows()*int64(fw.BitWidth()/8), got.Live, name)
				}
			}
			if len(col.Data().Children()) > 0 {
				// Nested layouts are counted by what they pin: never less.
				assert.Equal(t, sharedmem.PinnedBytes(slice), sharedmem.LiveBytes(slice))
			} else {
				assert.Less(t, sharedmem.LiveBytes(slice)*10, sharedmem.LiveBytes(rec), "50 of 1000 rows")
			}
			assert.Equal(t, sharedmem.PinnedBytes(rec), sharedmem.PinnedBytes(slice), "a slice pins its parent's buffers")
		})
	}
}

// filledColumn builds rows values of dt, every seventh one null, through
// the generic builder so that every layout gets the same treatment.
func filledColumn(t *testing.T, mem memory.Allocator, dt arrow.DataType, rows int) arrow.Array {
	t.Helper()
	b := array.NewBuilder(mem, dt)
	defer b.Release()
	for i := 0; i < rows; i++ {
		if i%7 == 0 {
			b.AppendNull()
			continue
		}
		switch vb := b.(type) {
		case *array.StringBuilder:
			vb.Append("value")
		case *array.LargeStringBuilder:
			vb.Append("value")
		case *array.BinaryBuilder:
			vb.Append([]byte("value"))
		case *array.ListBuilder:
			vb.Append(true)
			vb.ValueBuilder().(*array.Int32Builder).Append(int32(i))
		case *array.StructBuilder:
			vb.Append(true)
			vb.FieldBuilder(0).(*array.Int64Builder).Append(int64(i))
		default:
			b.AppendEmptyValue()
		}
	}
	col := b.NewArray()
	require.Equal(t, rows, col.Len())
	return col
}
