package jsonout

import (
	"bytes"
	"context"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/require"
)

// encodeAll writes recs through a fresh Sink with one Encoder and returns
// the output.
func encodeAll(t testing.TB, schema *arrow.Schema, recs ...arrow.RecordBatch) string {
	t.Helper()
	var out bytes.Buffer
	s := NewSink(&out, schema)
	enc := s.NewEncoder()
	ctx := context.Background()
	for _, rec := range recs {
		c, err := enc.Encode(ctx, rec)
		require.NoError(t, err)
		require.NoError(t, s.Write(ctx, c))
	}
	require.NoError(t, s.Close(ctx))
	return out.String()
}

// oneColumn builds a one-column batch named "v" from a builder filled by fill.
func oneColumn(mem memory.Allocator, typ arrow.DataType, fill func(array.Builder)) arrow.RecordBatch {
	b := array.NewBuilder(mem, typ)
	defer b.Release()
	fill(b)
	arr := b.NewArray()
	defer arr.Release()
	schema := arrow.NewSchema([]arrow.Field{{Name: "v", Type: typ, Nullable: true}}, nil)
	return array.NewRecordBatch(schema, []arrow.Array{arr}, int64(arr.Len()))
}

var salesSchema = arrow.NewSchema([]arrow.Field{
	{Name: "id", Type: arrow.PrimitiveTypes.Int64},
	{Name: "ts", Type: &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}},
	{Name: "region", Type: arrow.BinaryTypes.String},
	{Name: "product", Type: arrow.BinaryTypes.String},
	{Name: "qty", Type: arrow.PrimitiveTypes.Int64},
	{Name: "price", Type: arrow.PrimitiveTypes.Float64},
	{Name: "discount", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "note", Type: arrow.BinaryTypes.String, Nullable: true},
}, nil)

var (
	regions  = []string{"EU", "NA", "APAC", "LATAM"}
	products = []string{"widget", "gadget", "sprocket", "gizmo-deluxe", "thingamajig"}
	notes    = []string{"", "rush order", "gift, wrapped", `said "thanks"`, "line one\nline two", "ok"}
	nasty    = []string{"", " lead", "trail ", "a,b", "a\tb", `q"q`, `""`, "cr\rlf\r\n", "é ü 中文", "\x00\x01", "\xff\xfe bad utf8", "\\N", "null"}
)

// salesBatch builds n rows of realistic sales data. With nastyNotes the
// note column draws from strings that stress quoting and escaping.
func salesBatch(mem memory.Allocator, n int, seed uint64, nastyNotes bool) arrow.RecordBatch {
	r := rand.New(rand.NewPCG(seed, 99))
	b := array.NewRecordBuilder(mem, salesSchema)
	defer b.Release()
	id := b.Field(0).(*array.Int64Builder)
	ts := b.Field(1).(*array.TimestampBuilder)
	region := b.Field(2).(*array.StringBuilder)
	product := b.Field(3).(*array.StringBuilder)
	qty := b.Field(4).(*array.Int64Builder)
	price := b.Field(5).(*array.Float64Builder)
	discount := b.Field(6).(*array.Float64Builder)
	note := b.Field(7).(*array.StringBuilder)
	base := int64(1_700_000_000_000_000)
	for i := range n {
		id.Append(int64(i) + int64(seed)*1_000_000)
		ts.Append(arrow.Timestamp(base + r.Int64N(365*86400*1_000_000)))
		region.Append(regions[r.IntN(len(regions))])
		product.Append(products[r.IntN(len(products))])
		qty.Append(1 + r.Int64N(50))
		price.Append(float64(r.IntN(100000)) / 100)
		if r.IntN(5) == 0 {
			discount.AppendNull()
		} else {
			discount.Append(math.Round(r.Float64()*30) / 100)
		}
		switch {
		case r.IntN(7) == 0:
			note.AppendNull()
		case nastyNotes:
			note.Append(nasty[r.IntN(len(nasty))] + strconv.Itoa(r.IntN(3)))
		default:
			note.Append(notes[r.IntN(len(notes))])
		}
	}
	return b.NewRecordBatch()
}
