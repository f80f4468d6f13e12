package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/klauspost/compress/gzip"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/stages/format"
	"github.com/arrowpipe/arrowpipe/stages/input"
)

// TestFormatTableAgreesEverywhere walks the one format table and checks
// that input detection, output naming and --from/--to agree on it: every
// name given to --to writes that format and given to --from reads it back;
// every extension, bare and followed by each compression extension, is
// written by -o and by tee in that format and compression, and detected as
// that format on input. What was written is judged by its bytes (magic
// numbers, first line), not by the name it was given.
func TestFormatTableAgreesEverywhere(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.csv")
	raw, err := os.ReadFile(sample)
	require.NoError(t, err)
	lines := strings.SplitAfter(string(raw), "\n")
	require.Greater(t, len(lines), 41)
	require.NoError(t, os.WriteFile(in, []byte(strings.Join(lines[:41], "")), 0o600))
	want := readCSV(t, strings.Join(lines[:41], ""))

	for _, f := range format.Formats() {
		for i, name := range f.Names() {
			t.Run("format="+f.String()+"/name="+name, func(t *testing.T) {
				got, err := outputFormat(&options{to: strings.ToUpper(name), output: "out.bin"})
				require.NoError(t, err)
				assert.Equal(t, f, got, "--to %s", strings.ToUpper(name))

				path := filepath.Join(dir, fmt.Sprintf("%s-%d.bin", f, i))
				res := cli(t, "", "--to", name, "-o", path, in)
				require.Equal(t, 0, res.code, res.stderr)
				assertWritten(t, path, f, format.None)
				res = cli(t, "", "--from", name, path)
				require.Equal(t, 0, res.code, res.stderr)
				assertSameRecords(t, want, readCSV(t, res.stdout))
			})
		}
		for _, ext := range f.Extensions() {
			for _, c := range format.Compressions() {
				suffixes := c.Extensions()
				if c == format.None {
					suffixes = []string{""}
				}
				for _, suffix := range suffixes {
					file := "out" + strings.ToUpper(ext) + suffix
					t.Run("format="+f.String()+"/file="+file, func(t *testing.T) {
						path := filepath.Join(t.TempDir(), file)
						res := cli(t, "", "-o", path, in)
						if columnar(f) && c != format.None {
							// No other reader takes a compressed Parquet or
							// Arrow file: refused, for -o and tee alike.
							require.Equal(t, exitUsage, res.code, res.stderr)
							assert.Contains(t, res.stderr, "not supported")
							res = cli(t, "", "tee", filepath.Join(t.TempDir(), "tee"+ext+suffix), in)
							require.Equal(t, exitUsage, res.code, res.stderr)
							assert.Contains(t, res.stderr, "not supported")
							return
						}
						require.Equal(t, 0, res.code, res.stderr)
						assertWritten(t, path, f, c)
						if c == format.None || f != format.Parquet {
							// Parquet needs random access: not compressed.
							res = cli(t, "", path)
							require.Equal(t, 0, res.code, res.stderr)
							assertSameRecords(t, want, readCSV(t, res.stdout))
						}
						tee := filepath.Join(t.TempDir(), "tee"+ext+suffix)
						res = cli(t, "", "tee", tee, in)
						require.Equal(t, 0, res.code, res.stderr)
						assertWritten(t, tee, f, c)
					})
				}
			}
		}
	}
}

func columnar(f format.Format) bool {
	return f == format.Parquet || f == format.ArrowFile || f == format.ArrowStream
}

// Arrow IPC compressed whole by another program still reads.
func TestCompressedArrowInputReads(t *testing.T) {
	dir := t.TempDir()
	plain := filepath.Join(dir, "x.arrows")
	res := cli(t, "", "-o", plain, sample)
	require.Equal(t, exitOK, res.code, res.stderr)
	raw, err := os.ReadFile(plain)
	require.NoError(t, err)
	var zipped bytes.Buffer
	zw := gzip.NewWriter(&zipped)
	_, err = zw.Write(raw)
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	gz := filepath.Join(dir, "x.arrows.gz")
	require.NoError(t, os.WriteFile(gz, zipped.Bytes(), 0o600))
	// NDJSON writes the types: CSV to CSV would repeat the input's text.
	want := cli(t, "", "--to", "ndjson", sample)
	got := cli(t, "", "--to", "ndjson", gz)
	require.Equal(t, exitOK, got.code, got.stderr)
	assert.Equal(t, want.stdout, got.stdout)
}

// assertWritten checks that path holds format f compressed with c, by
// content, and that input detection names it f.
func assertWritten(t *testing.T, path string, f format.Format, c format.Compression) {
	t.Helper()
	in, err := input.Open(context.Background(), path, nil)
	require.NoError(t, err)
	defer in.Close()
	assert.Equal(t, c, in.Compression, "compression of %s", path)
	peek, err := in.Peek(4096)
	require.NoError(t, err)
	assert.Equal(t, f, input.Sniff(peek), "content of %s", path)
	detected, err := input.DetectFormat(path, "", peek)
	require.NoError(t, err)
	assert.Equal(t, f, detected, "detected format of %s", path)
}
