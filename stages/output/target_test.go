package output

import (
	"io"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// writeAndCommit writes text to a new File at path and commits it.
func writeAndCommit(t *testing.T, path, text string) {
	t.Helper()
	f, err := Open(path, Options{})
	require.NoError(t, err)
	_, err = f.Write([]byte(text))
	require.NoError(t, err)
	require.NoError(t, f.Commit())
}

func TestNewFileHonoursUmask(t *testing.T) {
	for _, mask := range []int{0o022, 0o077, 0o027, 0o002} {
		t.Run("umask="+strconv.FormatInt(int64(mask), 8), func(t *testing.T) {
			old := syscall.Umask(mask)
			defer syscall.Umask(old)
			path := filepath.Join(t.TempDir(), "out.csv")
			writeAndCommit(t, path, "a\n")
			st, err := os.Stat(path)
			require.NoError(t, err)
			// A shell redirect creates 0666 less the umask.
			assert.Equal(t, os.FileMode(0o666&^mask), st.Mode().Perm())
		})
	}
}

func TestReplacedFileKeepsModeUnderUmask(t *testing.T) {
	old := syscall.Umask(0o077)
	defer syscall.Umask(old)
	path := filepath.Join(t.TempDir(), "out.csv")
	require.NoError(t, os.WriteFile(path, []byte("old\n"), 0o600))
	require.NoError(t, os.Chmod(path, 0o664))
	writeAndCommit(t, path, "new\n")
	st, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o664), st.Mode().Perm(), "a replaced file keeps its mode")
}

// assertLink checks that path is still a symbolic link to dest.
func assertLink(t *testing.T, path, dest string) {
	t.Helper()
	st, err := os.Lstat(path)
	require.NoError(t, err)
	require.True(t, st.Mode()&os.ModeSymlink != 0, "%s must stay a symbolic link", path)
	got, err := os.Readlink(path)
	require.NoError(t, err)
	assert.Equal(t, dest, got)
}

func TestWritesThroughSymlinks(t *testing.T) {
	t.Run("relative", func(t *testing.T) {
		dir := t.TempDir()
		target := filepath.Join(dir, "target.csv")
		require.NoError(t, os.WriteFile(target, []byte("old\n"), 0o640))
		require.NoError(t, os.Chmod(target, 0o640))
		link := filepath.Join(dir, "link.csv")
		require.NoError(t, os.Symlink("target.csv", link))
		writeAndCommit(t, link, "new\n")
		assertLink(t, link, "target.csv")
		got, err := os.ReadFile(target)
		require.NoError(t, err)
		assert.Equal(t, "new\n", string(got))
		st, err := os.Stat(target)
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o640), st.Mode().Perm())
		assert.ElementsMatch(t, []string{"link.csv", "target.csv"}, dirNames(t, dir))
	})
	t.Run("chain-across-directories", func(t *testing.T) {
		linkDir, dataDir := t.TempDir(), t.TempDir()
		target := filepath.Join(dataDir, "target.csv")
		require.NoError(t, os.WriteFile(target, []byte("old\n"), 0o644))
		mid := filepath.Join(dataDir, "mid.csv")
		require.NoError(t, os.Symlink("target.csv", mid))
		link := filepath.Join(linkDir, "link.csv")
		require.NoError(t, os.Symlink(mid, link))
		f, err := Open(link, Options{})
		require.NoError(t, err)
		_, err = f.Write([]byte("new\n"))
		require.NoError(t, err)
		// The temporary file sits next to the file it replaces, so the
		// rename stays within one directory (one file system).
		assert.Len(t, dirNames(t, dataDir), 3)
		assert.Equal(t, []string{"link.csv"}, dirNames(t, linkDir))
		require.NoError(t, f.Commit())
		assertLink(t, link, mid)
		assertLink(t, mid, "target.csv")
		got, err := os.ReadFile(target)
		require.NoError(t, err)
		assert.Equal(t, "new\n", string(got))
		assert.ElementsMatch(t, []string{"mid.csv", "target.csv"}, dirNames(t, dataDir))
	})
	t.Run("dangling", func(t *testing.T) {
		dir := t.TempDir()
		link := filepath.Join(dir, "link.csv")
		require.NoError(t, os.Symlink("new.csv", link))
		writeAndCommit(t, link, "made\n")
		assertLink(t, link, "new.csv")
		got, err := os.ReadFile(filepath.Join(dir, "new.csv"))
		require.NoError(t, err)
		assert.Equal(t, "made\n", string(got))
	})
	t.Run("abort", func(t *testing.T) {
		dir := t.TempDir()
		target := filepath.Join(dir, "target.csv")
		require.NoError(t, os.WriteFile(target, []byte("old\n"), 0o644))
		link := filepath.Join(dir, "link.csv")
		require.NoError(t, os.Symlink("target.csv", link))
		f, err := Open(link, Options{})
		require.NoError(t, err)
		_, err = f.Write([]byte("new\n"))
		require.NoError(t, err)
		require.NoError(t, f.Abort())
		assertLink(t, link, "target.csv")
		got, err := os.ReadFile(target)
		require.NoError(t, err)
		assert.Equal(t, "old\n", string(got))
		assert.ElementsMatch(t, []string{"link.csv", "target.csv"}, dirNames(t, dir))
	})
	t.Run("loop", func(t *testing.T) {
		dir := t.TempDir()
		a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
		require.NoError(t, os.Symlink("b", a))
		require.NoError(t, os.Symlink("a", b))
		f, err := Open(a, Options{})
		require.Error(t, err)
		assert.Nil(t, f)
		assert.Contains(t, err.Error(), "output "+a+":")
		assert.ElementsMatch(t, []string{"a", "b"}, dirNames(t, dir))
	})
}

