package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestGenOutputNameFitsItsFormat: gen writes CSV or NDJSON, so an -o name
// that asks for another format (or names none) is a usage error, and
// nothing is written; names that fit, compressed or not, are written.
func TestGenOutputNameFitsItsFormat(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		args []string
		ok   bool
	}{
		{[]string{"-o", "x.parquet"}, false},
		{[]string{"-o", "x.txt"}, false},
		{[]string{"-o", "x.csv.bz2"}, false},
		{[]string{"-o", "x.json"}, false},
		{[]string{"--format", "ndjson", "-o", "x.csv"}, false},
		{[]string{"-o", "x.csv.gz"}, true},
		{[]string{"--format", "ndjson", "-o", "x.json"}, true},
		{[]string{"-o", "x"}, true},
	} {
		args := append([]string{"gen", "--rows", "3"}, c.args...)
		path := filepath.Join(dir, c.args[len(c.args)-1])
		args[len(args)-1] = path
		res := cli(t, "", args...)
		if !c.ok {
			assert.Equal(t, exitUsage, res.code, "%v: %s", c.args, res.stderr)
			_, err := os.Stat(path)
			assert.True(t, os.IsNotExist(err), "%v wrote a file", c.args)
			continue
		}
		require.Equal(t, exitOK, res.code, "%v: %s", c.args, res.stderr)
		_, err := os.Stat(path)
		assert.NoError(t, err, "%v", c.args)
	}
}
