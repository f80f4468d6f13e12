package parquetio

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/stages/internal/batchcheck"
)

// Bounds of the fuzzed inputs and of what reading one may allocate in all:
// every offset and size in a footer is checked against the file before
// anything is sized by it; a page may still inflate up to arrow-go's limit
// of 256 MiB, which the inputs' codecs do not reach.
const (
	maxFuzzInput = 64 << 10
	maxFuzzAlloc = 64 << 20
)

// FuzzReader reads arbitrary bytes as a Parquet file, all columns and then
// none (the row counts from the footer): no input panics or allocates
// beyond maxFuzzAlloc, every error names the file, and no panic is left
// for the last-resort containment of batchcheck to catch. The seeds are
// files of our writer and the corpus in samples/corpus.
func FuzzReader(f *testing.F) {
	mem := memory.NewGoAllocator()
	for _, comp := range []string{"none", "snappy", "zstd"} {
		in := makeBatch(mem, 0, 20)
		f.Add(write(&testing.T{}, mem, SinkOptions{Compression: comp, RowGroupRows: 8}, allTypes, in))
	}
	corpus, _ := filepath.Glob(filepath.Join("..", "..", "samples", "corpus", "*.parquet"))
	for _, name := range corpus {
		if data, err := os.ReadFile(name); err == nil && len(data) <= maxFuzzInput {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > maxFuzzInput {
			t.Skip()
		}
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		for _, columns := range [][]string{nil, {}} {
			err := readFuzzed(data, columns)
			if err != nil {
				assert.Contains(t, err.Error(), "fuzz.parquet")
				assert.NotErrorIs(t, err, batchcheck.ErrPanic)
			}
		}
		runtime.ReadMemStats(&after)
		require.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(maxFuzzAlloc))
	})
}

// readFuzzed reads every batch of data as one file, releasing them.
func readFuzzed(data []byte, columns []string) error {
	src, err := NewSource([]Input{{Name: "fuzz.parquet", At: bytes.NewReader(data), Size: int64(len(data))}}, Options{BatchRows: 7})
	if err != nil {
		return err
	}
	defer src.Close()
	if err := src.Project(columns); err != nil {
		return err
	}
	for {
		rec, err := nextBatch(src)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		rec.Release()
	}
}
