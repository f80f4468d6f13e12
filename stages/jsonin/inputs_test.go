package jsonin

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/klauspost/compress/gzip"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/stages/input"
)

func TestSampleSpansInputs(t *testing.T) {
	inputs := []Input{
		{Name: "one", R: strings.NewReader("{\"a\":1}\n")},
		{Name: "empty", R: strings.NewReader("")},
		{Name: "two", R: strings.NewReader("{\"b\":\"x\",\"a\":2}")},
	}
	rows, schema, err := readAll(t, checked(t), inputs, Options{})
	require.NoError(t, err)
	require.Equal(t, 2, schema.NumFields())
	assert.Equal(t, "a", schema.Field(0).Name)
	assert.Equal(t, "b", schema.Field(1).Name)
	assert.Equal(t, []map[string]any{{"a": int64(1), "b": nil}, {"a": int64(2), "b": "x"}}, rows)
}

func TestReadsGzipThroughInputOpen(t *testing.T) {
	var text strings.Builder
	for i := range 5000 {
		text.WriteString(`{"i":`)
		text.WriteString(strings.Repeat("1", 1+i%5))
		text.WriteString("}\n")
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, err := zw.Write([]byte(text.String()))
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	dir := t.TempDir()
	path := filepath.Join(dir, "x.ndjson.gz")
	require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o600))
	in, err := input.Open(context.Background(), path, nil)
	require.NoError(t, err)
	defer in.Close()
	rows, _, err := readAll(t, checked(t), []Input{{Name: in.Name, R: in}}, Options{BatchRows: 1000})
	require.NoError(t, err)
	require.Len(t, rows, 5000)
	assert.Equal(t, int64(11111), rows[4]["i"])

	// A truncated file fails, naming it.
	cut := filepath.Join(dir, "cut.ndjson.gz")
	require.NoError(t, os.WriteFile(cut, buf.Bytes()[:buf.Len()/2], 0o600))
	in2, err := input.Open(context.Background(), cut, nil)
	require.NoError(t, err)
	defer in2.Close()
	_, _, err = readAll(t, checked(t), []Input{{Name: in2.Name, R: in2}}, Options{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "cut.ndjson.gz")
}
