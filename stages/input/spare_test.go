package input_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/klauspost/compress/gzip"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/stages/input"
)

// TestOpenReusing reads files one after another through one read buffer,
// plain and gzip-compressed, larger and smaller than the buffer: each
// reads as its own bytes, and the buffer goes from file to file.
func TestOpenReusing(t *testing.T) {
	dir := t.TempDir()
	var paths []string
	var want [][]byte
	for i, size := range []int{100 << 10, 10, 70 << 10, 0, 3 << 10} {
		data := bytes.Repeat([]byte(fmt.Sprintf("file %d\n", i)), size/7+1)[:size]
		p := filepath.Join(dir, fmt.Sprintf("f%d", i))
		body := data
		if i%2 == 1 {
			var b bytes.Buffer
			zw := gzip.NewWriter(&b)
			_, _ = zw.Write(data)
			require.NoError(t, zw.Close())
			body, p = b.Bytes(), p+".gz"
		}
		require.NoError(t, os.WriteFile(p, body, 0o644))
		paths, want = append(paths, p), append(want, data)
	}
	var spare *bufio.Reader
	for i, p := range paths {
		in, err := input.OpenReusing(context.Background(), p, nil, spare)
		require.NoError(t, err)
		got, err := io.ReadAll(in)
		require.NoError(t, err)
		assert.Equal(t, want[i], got, p)
		require.NoError(t, in.Close())
		prev := spare
		spare = in.Spare()
		require.NotNil(t, spare)
		if prev != nil {
			assert.Same(t, prev, spare, "the buffer goes from file to file")
		}
		assert.Nil(t, in.Spare(), "handed on once")
	}
}
