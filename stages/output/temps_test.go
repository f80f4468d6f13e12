package output

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTempFiles(t *testing.T) {
	dir := t.TempDir()
	var temps TempFiles
	open := func(name string) *File {
		f, err := Open(filepath.Join(dir, name), Options{Temps: &temps})
		require.NoError(t, err)
		_, err = f.Write([]byte("data\n"))
		require.NoError(t, err)
		return f
	}
	committed, aborted, live, zst := open("a.csv"), open("b.csv"), open("c.csv"), open("d.csv.zst")
	require.Len(t, temps.paths, 4)
	require.Len(t, dirNames(t, dir), 4, "four temporary files")

	require.NoError(t, committed.Commit())
	require.NoError(t, aborted.Abort())
	assert.Len(t, temps.paths, 2, "Commit and Abort take their file off the list")
	assert.ElementsMatch(t, []string{"a.csv", filepath.Base(live.tmp.Name()), filepath.Base(zst.tmp.Name())}, dirNames(t, dir))

	// A hurried exit: the files still being written lose their temporary
	// files; the committed output stays.
	require.NoError(t, temps.RemoveAll())
	assert.Empty(t, temps.paths)
	assert.Equal(t, []string{"a.csv"}, dirNames(t, dir))
	got, err := os.ReadFile(filepath.Join(dir, "a.csv"))
	require.NoError(t, err)
	assert.Equal(t, "data\n", string(got))
	require.NoError(t, temps.RemoveAll(), "nothing left to remove")

	// Writers of the removed files finish without leaving anything: the
	// rename fails and nothing appears at their paths.
	assert.Error(t, live.Commit())
	require.NoError(t, zst.Abort())
	assert.Equal(t, []string{"a.csv"}, dirNames(t, dir))
}

func TestTempFilesNotNeeded(t *testing.T) {
	// Without Options.Temps nothing is recorded, and stdout has no
	// temporary file to record.
	var temps TempFiles
	f, err := Open("-", Options{Stdout: &discard{}, Temps: &temps})
	require.NoError(t, err)
	assert.Empty(t, temps.paths)
	require.NoError(t, f.Commit())
	g, err := Open(filepath.Join(t.TempDir(), "x.csv"), Options{})
	require.NoError(t, err)
	require.NoError(t, g.Abort())
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

func TestTempFilesTrackDir(t *testing.T) {
	parent := t.TempDir()
	var temps TempFiles
	mk := func(name string) string {
		d := filepath.Join(parent, name)
		require.NoError(t, os.MkdirAll(filepath.Join(d, "sub"), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(d, "sub", "run-1.arrows"), []byte("x"), 0o644))
		return d
	}
	kept, removed := mk("kept"), mk("removed")
	untrack := temps.TrackDir(kept)
	temps.TrackDir(removed)
	untrack()
	require.NoError(t, temps.RemoveAll())
	assert.Equal(t, []string{"kept"}, dirNames(t, parent), "an untracked directory stays, a tracked one goes with its files")
	require.NoError(t, temps.RemoveAll(), "nothing left to remove")

	var none *TempFiles
	none.TrackDir(kept)() // a nil list records nothing
}
