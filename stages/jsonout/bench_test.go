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
