package csvout

import (
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
	tsType := func(u arrow.TimeUnit) arrow.DataType { return &arrow.TimestampType{Unit: u, TimeZone: "UTC"} }
	cases := []struct {
		name string
		typ  arrow.DataType
		fill func(array.Builder)
		want string // the lines after the header
	}{
		{"type=int64", arrow.PrimitiveTypes.Int64, func(b array.Builder) {
			b.(*array.Int64Builder).AppendValues([]int64{0, -1, math.MaxInt64, math.MinInt64}, nil)
			b.AppendNull()
		}, "0\n-1\n9223372036854775807\n-9223372036854775808\n\n"},
		{"type=int8", arrow.PrimitiveTypes.Int8, func(b array.Builder) {
			b.(*array.Int8Builder).AppendValues([]int8{-128, 127}, nil)
		}, "-128\n127\n"},
		{"type=uint64", arrow.PrimitiveTypes.Uint64, func(b array.Builder) {
			b.(*array.Uint64Builder).AppendValues([]uint64{math.MaxUint64, 7}, nil)
		}, "18446744073709551615\n7\n"},
		{"type=float64", arrow.PrimitiveTypes.Float64, func(b array.Builder) {
			b.(*array.Float64Builder).AppendValues([]float64{12.5, 3, -0.25, 1e-7, 1e21, 123456789, math.NaN(), math.Inf(-1)}, nil)
			b.AppendNull()
		}, "12.5\n3.0\n-0.25\n1e-7\n1e+21\n123456789.0\nNaN\n-inf\n\n"},
		{"type=float32", arrow.PrimitiveTypes.Float32, func(b array.Builder) {
			b.(*array.Float32Builder).AppendValues([]float32{0.1, 16777216}, nil)
		}, "0.1\n16777216.0\n"},
		{"type=bool", arrow.FixedWidthTypes.Boolean, func(b array.Builder) {
			b.(*array.BooleanBuilder).AppendValues([]bool{true, false}, nil)
			b.AppendNull()
		}, "true\nfalse\n\n"},
		{"type=string", arrow.BinaryTypes.String, func(b array.Builder) {
			b.(*array.StringBuilder).AppendValues([]string{"plain", "", "a,b", `say "hi"`, "two\nlines", "cr\r", " padded ", "tab\there"}, nil)
			b.AppendNull()
		}, "plain\n\"\"\n\"a,b\"\n\"say \"\"hi\"\"\"\n\"two\nlines\"\n\"cr\r\"\n padded \ntab\there\n\n"},
		{"type=large_string", arrow.BinaryTypes.LargeString, func(b array.Builder) {
			b.(*array.LargeStringBuilder).AppendValues([]string{"x,y", "z"}, nil)
		}, "\"x,y\"\nz\n"},
		{"type=string_view", arrow.BinaryTypes.StringView, func(b array.Builder) {
			b.(*array.StringViewBuilder).AppendValues([]string{"short", "a value longer than twelve bytes, with a comma"}, nil)
		}, "short\n\"a value longer than twelve bytes, with a comma\"\n"},
		{"type=timestamp/unit=s", tsType(arrow.Second), func(b array.Builder) {
			b.(*array.TimestampBuilder).AppendValues([]arrow.Timestamp{0, 1709294400}, nil)
		}, "1970-01-01T00:00:00Z\n2024-03-01T12:00:00Z\n"},
		{"type=timestamp/unit=ms", tsType(arrow.Millisecond), func(b array.Builder) {
			b.(*array.TimestampBuilder).AppendValues([]arrow.Timestamp{1709294400000, 1709294400120, -1}, nil)
		}, "2024-03-01T12:00:00Z\n2024-03-01T12:00:00.12Z\n1969-12-31T23:59:59.999Z\n"},
		{"type=timestamp/unit=us", tsType(arrow.Microsecond), func(b array.Builder) {
			b.(*array.TimestampBuilder).AppendValues([]arrow.Timestamp{1709294400000001}, nil)
			b.AppendNull()
		}, "2024-03-01T12:00:00.000001Z\n\n"},
		{"type=timestamp/unit=ns/zone=paris", &arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: "Europe/Paris"}, func(b array.Builder) {
			b.(*array.TimestampBuilder).AppendValues([]arrow.Timestamp{1709294400123456789}, nil)
		}, "2024-03-01T12:00:00.123456789Z\n"},
		{"type=date32", arrow.FixedWidthTypes.Date32, func(b array.Builder) {
			b.(*array.Date32Builder).AppendValues([]arrow.Date32{0, 19783, -1}, nil)
			b.AppendNull()
		}, "1970-01-01\n2024-03-01\n1969-12-31\n\n"},
		{"type=date64", arrow.FixedWidthTypes.Date64, func(b array.Builder) {
			b.(*array.Date64Builder).AppendValues([]arrow.Date64{19783 * 86400000}, nil)
		}, "2024-03-01\n"},
		{"type=decimal128", &arrow.Decimal128Type{Precision: 10, Scale: 2}, func(b array.Builder) {
			b.(*array.Decimal128Builder).Append(decimal128.FromI64(-12345))
			b.AppendNull()
		}, "-123.45\n\n"},
		{"type=list", arrow.ListOf(arrow.PrimitiveTypes.Int64), func(b array.Builder) {
			lb := b.(*array.ListBuilder)
			lb.Append(true)
			lb.ValueBuilder().(*array.Int64Builder).AppendValues([]int64{1, 2}, nil)
			lb.AppendNull()
		}, "\"[1,2]\"\n\n"},
		{"type=list/elem=utf8", arrow.ListOf(arrow.BinaryTypes.String), func(b array.Builder) {
			lb := b.(*array.ListBuilder)
			lb.Append(true)
			lb.ValueBuilder().(*array.StringBuilder).AppendValues([]string{"R&D <x>", "é", ""}, []bool{true, true, false})
			lb.Append(true)
		}, "\"[\"\"R&D <x>\"\",\"\"é\"\",null]\"\n[]\n"},
		{"type=list/elem=float64", arrow.ListOf(arrow.PrimitiveTypes.Float64), func(b array.Builder) {
			lb := b.(*array.ListBuilder)
			lb.Append(true)
			lb.ValueBuilder().(*array.Float64Builder).AppendValues([]float64{1}, nil)
		}, "[1.0]\n"},
		{"type=dictionary", &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}, func(b array.Builder) {
			db := b.(*array.BinaryDictionaryBuilder)
			for _, v := range []string{"EU", "a,b", "EU"} {
				if err := db.AppendString(v); err != nil {
					panic(err)
				}
			}
			db.AppendNull()
		}, "EU\n\"a,b\"\nEU\n\n"},
		{"type=null", arrow.Null, func(b array.Builder) {
			b.AppendNull()
			b.AppendNull()
		}, "\n\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			rec := oneColumn(mem, c.typ, c.fill)
			defer rec.Release()
			assert.Equal(t, "v\n"+c.want, encodeAll(t, rec.Schema(), Options{}, rec))
		})
	}
}

