package textfmt

import (
	"strconv"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestColumnMatchesArray checks, on sliced arrays with nulls, that a
// Column reads the same values as arrow-go's own accessors.
func TestColumnMatchesArray(t *testing.T) {
	valid := []bool{true, false, true, true, false, true, true, true, true, false, true, true}
	n := len(valid)
	cases := []struct {
		name string
		typ  arrow.DataType
		kind Kind
		fill func(array.Builder, int)
		// want formats value i of the array as Column should.
		want func(arrow.Array, int) string
	}{
		{"type=int8", arrow.PrimitiveTypes.Int8, KindInt,
			func(b array.Builder, i int) { b.(*array.Int8Builder).Append(int8(i*37 - 128)) },
			func(a arrow.Array, i int) string { return a.ValueStr(i) }},
		{"type=int16", arrow.PrimitiveTypes.Int16, KindInt,
			func(b array.Builder, i int) { b.(*array.Int16Builder).Append(int16(i * -3001)) },
			func(a arrow.Array, i int) string { return a.ValueStr(i) }},
		{"type=int32", arrow.PrimitiveTypes.Int32, KindInt,
			func(b array.Builder, i int) { b.(*array.Int32Builder).Append(int32(i * -300001)) },
			func(a arrow.Array, i int) string { return a.ValueStr(i) }},
		{"type=uint8", arrow.PrimitiveTypes.Uint8, KindInt,
			func(b array.Builder, i int) { b.(*array.Uint8Builder).Append(uint8(i * 23)) },
			func(a arrow.Array, i int) string { return a.ValueStr(i) }},
		{"type=uint16", arrow.PrimitiveTypes.Uint16, KindInt,
			func(b array.Builder, i int) { b.(*array.Uint16Builder).Append(uint16(i * 6007)) },
			func(a arrow.Array, i int) string { return a.ValueStr(i) }},
		{"type=uint32", arrow.PrimitiveTypes.Uint32, KindInt,
			func(b array.Builder, i int) { b.(*array.Uint32Builder).Append(uint32(i) * 400000007) },
			func(a arrow.Array, i int) string { return a.ValueStr(i) }},
		{"type=bool", arrow.FixedWidthTypes.Boolean, KindBool,
			func(b array.Builder, i int) { b.(*array.BooleanBuilder).Append(i%3 == 0) },
			func(a arrow.Array, i int) string { return a.ValueStr(i) }},
		{"type=float64", arrow.PrimitiveTypes.Float64, KindFloat,
			func(b array.Builder, i int) { b.(*array.Float64Builder).Append(float64(i)*1.25 - 3) },
			func(a arrow.Array, i int) string {
				return strconv.FormatFloat(a.(*array.Float64).Value(i), 'f', -1, 64)
			}},
		{"type=timestamp", &arrow.TimestampType{Unit: arrow.Millisecond, TimeZone: "UTC"}, KindTimestamp,
			func(b array.Builder, i int) {
				b.(*array.TimestampBuilder).Append(arrow.Timestamp(int64(i) * 86_399_999))
			},
			func(a arrow.Array, i int) string {
				return time.UnixMilli(int64(a.(*array.Timestamp).Value(i))).UTC().Format(time.RFC3339Nano)
			}},
		{"type=date64", arrow.FixedWidthTypes.Date64, KindDate,
			func(b array.Builder, i int) { b.(*array.Date64Builder).Append(arrow.Date64(int64(i-5) * 86_400_000)) },
			func(a arrow.Array, i int) string { return a.(*array.Date64).Value(i).FormattedString() }},
		{"type=large_string", arrow.BinaryTypes.LargeString, KindString,
			func(b array.Builder, i int) { b.(*array.LargeStringBuilder).Append(strconv.Itoa(i) + "x") },
			func(a arrow.Array, i int) string { return a.ValueStr(i) }},
		{"type=time64", arrow.FixedWidthTypes.Time64us, KindTime,
			func(b array.Builder, i int) {
				b.(*array.Time64Builder).Append(arrow.Time64(int64(i) * 860_123_457 % 86_400_000_000))
			},
			func(a arrow.Array, i int) string {
				return time.Time{}.Add(time.Duration(a.(*array.Time64).Value(i)) * time.Microsecond).Format("15:04:05.999999")
			}},
		{"type=time64ns", arrow.FixedWidthTypes.Time64ns, KindTime,
			func(b array.Builder, i int) {
				b.(*array.Time64Builder).Append(arrow.Time64(int64(i) * 860_123_456_789 % 86_400_000_000_000))
			},
			func(a arrow.Array, i int) string {
				return time.Time{}.Add(time.Duration(a.(*array.Time64).Value(i))).Format("15:04:05.999999999")
			}},
		{"type=time32", arrow.FixedWidthTypes.Time32ms, KindTime,
			func(b array.Builder, i int) { b.(*array.Time32Builder).Append(arrow.Time32(i * 860_120 % 86_400_000)) },
			func(a arrow.Array, i int) string {
				return time.Time{}.Add(time.Duration(a.(*array.Time32).Value(i)) * time.Millisecond).Format("15:04:05.999")
			}},
		{"type=time32s", arrow.FixedWidthTypes.Time32s, KindTime,
			func(b array.Builder, i int) { b.(*array.Time32Builder).Append(arrow.Time32(i * 863 % 86_400)) },
			func(a arrow.Array, i int) string {
				return time.Time{}.Add(time.Duration(a.(*array.Time32).Value(i)) * time.Second).Format("15:04:05")
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			b := array.NewBuilder(mem, c.typ)
			defer b.Release()
			for i := range n {
				if valid[i] {
					c.fill(b, i)
				} else {
					b.AppendNull()
				}
			}
			whole := b.NewArray()
			defer whole.Release()
			arr := array.NewSlice(whole, 3, int64(n))
			defer arr.Release()

			var col Column
			col.Reset(arr)
			require.Equal(t, c.kind, col.Kind())
			for i := range arr.Len() {
				require.Equal(t, !valid[i+3], col.IsNull(i), "row %d", i)
				if col.IsNull(i) || c.want == nil {
					continue
				}
				var got string
				if c.kind == KindString {
					got = col.Text(i)
				} else {
					got = string(col.AppendText(nil, i))
				}
				assert.Equal(t, c.want(arr, i), got, "row %d", i)
				if c.kind == KindFloat {
					assert.Equal(t, arr.(*array.Float64).Value(i), col.Float(i))
				}
			}
		})
	}
}
