package csvin

import (
	"bytes"
	"io"
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// addrReader reads from r and records where each Read wrote.
type addrReader struct {
	r      io.Reader
	writes [][2]uintptr // first and last address written
}

func (a *addrReader) Read(p []byte) (int, error) {
	n, err := a.r.Read(p)
	if n > 0 {
		first := addr(p)
		a.writes = append(a.writes, [2]uintptr{first, first + uintptr(n) - 1})
	}
	return n, err
}

// addr is the address of b's first byte (b is not empty).
func addr(b []byte) uintptr { return reflect.ValueOf(&b[0]).Pointer() }

// TestReadsLandInChunks checks that input bytes are read straight into the
// buffers that chunks are cut from: apart from the partial record that
// moves to the next chunk's buffer, no byte is copied after Read.
func TestReadsLandInChunks(t *testing.T) {
	data := benchData(20000)
	r := &addrReader{r: bytes.NewReader(data)}
	const batch = 64 << 10
	src, err := NewSource(t.Context(), []Input{{R: r}}, Options{BatchBytes: batch, SampleRows: 10, Mem: checkedMem(t)})
	require.NoError(t, err)
	defer src.Close()
	// No chunk is recycled before the end, so no buffer is used twice and
	// a Read's addresses tell where its bytes still are.
	cs := chunks(t, src)
	require.Greater(t, len(cs), 10)
	read := 0
	for i, c := range cs {
		lo := addr(c.Data)
		hi := lo + uintptr(len(c.Data)) - 1
		inChunk := 0
		for _, w := range r.writes {
			if a, b := max(w[0], lo), min(w[1], hi); a <= b {
				inChunk += int(b-a) + 1
			}
		}
		read += inChunk
		if i > 0 && i < len(cs)-1 {
			// All but the first record (carried over from the chunk
			// before) was read in place.
			assert.Greater(t, inChunk, len(c.Data)-1024, "chunk %d: %d of %d bytes read in place", i, inChunk, len(c.Data))
			assert.LessOrEqual(t, len(c.Data), batch, "chunk %d size", i)
			assert.Greater(t, len(c.Data), batch-1024, "chunk %d size", i)
		}
	}
	assert.Greater(t, read, len(data)*9/10, "bytes read in place")
	for _, c := range cs {
		src.Recycle(c)
	}
}