func TestEncodeSlicedMatchesUnsliced(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rec := salesBatch(mem, 300, 7, true)
	defer rec.Release()
	whole := encodeAll(t, salesSchema, Options{NoHeader: true}, rec)
	for _, bounds := range [][2]int64{{0, 300}, {1, 300}, {3, 11}, {8, 9}, {13, 277}, {299, 300}} {
		// Differential: rows of a slice encode as the same rows of the whole,
		// whatever the offset (bitmaps not byte-aligned included).
		sl := rec.NewSlice(bounds[0], bounds[1])
		got := encodeAll(t, salesSchema, Options{NoHeader: true}, sl)
		sl.Release()
		var want strings.Builder
		for i := bounds[0]; i < bounds[1]; i++ {
			one := rec.NewSlice(i, i+1)
			want.WriteString(encodeAll(t, salesSchema, Options{NoHeader: true}, one))
			one.Release()
		}
		assert.Equal(t, want.String(), got, "slice %v", bounds)
		if bounds == [2]int64{0, 300} {
			assert.Equal(t, whole, got)
		}
	}
}

func TestEncodeSlicedTable(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rec := oneColumn(mem, arrow.BinaryTypes.String, func(b array.Builder) {
		sb := b.(*array.StringBuilder)
		sb.AppendValues([]string{"a", "b,", "c"}, nil)
		sb.AppendNull()
		sb.AppendValues([]string{"d", "e", "f", "g", "h", "i"}, nil)
		sb.AppendNull()
	})
	defer rec.Release()
	sl := rec.NewSlice(1, 10)
	defer sl.Release()
	assert.Equal(t, "v\n\"b,\"\nc\n\nd\ne\nf\ng\nh\ni\n", encodeAll(t, rec.Schema(), Options{}, sl))
	sl2 := rec.NewSlice(9, 11)
	defer sl2.Release()
	assert.Equal(t, "v\ni\n\n", encodeAll(t, rec.Schema(), Options{}, sl2))
}

