package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// byName reorders the columns of CSV records to names (the first record
// is the header); a missing column is an error.
func byName(t *testing.T, recs [][]string, names []string) [][]string {
	t.Helper()
	idx := make([]int, len(names))
	for i, n := range names {
		idx[i] = -1
		for j, h := range recs[0] {
			if h == n {
				idx[i] = j
			}
		}
		require.GreaterOrEqual(t, idx[i], 0, "no column %q in %v", n, recs[0])
	}
	out := make([][]string, len(recs))
	for r, rec := range recs {
		out[r] = make([]string, len(idx))
		for i, j := range idx {
			out[r][i] = rec[j]
		}
	}
	return out
}

// TestManyFilesMatchDuckDB compares union by name, the file-name column
// and hive partitions with DuckDB's answers on the same files
// (testdata/manyfiles/make.cjs).
func TestManyFilesMatchDuckDB(t *testing.T) {
	t.Chdir("testdata/manyfiles")
	for _, c := range []struct {
		name     string
		args     []string
		expected string
	}{
		{"union by name", []string{"--filename-column", "filename", "drift/*.csv"}, "expected-drift.csv"},
		{"union by name, directory", []string{"--filename-column", "filename", "drift"}, "expected-drift.csv"},
		{"hive", []string{"sort", "id", "hive"}, "expected-hive.csv"},
		{"hive filtered", []string{"filter", "year == 2026", "then", "sort", "id", "hive"}, "expected-hive-2026.csv"},
	} {
		t.Run(c.name, func(t *testing.T) {
			res := cli(t, "", c.args...)
			require.Equal(t, 0, res.code, res.stderr)
			raw, err := os.ReadFile(c.expected)
			require.NoError(t, err)
			want := readCSV(t, string(raw))
			got := readCSV(t, res.stdout)
			assertSameRecords(t, want, byName(t, got, want[0]))
			assert.Len(t, got[0], len(want[0]), "no other column")
		})
	}
	t.Run("filter skips files", func(t *testing.T) {
		res := cli(t, "", "--stats", "filter", "year == 2026", "hive/")
		require.Equal(t, 0, res.code, res.stderr)
		assert.Contains(t, res.stderr, "read 2 file(s), skipped 2 by their partition values")
	})
	t.Run("strict schema", func(t *testing.T) {
		res := cli(t, "", "--strict-schema", "drift/*.csv")
		assert.Equal(t, exitUsage, res.code)
		assert.Contains(t, res.stderr, "drift/b.csv has columns price,id,extra but drift/a.csv has id,name,price,qty")
	})
	t.Run("no match", func(t *testing.T) {
		res := cli(t, "", "drift/*.tsv")
		assert.NotEqual(t, 0, res.code)
		assert.Contains(t, res.stderr, "drift/*.tsv: input: no file matches")
	})
}

func TestGlobOrderAndRecursion(t *testing.T) {
	dir := t.TempDir()
	for _, p := range []string{"b/2.csv", "a/10.csv", "a/9.csv", "a/deep/1.csv"} {
		path := filepath.Join(dir, p)
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte("f\n"+p+"\n"), 0o644))
	}
	res := cli(t, "", filepath.Join(dir, "*/*.csv"))
	require.Equal(t, 0, res.code, res.stderr)
	assert.Equal(t, "f\na/10.csv\na/9.csv\nb/2.csv\n", res.stdout, "sorted by path, one level")
	res = cli(t, "", filepath.Join(dir, "**/*.csv"))
	require.Equal(t, 0, res.code, res.stderr)
	assert.Equal(t, "f\na/10.csv\na/9.csv\na/deep/1.csv\nb/2.csv\n", res.stdout)
}

