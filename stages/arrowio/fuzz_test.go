package arrowio

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// maxFuzzInput caps the fuzzed inputs, and so what reading them may
// allocate: no message is longer than the input.
const maxFuzzInput = 64 << 10

// FuzzStreamReader reads arbitrary bytes as an IPC input, as a pipe (R)
// and as a file of known size (R with Size): no input panics or leaks, and
// an input that reads cleanly is complete: without its last byte it is an
// error, so a cut is never taken for the end.
func FuzzStreamReader(f *testing.F) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	seedBatches := []arrow.RecordBatch{makeBatch(mem, testSchema, 0, 5), makeBatch(mem, testSchema, 5, 1)}
	for _, file := range []bool{false, true} {
		for _, comp := range []string{"none", "zstd"} {
			data := write(&testing.T{}, mem, SinkOptions{File: file, Compression: comp}, seedBatches...)
			f.Add(data)
			f.Add(data[:len(data)/2])
			f.Add(data[:len(data)-8])
		}
	}
	release(seedBatches)
	f.Add([]byte{})
	f.Add([]byte{0, 0, 0, 0})
	f.Add([]byte("ARROW1\x00\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > maxFuzzInput {
			t.Skip()
		}
		for _, sized := range []bool{false, true} {
			in := func(b []byte) Input {
				if sized {
					return Input{Name: "fuzz", R: bytes.NewReader(b), Size: int64(len(b))}
				}
				return Input{Name: "fuzz", R: bytes.NewReader(b)}
			}
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			rows, err := readUntilError(t, mem, in(data))
			assertNoLeak(t, mem, err)
			if err != nil {
				assert.Contains(t, err.Error(), "fuzz", "sized=%t", sized)
				continue
			}
			require.NotEmpty(t, data)
			assert.GreaterOrEqual(t, rows, int64(0))
			_, err = readUntilError(t, mem, in(data[:len(data)-1]))
			assertNoLeak(t, mem, err)
			assert.Error(t, err, fmt.Sprintf("sized=%t: complete input without its last byte read cleanly", sized))
		}
	})
}

// assertNoLeak checks that reading released everything, except after a
// panic inside arrow-go's batch decoding (which it recovers as "unknown
// error while reading" or "error reading record batch", or recordBatchAt
// does): the buffers it allocated
// before the panic are out of our reach, a leak of arrow-go v18.8.0 on
// corrupt input only.
func assertNoLeak(t *testing.T, mem *memory.CheckedAllocator, err error) {
	t.Helper()
	if err != nil && (strings.Contains(err.Error(), "arrow/ipc: unknown error while reading") ||
		strings.Contains(err.Error(), "arrow/ipc: error reading record batch") || strings.Contains(err.Error(), errArrowPanic)) {
		return
	}
	mem.AssertSize(t, 0)
}