func TestLinkToDeviceWrittenInPlace(t *testing.T) {
	if _, err := os.Stat("/dev/null"); err != nil {
		t.Skip("no /dev/null")
	}
	dir := t.TempDir()
	link := filepath.Join(dir, "sink")
	require.NoError(t, os.Symlink("/dev/null", link))
	writeAndCommit(t, link, "discarded\n")
	assertLink(t, link, "/dev/null")
	st, err := os.Stat("/dev/null")
	require.NoError(t, err)
	assert.False(t, st.Mode().IsRegular(), "still the device")
	assert.Equal(t, []string{"sink"}, dirNames(t, dir))
}

// A link into /proc/self/fd names an open descriptor (as /dev/stdout
// does): the output goes to that descriptor's file, in place, even when
// it is a regular file, and nothing is renamed.
func TestDescriptorLinkWrittenInPlace(t *testing.T) {
	if _, err := os.Stat("/proc/self/fd"); err != nil {
		t.Skip("no /proc/self/fd")
	}
	t.Run("pipe", func(t *testing.T) {
		r, w, err := os.Pipe()
		require.NoError(t, err)
		defer r.Close()
		defer w.Close()
		dir := t.TempDir()
		link := filepath.Join(dir, "out")
		fdPath := "/proc/self/fd/" + strconv.Itoa(int(w.Fd()))
		require.NoError(t, os.Symlink(fdPath, link))
		done := make(chan []byte, 1)
		go func() {
			b, _ := io.ReadAll(r)
			done <- b
		}()
		writeAndCommit(t, link, "through the pipe\n")
		require.NoError(t, w.Close())
		assert.Equal(t, "through the pipe\n", string(<-done))
		assertLink(t, link, fdPath)
		assert.Equal(t, []string{"out"}, dirNames(t, dir))
	})
	t.Run("regular", func(t *testing.T) {
		dir := t.TempDir()
		file := filepath.Join(dir, "stdout.txt")
		require.NoError(t, os.WriteFile(file, []byte("old content\n"), 0o644))
		held, err := os.OpenFile(file, os.O_WRONLY, 0)
		require.NoError(t, err)
		defer held.Close()
		before, err := held.Stat()
		require.NoError(t, err)
		writeAndCommit(t, "/proc/self/fd/"+strconv.Itoa(int(held.Fd())), "new\n")
		after, err := os.Stat(file)
		require.NoError(t, err)
		assert.True(t, os.SameFile(before, after), "written in place, not replaced")
		got, err := os.ReadFile(file)
		require.NoError(t, err)
		assert.Equal(t, "new\n", string(got), "truncated as by a shell redirect")
		assert.Equal(t, []string{"stdout.txt"}, dirNames(t, dir))
	})
}
