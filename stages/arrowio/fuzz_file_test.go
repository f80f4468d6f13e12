package arrowio

import (
	"bytes"
	"runtime"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"

	"github.com/arrowpipe/arrowpipe/stages/internal/batchcheck"
)

// maxFuzzAlloc bounds what reading one fuzzed input may allocate in all:
// every length in it is checked against the input (at most 64 KiB) before
// anything is sized by it.
const maxFuzzAlloc = 64 << 20

// FuzzFileReader reads arbitrary bytes as a file-format input read through
// its footer (At and Size, as a regular .arrow file is opened) and as a
// stream: no input panics, leaks or allocates beyond maxFuzzAlloc, every
// error names the input, and no panic is left for batchcheck's last-resort
// containment to catch. (Those of the footer's and a block's decoding,
// openFooter and recordBatchAt, are still needed.)
func FuzzFileReader(f *testing.F) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	seedBatches := []arrow.RecordBatch{makeBatch(mem, testSchema, 0, 5), makeBatch(mem, testSchema, 5, 2)}
	f.Add(write(&testing.T{}, mem, SinkOptions{File: true}, seedBatches...))
	// Compressed: a buffer's declared length is bounded by what its codec
	// can give (ipcmeta.CheckBatch), and decompression allocates as the
	// bytes come; one seed declares 1 TiB.
	for _, comp := range []string{"zstd", "lz4"} {
		data := write(&testing.T{}, mem, SinkOptions{File: true, Compression: comp}, seedBatches...)
		f.Add(bytes.Clone(data))
		misdeclare(data, true, 1<<40)
		f.Add(data)
	}
	release(seedBatches)
	f.Add([]byte("ARROW1\x00\x00\x00\x00\x00\x00ARROW1"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > maxFuzzInput {
			t.Skip()
		}
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		for _, in := range []Input{
			{Name: "fuzz.arrow", At: bytes.NewReader(data), Size: int64(len(data))},
			{Name: "fuzz.arrow", R: bytes.NewReader(data), Size: int64(len(data))},
		} {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			_, err := readUntilError(t, mem, in)
			assertNoLeak(t, mem, err)
			if err != nil {
				assert.Contains(t, err.Error(), "fuzz.arrow")
				assert.NotErrorIs(t, err, batchcheck.ErrPanic)
			}
		}
		runtime.ReadMemStats(&after)
		assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(maxFuzzAlloc))
	})
}
