package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Parquet and Arrow output to standard output (a pipe here) is the same
// bytes as the file -o writes, and reads back with the same rows.
func TestBinaryOutputToStdout(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct{ to, ext string }{{"parquet", "parquet"}, {"arrows", "arrows"}} {
		t.Run("to="+c.to, func(t *testing.T) {
			piped := cli(t, "", "--to", c.to, "filter", "qty > 10", sample)
			require.Equal(t, exitOK, piped.code, piped.stderr)
			file := filepath.Join(dir, "out."+c.ext)
			res := cli(t, "", "-o", file, "filter", "qty > 10", sample)
			require.Equal(t, exitOK, res.code, res.stderr)
			want, err := os.ReadFile(file)
			require.NoError(t, err)
			assert.Equal(t, want, []byte(piped.stdout), "stdout and -o differ")

			back := filepath.Join(dir, "back."+c.ext)
			require.NoError(t, os.WriteFile(back, []byte(piped.stdout), 0o600))
			got := cli(t, "", "--to", "ndjson", back)
			require.Equal(t, exitOK, got.code, got.stderr)
			direct := cli(t, "", "--to", "ndjson", "filter", "qty > 10", sample)
			assert.Equal(t, direct.stdout, got.stdout)
		})
	}
	// --to arrow (the file format) to stdout is written as a stream.
	res := cli(t, "", "--to", "arrow", "head", "3", sample)
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Contains(t, res.stdout[:8], "\xff\xff\xff\xff", "an IPC stream starts with a continuation marker")
}
