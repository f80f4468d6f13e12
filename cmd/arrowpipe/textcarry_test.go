package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A column that no verb reads passes from CSV to CSV as its text: a value
// after the inference sample that does not fit its inferred type ("A12"
// in an int64 column) does not fail the run, and "2.50" stays "2.50".
// Typed outputs, and verbs that read the column, keep the inferred type
// and fail with the place and the way out.
func TestUntouchedColumnsKeepTheirText(t *testing.T) {
	var in, want strings.Builder
	in.WriteString("a,b,c\n")
	want.WriteString("a,b,c\n")
	for i := range 1600 {
		a := fmt.Sprint(i)
		if i == 1500 {
			a = "A12"
		}
		line := fmt.Sprintf("%s,%s,%d.50\n", a, []string{"x", "y"}[i%2], i)
		in.WriteString(line)
		if i%2 == 1 {
			want.WriteString(line)
		}
	}
	path := filepath.Join(t.TempDir(), "drift.csv")
	require.NoError(t, os.WriteFile(path, []byte(in.String()), 0o600))

	for _, workers := range []string{"1", "4"} {
		for _, handoff := range []string{"shared", "copy", "auto"} {
			args := []string{"--workers", workers, "--handoff", handoff, "--batch-rows", "7", "filter", "b == 'y'", path}
			res := cli(t, "", args...)
			require.Equal(t, exitOK, res.code, res.stderr)
			assert.Equal(t, want.String(), res.stdout, args)
		}
	}

	res := cli(t, "", path)
	require.Equal(t, exitOK, res.code, res.stderr)
	assert.Equal(t, in.String(), res.stdout, "a pass-through repeats its input")

	for _, args := range [][]string{
		{"--to", "ndjson", "filter", "b == 'y'", path},
		{"filter", "a > 3", path},
	} {
		res = cli(t, "", args...)
		assert.Equal(t, exitData, res.code, "%v: %s", args, res.stderr)
		assert.Contains(t, res.stderr, path+":1502:1", args)
		assert.Contains(t, res.stderr, "--schema a:string", args)
	}
}
