package main

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Only uncompressed text is sized for /dev/shm: a compressed or binary
// file's results can be many times its size.
func TestPlainTextSize(t *testing.T) {
	dir := t.TempDir()
	text := []byte("id,name\n1,a\n2,b\n")
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(text)
	require.NoError(t, zw.Close())
	files := map[string][]byte{
		"a.csv":        text,
		"a.ndjson":     []byte(`{"id":1}` + "\n"),
		"a.tsv":        []byte("id\tname\n1\ta\n"),
		"gz-named.csv": gz.Bytes(), // compressed, whatever its name says
		"a.csv.gz":     gz.Bytes(),
		"a.parquet":    []byte("PAR1\x00\x00PAR1"),
		"a.arrow":      []byte("ARROW1\x00\x00"),
	}
	for name, data := range files {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), data, 0o644))
	}
	for name, data := range files {
		n, ok := plainTextSize(filepath.Join(dir, name))
		switch name {
		case "a.csv", "a.ndjson", "a.tsv":
			assert.True(t, ok, name)
			assert.Equal(t, int64(len(data)), n, name)
		default:
			assert.False(t, ok, name)
		}
	}
	_, ok := plainTextSize("-")
	assert.False(t, ok, "stdin")
	_, ok = plainTextSize(dir)
	assert.False(t, ok, "a directory")
	_, ok = plainTextSize(filepath.Join(dir, "missing.csv"))
	assert.False(t, ok, "a missing file")
}