func TestPartitionByCommandLine(t *testing.T) {
	parent := t.TempDir()
	in := filepath.Join(parent, "in.csv")
	var b strings.Builder
	b.WriteString("id,k,v\n")
	keys := []string{"EU", "../../etc", "a/b", "", ".."}
	for i := range 500 {
		fmt.Fprintf(&b, "%d,%s,%d\n", i, keys[i%len(keys)], i*3)
	}
	require.NoError(t, os.WriteFile(in, []byte(b.String()), 0o644))
	out := filepath.Join(parent, "out")
	for _, to := range []string{"csv", "parquet", "ndjson"} {
		t.Run("to="+to, func(t *testing.T) {
			res := cli(t, "", "--partition-by", "k", "--to", to, "--overwrite", "-o", out, in)
			require.Equal(t, 0, res.code, res.stderr)
			assert.Contains(t, res.stderr, "wrote 5 file(s), 500 row(s)")
			ents, err := os.ReadDir(parent)
			require.NoError(t, err)
			assert.Len(t, ents, 2, "in.csv and out: nothing outside, no staging left")
			res = cli(t, "", "sort", "id", "then", "select", "id,k,v", out)
			require.Equal(t, 0, res.code, res.stderr)
			raw, _ := os.ReadFile(in)
			assertSameRecords(t, readCSV(t, string(raw)), readCSV(t, res.stdout))
		})
	}
	t.Run("failure leaves nothing", func(t *testing.T) {
		bad := filepath.Join(parent, "bad.csv")
		require.NoError(t, os.WriteFile(bad, []byte(b.String()+strings.Repeat("9,EU,1\n", 1000)+"x,EU,oops\n"), 0o644))
		fresh := filepath.Join(parent, "fresh")
		// The filter reads v, so "oops" fails the run (a column no verb
		// reads would pass as its text).
		res := cli(t, "", "--partition-by", "k", "-o", fresh, "filter", "v >= 0", bad)
		assert.Equal(t, exitData, res.code, res.stderr)
		_, err := os.Stat(fresh)
		assert.ErrorIs(t, err, os.ErrNotExist)
		ents, _ := filepath.Glob(filepath.Join(parent, ".*"))
		assert.Empty(t, ents, "no staging directory left")
		res = cli(t, "", "--partition-by", "k", "--overwrite", "-o", out, "filter", "v >= 0", bad)
		assert.Equal(t, exitData, res.code, res.stderr)
		res = cli(t, "", "count", out)
		assert.Equal(t, "count\n500\n", res.stdout, "the old output stays")
	})
	t.Run("usage", func(t *testing.T) {
		assert.Contains(t, cli(t, "", "--partition-by", "k", in).stderr, "give -o DIR")
		assert.Contains(t, cli(t, "", "--partition-by", "k", "-o", out, in).stderr, "give --overwrite")
		assert.Contains(t, cli(t, "", "--partition-by", "nope", "-o", filepath.Join(parent, "n"), in).stderr, `no column "nope"`)
		assert.Contains(t, cli(t, "", "--overwrite", in).stderr, "--overwrite applies to")
		assert.Contains(t, cli(t, "", "--split-bytes", "0", "-o", out, in).stderr, "--split-bytes")
	})
}

// TestOpenFileCap runs 300 input files into 200 partitions with at most
// 64 descriptors (ulimit -n 64): the default --max-open-files fits.
func TestOpenFileCap(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh to set the open-file limit")
	}
	dir := t.TempDir()
	ins := filepath.Join(dir, "in")
	require.NoError(t, os.Mkdir(ins, 0o755))
	for f := range 300 {
		var b strings.Builder
		b.WriteString("k,n\n")
		for r := range 20 {
			fmt.Fprintf(&b, "%d,%d\n", (f*20+r)%200, f*20+r)
		}
		require.NoError(t, os.WriteFile(filepath.Join(ins, fmt.Sprintf("f%03d.csv", f)), []byte(b.String()), 0o644))
	}
	exe, err := os.Executable()
	require.NoError(t, err)
	out := filepath.Join(dir, "out")
	for _, to := range []string{"csv", "parquet"} {
		t.Run("to="+to, func(t *testing.T) {
			cmd := exec.Command(sh, "-c", `ulimit -n 64 && exec "$@"`, "sh",
				exe, "--partition-by", "k", "--to", to, "--overwrite", "--max-memory", "4MiB", "-o", out, filepath.Join(ins, "*.csv"))
			cmd.Env = append(os.Environ(), "ARROWPIPE_AS_MAIN=1")
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			require.NoError(t, cmd.Start())
			require.NoError(t, waitWithin(t, cmd, 60*time.Second), stderr.String())
			assert.Contains(t, stderr.String(), "wrote 200 file(s), 6000 row(s)")
			res := cli(t, "", "groupby", "k", "count()", "then", "filter", "count != 30", out)
			require.Equal(t, 0, res.code, res.stderr)
			assert.Equal(t, "k,count\n", res.stdout, "30 rows in each of the 200 partitions")
		})
	}
}

// TestMixedFormats reads a Parquet file and CSV files in one run: the
// same rows as reading the CSV files alone.
func TestMixedFormats(t *testing.T) {
	dir := t.TempDir()
	pq := filepath.Join(dir, "a.parquet")
	res := cli(t, "", "-o", pq, "testdata/manyfiles/drift/a.csv")
	require.Equal(t, 0, res.code, res.stderr)
	for _, workers := range []string{"1", "4"} {
		want := cli(t, "", "--workers", workers, "testdata/manyfiles/drift/a.csv", "testdata/manyfiles/drift/b.csv", "testdata/manyfiles/drift/c.csv")
		require.Equal(t, 0, want.code, want.stderr)
		got := cli(t, "", "--workers", workers, pq, "testdata/manyfiles/drift/b.csv", "testdata/manyfiles/drift/c.csv")
		require.Equal(t, 0, got.code, got.stderr)
		assertSameRecords(t, readCSV(t, want.stdout), readCSV(t, got.stdout))
	}
}
