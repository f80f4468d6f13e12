package output

import (
	"io"
	"testing"
)

// BenchmarkWrite measures File.Write of 1 MiB chunks of CSV-like text to a
// discarding standard output (flushed per chunk); bytes are input bytes.
func BenchmarkWrite(b *testing.B) {
	chunk := testData(1<<20, 3)
	for _, compress := range []string{None, Gzip, Zstd} {
		b.Run("compress="+compress, func(b *testing.B) {
			f, err := Open("-", Options{Stdout: io.Discard, Compress: compress})
			if err != nil {
				b.Fatal(err)
			}
			defer f.Abort()
			b.SetBytes(int64(len(chunk)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := f.Write(chunk); err != nil {
					b.Fatal(err)
				}
			}
			if err := f.Commit(); err != nil {
				b.Fatal(err)
			}
		})
	}
}
