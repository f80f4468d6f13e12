package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestFilesInStatsAndProgress: --stats (text and JSON) and --progress
// count the input files read of those to read, and --stats json lists
// the files a partitioned write committed with their rows.
func TestFilesInStatsAndProgress(t *testing.T) {
	drift, err := filepath.Abs("testdata/manyfiles/drift")
	require.NoError(t, err)
	t.Run("stats=text", func(t *testing.T) {
		res := cli(t, "", "--stats", "count", drift)
		require.Equal(t, exitOK, res.code, res.stderr)
		assert.Contains(t, res.stderr, "files: 4 of 4 read\n")
	})
	t.Run("stats=text/one file", func(t *testing.T) {
		res := cli(t, "", "--stats", "count", filepath.Join(drift, "a.csv"))
		require.Equal(t, exitOK, res.code, res.stderr)
		assert.NotContains(t, res.stderr, "files:", "one file needs no count")
	})
	t.Run("stats=json/partitioned", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "out")
		res := cli(t, "", "--stats=json", "--partition-by", "id", "-o", out, drift)
		require.Equal(t, exitOK, res.code, res.stderr)
		var run runJSON
		i := strings.Index(res.stderr, "{")
		require.GreaterOrEqual(t, i, 0, res.stderr)
		require.NoError(t, json.Unmarshal([]byte(res.stderr[i:]), &run), res.stderr)
		assert.Equal(t, 4, run.Files.Read)
		assert.Equal(t, 4, run.Files.Total)
		require.NotEmpty(t, run.Files.Written)
		var rows int64
		for _, f := range run.Files.Written {
			assert.FileExists(t, filepath.Join(out, f.Path), "paths are relative to -o")
			rows += f.Rows
		}
		assert.Equal(t, run.Rows.Written, rows, "the files hold every row written")
	})
	t.Run("progress=json", func(t *testing.T) {
		res := cli(t, "", "--progress=json", "-o", filepath.Join(t.TempDir(), "o.csv"), drift)
		require.Equal(t, exitOK, res.code, res.stderr)
		lines := strings.Split(strings.TrimSpace(res.stderr), "\n")
		var last progressRecord
		require.NoError(t, json.Unmarshal([]byte(lines[len(lines)-1]), &last), res.stderr)
		assert.Equal(t, "end", last.Phase)
		assert.Equal(t, 4, last.FilesRead)
		assert.Equal(t, 4, last.FilesTotal)
	})
}

// TestManyFilesBadValueLeavesNoOutput: a bad value in file 500 of 501
// fails the run with that file and line, and the output is not written.
func TestManyFilesBadValueLeavesNoOutput(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in")
	require.NoError(t, os.Mkdir(in, 0o755))
	for k := range 501 {
		body := fmt.Sprintf("a,b\n%d,1\n", k)
		if k == 500 {
			body = "a,b\n500,1\n500,x\n"
		}
		require.NoError(t, os.WriteFile(filepath.Join(in, fmt.Sprintf("f%04d.csv", k)), []byte(body), 0o644))
	}
	out := filepath.Join(dir, "out.csv")
	res := cli(t, "", "--schema", "a:int64,b:int64", "-o", out, in)
	assert.Equal(t, exitData, res.code, res.stderr)
	assert.Contains(t, res.stderr, "f0500.csv:3:2: column \"b\"", "file, line and column")
	assert.NoFileExists(t, out)
	parts := filepath.Join(dir, "parts")
	res = cli(t, "", "--schema", "a:int64,b:int64", "--partition-by", "a", "-o", parts, in)
	assert.Equal(t, exitData, res.code, res.stderr)
	assert.NoDirExists(t, parts)
	left, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, left, 1, "no staging directory is left: %v", left)
}
