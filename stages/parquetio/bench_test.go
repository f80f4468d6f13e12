package parquetio

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/sharedmem"
)

func BenchmarkWrite(b *testing.B) {
	mem := memory.NewGoAllocator()
	rec := makeBatch(mem, 0, 65536)
	defer rec.Release()
	size := sharedmem.PinnedBytes(rec)
	for _, comp := range []string{"zstd", "snappy", "none"} {
		b.Run("compression="+comp, func(b *testing.B) {
			b.SetBytes(size)
			b.ReportAllocs()
			for b.Loop() {
				sink, err := NewSink(io.Discard, allTypes, SinkOptions{Compression: comp, Mem: mem})
				if err != nil {
					b.Fatal(err)
				}
				rec.Retain() // Write releases its reference
				if err := sink.Write(context.Background(), pipeline.Chunk{Batch: rec}); err != nil {
					b.Fatal(err)
				}
				if err := sink.Close(context.Background()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkRead(b *testing.B) {
	mem := memory.NewGoAllocator()
	rec := makeBatch(mem, 0, 65536)
	size := sharedmem.PinnedBytes(rec)
	var buf bytes.Buffer
	sink, _ := NewSink(&buf, allTypes, SinkOptions{Mem: mem})
	if err := sink.Write(context.Background(), pipeline.Chunk{Batch: rec}); err != nil {
		b.Fatal(err)
	}
	if err := sink.Close(context.Background()); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	for _, cols := range [][]string{nil, {"i64", "s"}} {
		b.Run(fmt.Sprintf("columns=%d", len(cols)), func(b *testing.B) {
			b.SetBytes(size)
			b.ReportAllocs()
			for b.Loop() {
				src, err := NewSource([]Input{{Name: "b", At: bytes.NewReader(data), Size: int64(len(data))}}, Options{Columns: cols, Mem: mem})
				if err != nil {
					b.Fatal(err)
				}
				for {
					r, err := nextBatch(src)
					if errors.Is(err, io.EOF) {
						break
					}
					if err != nil {
						b.Fatal(err)
					}
					r.Release()
				}
				_ = src.Close()
			}
		})
	}
}
