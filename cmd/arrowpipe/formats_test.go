package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRoundTripThroughEveryFormat converts the sample CSV → Parquet →
// NDJSON → Arrow file → Arrow stream → zstd CSV → gzip TSV → CSV and
// compares the records with the original, field by field.
func TestRoundTripThroughEveryFormat(t *testing.T) {
	dir := t.TempDir()
	path := func(name string) string { return filepath.Join(dir, name) }
	steps := []struct{ from, to string }{
		{sample, path("a.parquet")},
		{path("a.parquet"), path("b.ndjson")},
		{path("b.ndjson"), path("c.arrow")},
		{path("c.arrow"), path("d.arrows")},
		{path("d.arrows"), path("e.csv.zst")},
		{path("e.csv.zst"), path("f.tsv.gz")},
		{path("f.tsv.gz"), path("g.csv")},
	}
	for _, s := range steps {
		res := cli(t, "", "-o", s.to, s.from)
		require.Equal(t, 0, res.code, "%s -> %s: %s", s.from, s.to, res.stderr)
	}
	raw, err := os.ReadFile(sample)
	require.NoError(t, err)
	got, err := os.ReadFile(path("g.csv"))
	require.NoError(t, err)
	assertSameRecords(t, readCSV(t, string(raw)), readCSV(t, string(got)))

	// The same through pipes, formats sniffed on stdin.
	res := cli(t, "", "--to", "arrows", sample)
	require.Equal(t, 0, res.code, res.stderr)
	res = cli(t, res.stdout, "--to", "ndjson")
	require.Equal(t, 0, res.code, res.stderr)
	res = cli(t, res.stdout)
	require.Equal(t, 0, res.code, res.stderr)
	assertSameRecords(t, readCSV(t, string(raw)), readCSV(t, res.stdout))
}

func TestFormatErrors(t *testing.T) {
	dir := t.TempDir()
	pq := filepath.Join(dir, "a.parquet")
	require.Equal(t, 0, cli(t, "", "-o", pq, sample).code)
	data, err := os.ReadFile(pq)
	require.NoError(t, err)

	res := cli(t, string(data), "--from", "parquet")
	assert.Equal(t, exitData, res.code)
	assert.Contains(t, res.stderr, "seekable")

	// Parquet to standard output (not a terminal here) is written as -o
	// writes it.
	res = cli(t, "", "--to", "parquet", sample)
	assert.Equal(t, exitOK, res.code, res.stderr)
	assert.Equal(t, string(data), res.stdout)

	// Files of different formats, or different columns, combine by name
	// (issue 17); --strict-schema still wants the same columns.
	res = cli(t, "", "count", pq, sample)
	assert.Equal(t, 0, res.code, res.stderr)

	other := filepath.Join(dir, "other.csv")
	require.NoError(t, os.WriteFile(other, []byte("x,y\n1,2\n"), 0o644))
	res = cli(t, "", "--strict-schema", sample, other)
	assert.Equal(t, exitUsage, res.code)
	assert.Contains(t, res.stderr, "other.csv")
}
