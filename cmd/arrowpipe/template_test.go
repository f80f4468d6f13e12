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

// TestOutputTemplate writes through -o templates with key values unsafe
// as paths and reads the root back: hive-style directories give the key
// column again (left out of the files), a file-name template keeps it in
// the files; both give every row once, and nothing lands outside the root.
func TestOutputTemplate(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.csv")
	var b strings.Builder
	b.WriteString("k,n\n")
	keys := []string{"EU", `"../../etc"`, `"a/b"`, "", ".", `".."`, "_x", `"100%"`, `"{x}"`}
	for r := range 200 {
		fmt.Fprintf(&b, "%s,%d\n", keys[r%len(keys)], r)
	}
	require.NoError(t, os.WriteFile(in, []byte(b.String()), 0o644))
	want := cli(t, "", "groupby", "k", "count(), sum(n)", "then", "sort", "k", in)
	require.Equal(t, 0, want.code, want.stderr)

	for _, c := range []struct{ name, tmpl string }{
		{"hive", "out1/k={k}/part.parquet"},
		{"hive-csv", "out2/k={k}/data.csv.gz"},
		{"filename", "out3/data-{k}.parquet"},
	} {
		t.Run(c.name, func(t *testing.T) {
			res := cli(t, "", "--max-open-files", "3", "-o", filepath.Join(dir, c.tmpl), in)
			require.Equal(t, 0, res.code, res.stderr)
			assert.Contains(t, res.stderr, fmt.Sprintf("wrote %d file(s), 200 row(s)", len(keys)))
			root := filepath.Join(dir, strings.SplitN(c.tmpl, "/", 2)[0])
			got := cli(t, "", "groupby", "k", "count(), sum(n)", "then", "sort", "k", root)
			require.Equal(t, 0, got.code, got.stderr)
			assert.Equal(t, want.stdout, got.stdout)
		})
	}
	ents, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	assert.Equal(t, []string{"in.csv", "out1", "out2", "out3"}, names, "nothing outside the roots, no staging left")

	for _, c := range []struct {
		args []string
		msg  string
	}{
		{[]string{"-o", filepath.Join(dir, "bad/{kk}.csv")}, `did you mean "k"?`},
		{[]string{"-o", "{k}.csv"}, "must be below a directory"},
		{[]string{"-o", filepath.Join(dir, "bad/{k.csv")}, "does not close"},
		{[]string{"--partition-by", "k", "-o", filepath.Join(dir, "bad/{k}.csv")}, "no --partition-by"},
		{[]string{"--split-rows", "5", "-o", filepath.Join(dir, "bad/{k}.csv")}, "--split-rows"},
	} {
		res := cli(t, "", append(c.args, in)...)
		assert.Equal(t, 1, res.code, res.stderr)
		assert.Contains(t, res.stderr, c.msg)
	}
	require.NoError(t, os.RemoveAll(filepath.Join(dir, "bad")))

	// Two keys that make one file fail the run: nothing is written.
	clash := filepath.Join(dir, "clash.csv")
	require.NoError(t, os.WriteFile(clash, []byte("a,b,n\nx,yz,1\nxy,z,2\n"), 0o644))
	res := cli(t, "", "-o", filepath.Join(dir, "out4/{a}{b}.csv"), clash)
	assert.NotEqual(t, 0, res.code)
	assert.Contains(t, res.stderr, "both make the file xyz.csv")
	_, err = os.Stat(filepath.Join(dir, "out4"))
	assert.True(t, os.IsNotExist(err), "a failed run leaves no directory")
}

// TestOutputTemplateOpenFileCap writes 200 keys through a template with
// the process limited to 64 open files.
func TestOutputTemplateOpenFileCap(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh to set the open-file limit")
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "in.csv")
	var b strings.Builder
	b.WriteString("k,n\n")
	for r := range 4000 {
		fmt.Fprintf(&b, "%d,%d\n", r%200, r)
	}
	require.NoError(t, os.WriteFile(in, []byte(b.String()), 0o644))
	exe, err := os.Executable()
	require.NoError(t, err)
	out := filepath.Join(dir, "out")
	cmd := exec.Command(sh, "-c", `ulimit -n 64 && exec "$@"`, "sh", exe, "--max-memory", "4MiB", "-o", out+"/k={k}/part.parquet", in)
	cmd.Env = append(os.Environ(), "ARROWPIPE_AS_MAIN=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	require.NoError(t, waitWithin(t, cmd, 60*time.Second), stderr.String())
	assert.Contains(t, stderr.String(), "wrote 200 file(s), 4000 row(s)")
	res := cli(t, "", "groupby", "k", "count()", "then", "filter", "count != 20", out)
	require.Equal(t, 0, res.code, res.stderr)
	assert.Equal(t, "k,count\n", res.stdout, "20 rows in each of the 200 files")
}
