package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rivo/uniseg"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// --to table lines up columns of wide and combining characters; --to
// markdown writes a table that Markdown reads.
func TestTableOutput(t *testing.T) {
	in := filepath.Join(t.TempDir(), "cities.csv")
	require.NoError(t, os.WriteFile(in, []byte("id,city,pop\n1,東京,37.4\n2,Zu\u0308rich,0.4\n3,,12\n"), 0o600))
	res := cli(t, "", "--to", "table", in)
	require.Equal(t, exitOK, res.code, res.stderr)
	lines := strings.Split(strings.TrimSuffix(res.stdout, "\n"), "\n")
	require.Len(t, lines, 6, res.stdout)
	assert.Equal(t, "(3 rows)", lines[5])
	// The │ of every line stands in the same columns.
	for _, l := range lines[:5] {
		cols := strings.FieldsFunc(l, func(r rune) bool { return r == '│' || r == '┼' })
		require.Len(t, cols, 3, l)
		assert.Equal(t, 4, uniseg.StringWidth(cols[0]), "%q", l)
		assert.Equal(t, 8, uniseg.StringWidth(cols[1]), "%q", l)
	}
	assert.Contains(t, res.stdout, "∅", "the empty city is null, and shows")

	md := cli(t, "", "--to", "markdown", "select", "city,pop", in)
	require.Equal(t, exitOK, md.code, md.stderr)
	assert.Equal(t, "| city   |  pop |\n|:-------|-----:|\n| 東京   | 37.4 |\n| Zu\u0308rich |  0.4 |\n| *null* |   12 |\n", md.stdout)
}

func TestTableWidthOnlyForATerminal(t *testing.T) {
	var buf strings.Builder
	assert.Zero(t, tableWidth(&options{}, &buf), "a pipe or buffer keeps whole lines")
	assert.Zero(t, tableWidth(&options{output: "x.txt"}, os.Stdout), "a file keeps whole lines")
}
