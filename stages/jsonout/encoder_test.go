package jsonout

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEncodeTypes(t *testing.T) {
	cases := []struct {
		name string
		typ  arrow.DataType
		fill func(array.Builder)
		want string
	}{
		{"type=int64", arrow.PrimitiveTypes.Int64, func(b array.Builder) {
			b.(*array.Int64Builder).AppendValues([]int64{0, math.MinInt64}, nil)
			b.AppendNull()
		}, `{"v":0}` + "\n" + `{"v":-9223372036854775808}` + "\n" + `{"v":null}` + "\n"},
		{"type=uint32", arrow.PrimitiveTypes.Uint32, func(b array.Builder) {
			b.(*array.Uint32Builder).AppendValues([]uint32{math.MaxUint32}, nil)
		}, `{"v":4294967295}` + "\n"},
		{"type=float64", arrow.PrimitiveTypes.Float64, func(b array.Builder) {
			b.(*array.Float64Builder).AppendValues([]float64{12.5, 3, 1e-7, math.NaN(), math.Inf(1), math.Inf(-1)}, nil)
			b.AppendNull()
		}, `{"v":12.5}` + "\n" + `{"v":3.0}` + "\n" + `{"v":1e-7}` + "\n" + `{"v":NaN}` + "\n" + `{"v":Infinity}` + "\n" + `{"v":-Infinity}` + "\n" + `{"v":null}` + "\n"},
		{"type=bool", arrow.FixedWidthTypes.Boolean, func(b array.Builder) {
			b.(*array.BooleanBuilder).AppendValues([]bool{true, false}, nil)
		}, `{"v":true}` + "\n" + `{"v":false}` + "\n"},
		{"type=string", arrow.BinaryTypes.String, func(b array.Builder) {
			b.(*array.StringBuilder).AppendValues([]string{"EU", "", "a\"b\\c", "l1\nl2\r\t\b\f", "\x00\x1f\x7f", "é€😀", "\xffx\xc3", "\u2028<&>"}, nil)
			b.AppendNull()
		}, `{"v":"EU"}` + "\n" + `{"v":""}` + "\n" + `{"v":"a\"b\\c"}` + "\n" + `{"v":"l1\nl2\r\t\b\f"}` + "\n" +
			`{"v":"\u0000\u001f` + "\x7f" + `"}` + "\n" + `{"v":"é€😀"}` + "\n" + `{"v":"\ufffdx\ufffd"}` + "\n" +
			`{"v":"` + "\u2028<&>" + `"}` + "\n" + `{"v":null}` + "\n"},
		{"type=timestamp/unit=ms", &arrow.TimestampType{Unit: arrow.Millisecond}, func(b array.Builder) {
			b.(*array.TimestampBuilder).AppendValues([]arrow.Timestamp{1709294400250, 1709294400000}, nil)
		}, `{"v":"2024-03-01T12:00:00.25"}` + "\n" + `{"v":"2024-03-01T12:00:00"}` + "\n"},
		{"type=timestamp/unit=us/zone=UTC", arrow.FixedWidthTypes.Timestamp_us, func(b array.Builder) {
			b.(*array.TimestampBuilder).AppendValues([]arrow.Timestamp{1709294400250000}, nil)
		}, `{"v":"2024-03-01T12:00:00.25Z"}` + "\n"},
		{"type=date32", arrow.FixedWidthTypes.Date32, func(b array.Builder) {
			b.(*array.Date32Builder).AppendValues([]arrow.Date32{19783}, nil)
			b.AppendNull()
		}, `{"v":"2024-03-01"}` + "\n" + `{"v":null}` + "\n"},
		{"type=decimal128", &arrow.Decimal128Type{Precision: 10, Scale: 2}, func(b array.Builder) {
			b.(*array.Decimal128Builder).Append(decimal128.FromI64(-12345))
			b.AppendNull()
		}, `{"v":-123.45}` + "\n" + `{"v":null}` + "\n"}, // a number, as DuckDB writes
		{"type=list", arrow.ListOf(arrow.BinaryTypes.String), func(b array.Builder) {
			lb := b.(*array.ListBuilder)
			lb.Append(true)
			lb.ValueBuilder().(*array.StringBuilder).AppendValues([]string{"a", "b"}, nil)
			lb.AppendNull()
		}, `{"v":["a","b"]}` + "\n" + `{"v":null}` + "\n"},
		{"type=list/elem=utf8", arrow.ListOf(arrow.BinaryTypes.String), func(b array.Builder) {
			lb := b.(*array.ListBuilder)
			lb.Append(true)
			lb.ValueBuilder().(*array.StringBuilder).AppendValues([]string{"R&D <x>", "é\n", ""}, []bool{true, true, false})
			lb.Append(true)
		}, `{"v":["R&D <x>","é\n",null]}` + "\n" + `{"v":[]}` + "\n"},
		{"type=list/elem=float64", arrow.ListOf(arrow.PrimitiveTypes.Float64), func(b array.Builder) {
			lb := b.(*array.ListBuilder)
			lb.Append(true)
			lb.ValueBuilder().(*array.Float64Builder).AppendValues([]float64{1, 2.5, math.NaN(), 1e300, 0}, []bool{true, true, true, true, false})
		}, `{"v":[1.0,2.5,NaN,1e+300,null]}` + "\n"},
		{"type=list/elem=int64,bool", arrow.ListOf(arrow.ListOf(arrow.PrimitiveTypes.Int64)), func(b array.Builder) {
			lb := b.(*array.ListBuilder)
			inner := lb.ValueBuilder().(*array.ListBuilder)
			lb.Append(true)
			inner.Append(true)
			inner.ValueBuilder().(*array.Int64Builder).AppendValues([]int64{-1, 2}, nil)
			inner.AppendNull()
		}, `{"v":[[-1,2],null]}` + "\n"},
		{"type=list/elem=bool", arrow.ListOf(arrow.FixedWidthTypes.Boolean), func(b array.Builder) {
			lb := b.(*array.ListBuilder)
			lb.Append(true)
			lb.ValueBuilder().(*array.BooleanBuilder).AppendValues([]bool{true, false}, nil)
		}, `{"v":[true,false]}` + "\n"},
		{"type=list/elem=int32", arrow.ListOf(arrow.PrimitiveTypes.Int32), func(b array.Builder) {
			lb := b.(*array.ListBuilder)
			lb.Append(true)
			lb.ValueBuilder().(*array.Int32Builder).AppendValues([]int32{7}, nil)
		}, `{"v":[7]}` + "\n"},
		{"type=null", arrow.Null, func(b array.Builder) { b.AppendNull() }, `{"v":null}` + "\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			rec := oneColumn(mem, c.typ, c.fill)
			defer rec.Release()
			assert.Equal(t, c.want, encodeAll(t, rec.Schema(), rec))
		})
	}
}

