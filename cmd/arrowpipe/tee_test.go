package main

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// tee writes the stream as it is at its place in the chain: the same
// records as running the chain up to there, in every output format, while
// the main output is what the whole chain gives.
func TestTeeWritesTheStreamAtItsPlace(t *testing.T) {
	prefix := []string{"filter", `region == "EU" and qty > 20`, "then", "select", "id,region,qty,note"}
	want := cli(t, "", append(prefix, sample)...)
	require.Equal(t, 0, want.code, want.stderr)
	wantMain := cli(t, "", append(append(prefix, "then", "groupby", "qty", "count() as n"), sample)...)
	require.Equal(t, 0, wantMain.code, wantMain.stderr)

	for _, name := range []string{"eu.csv", "eu.ndjson.gz", "eu.parquet", "eu.arrow", "eu.tsv.zst"} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			teePath := filepath.Join(dir, name)
			args := append(append(append([]string{}, prefix...), "then", "tee", teePath, "then", "groupby", "qty", "count() as n"), sample)
			res := cli(t, "", append([]string{"--workers", "2"}, args...)...)
			require.Equal(t, 0, res.code, res.stderr)
			assert.Equal(t, wantMain.stdout, res.stdout, "main output")

			back := cli(t, "", teePath)
			require.Equal(t, 0, back.code, back.stderr)
			assertSameRecords(t, readCSV(t, want.stdout), readCSV(t, back.stdout))
			entries, err := os.ReadDir(dir)
			require.NoError(t, err)
			assert.Len(t, entries, 1, "no temporary file left")
		})
	}
}

// A tee before head still gets the whole stream: head must not stop the
// reader then.
func TestTeeBeforeHeadGetsEverything(t *testing.T) {
	teePath := filepath.Join(t.TempDir(), "all.csv")
	res := cli(t, "", "--batch-rows", "100", "tee", teePath, "then", "head", "3", sample)
	require.Equal(t, 0, res.code, res.stderr)
	assert.Len(t, readCSV(t, res.stdout), 4)
	raw, err := os.ReadFile(sample)
	require.NoError(t, err)
	got, err := os.ReadFile(teePath)
	require.NoError(t, err)
	assertSameRecords(t, readCSV(t, string(raw)), readCSV(t, string(got)))
}

// A failing run leaves neither the tee's file nor a temporary one.
func TestTeeFileOnlyOnSuccess(t *testing.T) {
	dir := t.TempDir()
	teePath := filepath.Join(dir, "part.csv")
	out := filepath.Join(dir, "out.csv")
	res := cli(t, "", "-o", out, "tee", teePath, "then", "cast", "note:int", sample)
	require.Equal(t, 2, res.code, res.stderr)
	assert.Contains(t, res.stderr, "note")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, entries)
}

func TestTeeUsageErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"stdout", []string{"tee", "-", sample}, "needs a file"},
		{"an input", []string{"tee", sample, sample}, "also an input"},
		{"the output", []string{"-o", filepath.Join(dir, "o.csv"), "tee", filepath.Join(dir, "o.csv"), sample}, "another output"},
		{"no directory", []string{"tee", filepath.Join(dir, "nope", "x.csv"), sample}, "no such directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := cli(t, "", tt.args...)
			assert.Equal(t, 1, res.code, res.stderr)
			assert.Contains(t, res.stderr, tt.want)
		})
	}
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, entries)
}

// When stdout's reader goes away early, the run ends quietly, and a tee's
// file, which would hold only part of the stream, is not written: stderr
// says so.
func TestTeeNotWrittenWhenOutputClosesEarly(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "big.csv")
	writeGenerated(t, in, 1_000_000, 5)
	teePath := filepath.Join(dir, "all.csv")

	cmd := command(t, "tee", teePath, in)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	_, err = bufio.NewReader(stdout).ReadString('\n')
	require.NoError(t, err)
	require.NoError(t, stdout.Close()) // like `| head -1`
	err = waitWithin(t, cmd, 10*time.Second)
	assert.Equal(t, 0, exitCode(t, err), stderr.String())
	assert.Contains(t, stderr.String(), "tee "+teePath+" not written")
	_, err = os.Stat(teePath)
	assert.ErrorIs(t, err, os.ErrNotExist)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 1, "only the input is left")
}