func TestAppendField(t *testing.T) {
	comma := quoteSet(',')
	tab := quoteSet('\t')
	cases := []struct {
		name  string
		in    string
		quote *[256]bool
		want  string
	}{
		{"plain", "abc", comma, "abc"},
		{"empty", "", comma, `""`},
		{"delimiter", "a,b", comma, `"a,b"`},
		{"quote-only", `"`, comma, `""""`},
		{"quotes-around", `"x"`, comma, `"""x"""`},
		{"quote-inside", `a"b"c`, comma, `"a""b""c"`},
		{"lf", "a\nb", comma, "\"a\nb\""},
		{"crlf", "a\r\nb", comma, "\"a\r\nb\""},
		{"spaces-kept-bare", "  x  ", comma, "  x  "},
		{"tab-in-csv", "a\tb", comma, "a\tb"},
		{"tab-in-tsv", "a\tb", tab, "\"a\tb\""},
		{"comma-in-tsv", "a,b", tab, "a,b"},
		{"utf8", "héllo, wörld", comma, `"héllo, wörld"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, string(appendField([]byte("prefix|"), c.in, c.quote))[len("prefix|"):])
		})
	}
}

func quoteSet(delim byte) *[256]bool {
	s, err := NewSink(nil, arrow.NewSchema(nil, nil), Options{Delimiter: delim})
	if err != nil {
		panic(err)
	}
	return s.quote
}

func TestEncodeSchemaMismatch(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rec := oneColumn(mem, arrow.PrimitiveTypes.Int32, func(b array.Builder) { b.AppendNull() })
	defer rec.Release()
	other := arrow.NewSchema([]arrow.Field{{Name: "v", Type: arrow.PrimitiveTypes.Int64}}, nil)
	s, err := NewSink(&strings.Builder{}, other, Options{})
	require.NoError(t, err)
	_, err = s.NewEncoder().Encode(t.Context(), rec)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `column 1 "v" is int32`)

	two := arrow.NewSchema([]arrow.Field{{Name: "a", Type: arrow.PrimitiveTypes.Int32}, {Name: "b", Type: arrow.PrimitiveTypes.Int32}}, nil)
	s, err = NewSink(&strings.Builder{}, two, Options{})
	require.NoError(t, err)
	_, err = s.NewEncoder().Encode(t.Context(), rec)
	assert.ErrorContains(t, err, "batch has 1 columns")
}

func TestTSV(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "id", Type: arrow.PrimitiveTypes.Int64},
		{Name: "text", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "price", Type: arrow.PrimitiveTypes.Float64},
	}, nil)
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	b.Field(0).(*array.Int64Builder).AppendValues([]int64{1, 2, 3, 4, 5}, nil)
	b.Field(1).(*array.StringBuilder).AppendValues(
		[]string{"a,b;c|d", "tab\there", "two\nlines", `say "hi"`, ""}, []bool{true, true, true, true, false})
	b.Field(2).(*array.Float64Builder).AppendValues([]float64{1.5, 2, 0.25, 1e22, -7}, nil)
	rec := b.NewRecordBatch()
	defer rec.Release()
	want := "id\ttext\tprice\n" +
		"1\ta,b;c|d\t1.5\n" +
		"2\ttab\\there\t2.0\n" +
		"3\ttwo\\nlines\t0.25\n" +
		"4\tsay \"hi\"\t1e+22\n" +
		"5\t\t-7.0\n"
	assert.Equal(t, want, encodeAll(t, schema, Options{Delimiter: '\t'}, rec))
}