func TestKeysFlatAndEscaped(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "a.b", Type: arrow.PrimitiveTypes.Int64},
		{Name: `q"k`, Type: arrow.PrimitiveTypes.Int64},
		{Name: "", Type: arrow.PrimitiveTypes.Int64},
	}, nil)
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	for j := range 3 {
		b.Field(j).(*array.Int64Builder).Append(int64(j))
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	assert.Equal(t, `{"a.b":0,"q\"k":1,"":2}`+"\n", encodeAll(t, schema, rec))

	empty := arrow.NewSchema(nil, nil)
	noCols := array.NewRecordBatch(empty, nil, 2)
	defer noCols.Release()
	assert.Equal(t, "{}\n{}\n", encodeAll(t, empty, noCols))
}

// validUTF8 is what a JSON decoder returns for s after our escaping: each
// invalid byte becomes U+FFFD, as a Go range loop reads it.
func validUTF8(s string) string { return string([]rune(s)) }

func TestAppendStringTable(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"plain", "abc", `"abc"`},
		{"empty", "", `""`},
		{"quote-backslash", `a"\`, `"a\"\\"`},
		{"controls", "\n\r\t\b\f\x00\x01\x1b", `"\n\r\t\b\f\u0000\u0001\u001b"`},
		{"del-raw", "\x7f", "\"\x7f\""},
		{"slash-raw", "a/b", `"a/b"`},
		{"multibyte", "ü€😀", `"ü€😀"`},
		{"invalid-lone", "\xff", `"\ufffd"`},
		{"invalid-truncated", "a\xe2\x82", `"a\ufffd\ufffd"`},
		{"invalid-surrogate", "\xed\xa0\x80", `"\ufffd\ufffd\ufffd"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := appendString(nil, c.in)
			assert.Equal(t, c.want, string(got))
			var back string
			require.NoError(t, json.Unmarshal(got, &back))
			assert.Equal(t, validUTF8(c.in), back)
		})
	}
}

func FuzzAppendString(f *testing.F) {
	for _, s := range nasty {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := appendString(nil, s)
		var back string
		require.NoError(t, json.Unmarshal(got, &back), "%q", got)
		assert.Equal(t, validUTF8(s), back)
		assert.False(t, strings.ContainsAny(string(got), "\n\r"), "a line break would split the line")
	})
}

func TestEncodeSchemaMismatch(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rec := oneColumn(mem, arrow.PrimitiveTypes.Int32, func(b array.Builder) { b.AppendNull() })
	defer rec.Release()
	other := arrow.NewSchema([]arrow.Field{{Name: "v", Type: arrow.BinaryTypes.String}}, nil)
	_, err := NewSink(&strings.Builder{}, other).NewEncoder().Encode(t.Context(), rec)
	assert.ErrorContains(t, err, `column 1 "v" is int32`)
}
