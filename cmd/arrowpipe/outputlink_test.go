package main

import (
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// -o writes through a symbolic link to the file it names, which gets the
// mode a shell redirect would give it.
func TestOutputThroughLinkHonoursUmask(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no umask")
	}
	old := syscall.Umask(0o077)
	defer syscall.Umask(old)
	dir := t.TempDir()
	link := filepath.Join(dir, "latest.csv")
	require.NoError(t, os.Symlink("run1.csv", link))
	res := cli(t, "", "-o", link, "head", "2", sample)
	require.Equal(t, exitOK, res.code, res.stderr)
	st, err := os.Lstat(link)
	require.NoError(t, err)
	assert.True(t, st.Mode()&os.ModeSymlink != 0, "the link stays a link")
	target := filepath.Join(dir, "run1.csv")
	st, err = os.Stat(target)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), st.Mode().Perm(), "0666 less umask 077")
	assertSameRecords(t, sampleRows(t)[:3], readCSVFile(t, target))
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 2, "no temporary file left")
}
