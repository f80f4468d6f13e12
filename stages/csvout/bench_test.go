package csvout

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// BenchmarkEncode measures one Encoder on one core: bytes are CSV output.
func BenchmarkEncode(b *testing.B) {
	for _, notes := range []string{"realistic", "nasty"} {
		b.Run("rows=65536/notes="+notes, func(b *testing.B) {
			rec := salesBatch(memory.NewGoAllocator(), 1<<16, 1, notes == "nasty")
			defer rec.Release()
			s, err := NewSink(io.Discard, salesSchema, Options{})
			if err != nil {
				b.Fatal(err)
			}
			enc := s.NewEncoder()
			ctx := context.Background()
			c, err := enc.Encode(ctx, rec)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(c.Data)))
			s.free.Put(c.Data)
			b.ReportAllocs()
			for b.Loop() {
				c, err := enc.Encode(ctx, rec)
				if err != nil {
					b.Fatal(err)
				}
				s.free.Put(c.Data)
			}
		})
	}
}

// BenchmarkEncodeListStruct measures one Encoder writing 1000 rows of an
// array of 4 objects each: every cell is the array's JSON text.
func BenchmarkEncodeListStruct(b *testing.B) {
	typ := arrow.ListOf(arrow.StructOf(
		arrow.Field{Name: "sku", Type: arrow.BinaryTypes.String, Nullable: true},
		arrow.Field{Name: "qty", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		arrow.Field{Name: "price", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	))
	schema := arrow.NewSchema([]arrow.Field{{Name: "items", Type: typ, Nullable: true}}, nil)
	var sb strings.Builder
	sb.WriteByte('[')
	for i := range 1000 {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `{"items":[{"sku":"a%d","qty":1,"price":1.5},{"sku":"b","qty":%d,"price":null},null,{"sku":"c,d","qty":3,"price":%d.25}]}`, i, i, i)
	}
	sb.WriteByte(']')
	rec, _, err := array.RecordFromJSON(memory.NewGoAllocator(), schema, strings.NewReader(sb.String()))
	if err != nil {
		b.Fatal(err)
	}
	defer rec.Release()
	s, err := NewSink(io.Discard, schema, Options{})
	if err != nil {
		b.Fatal(err)
	}
	enc := s.NewEncoder()
	ctx := context.Background()
	c, err := enc.Encode(ctx, rec)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(c.Data)))
	s.free.Put(c.Data)
	b.ReportAllocs()
	for b.Loop() {
		c, err := enc.Encode(ctx, rec)
		if err != nil {
			b.Fatal(err)
		}
		s.free.Put(c.Data)
	}
}
