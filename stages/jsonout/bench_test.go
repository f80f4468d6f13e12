package jsonout

import (
	"context"
	"io"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// BenchmarkEncode measures one Encoder on one core: bytes are NDJSON output.
func BenchmarkEncode(b *testing.B) {
	for _, notes := range []string{"realistic", "nasty"} {
		b.Run("rows=65536/notes="+notes, func(b *testing.B) {
			rec := salesBatch(memory.NewGoAllocator(), 1<<16, 1, notes == "nasty")
			defer rec.Release()
			s := NewSink(io.Discard, salesSchema)
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

// BenchmarkEncodeNested measures one Encoder writing 1000 rows of nested
// columns, 4 elements per row: arrays of objects, arrays of arrays and
// maps whose values are objects.
func BenchmarkEncodeNested(b *testing.B) {
	for _, shape := range []string{"list_struct", "list_list", "map_struct"} {
		b.Run("rows=1000/shape="+shape, func(b *testing.B) {
			rec := nestedBatch(b, memory.NewGoAllocator(), shape, 1000)
			defer rec.Release()
			s := NewSink(io.Discard, rec.Schema())
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
