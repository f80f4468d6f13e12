package output

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/klauspost/compress/zstd"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// dirNames lists the names in dir.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	names := make([]string, len(entries))
	for i, e := range entries {
		names[i] = e.Name()
	}
	return names
}

// testData returns n bytes of compressible text with some randomness.
func testData(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 1))
	var b bytes.Buffer
	for b.Len() < n {
		fmt.Fprintf(&b, "%d,EU,widget,%d.%02d\n", r.IntN(1_000_000), r.IntN(1000), r.IntN(100))
	}
	return b.Bytes()[:n]
}

// writePieces writes data in pieces of random sizes, some larger than the
// buffer.
func writePieces(t *testing.T, f *File, data []byte, seed uint64) {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 2))
	for len(data) > 0 {
		n := min(len(data), 1+r.IntN(3<<20))
		if r.IntN(3) == 0 {
			n = min(len(data), 1+r.IntN(100))
		}
		written, err := f.Write(data[:n])
		require.NoError(t, err)
		require.Equal(t, n, written)
		data = data[n:]
	}
}

func TestCommitRenamesTempFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.csv")
	f, err := Open(path, Options{})
	require.NoError(t, err)
	assert.Equal(t, path, f.Name())
	data := testData(3<<20, 1)
	writePieces(t, f, data, 1)

	names := dirNames(t, dir)
	require.Len(t, names, 1, "only the temporary file exists before Commit")
	assert.True(t, strings.HasPrefix(names[0], ".out.csv.tmp-"), names[0])
	_, err = os.Stat(path)
	assert.ErrorIs(t, err, os.ErrNotExist)

	require.NoError(t, f.Commit())
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, data, got)
	assert.Equal(t, []string{"out.csv"}, dirNames(t, dir))
	st, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o644), st.Mode().Perm())

	assert.NoError(t, f.Abort(), "Abort after Commit does nothing")
	_, err = os.Stat(path)
	assert.NoError(t, err, "and leaves the file")
	assert.ErrorIs(t, f.Commit(), ErrClosed)
	_, err = f.Write([]byte("x"))
	assert.ErrorIs(t, err, ErrClosed)
}

func TestCommitReplacesAndKeepsMode(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.csv")
	require.NoError(t, os.WriteFile(path, []byte("old content\n"), 0o600))
	require.NoError(t, os.Chmod(path, 0o600))
	f, err := Open(path, Options{Sync: true})
	require.NoError(t, err)
	_, err = f.Write([]byte("new\n"))
	require.NoError(t, err)
	old, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "old content\n", string(old), "the path is untouched until Commit")
	require.NoError(t, f.Commit())
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "new\n", string(got))
	st, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), st.Mode().Perm())
}

func TestAbortLeavesNothing(t *testing.T) {
	for _, compress := range []string{None, Gzip, Zstd} {
		t.Run("compress="+compress, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "out.csv")
			f, err := Open(path, Options{Compress: compress})
			require.NoError(t, err)
			writePieces(t, f, testData(2<<20, 2), 2)
			require.NoError(t, f.Abort())
			require.NoError(t, f.Abort(), "idempotent")
			assert.Empty(t, dirNames(t, dir))
			assert.ErrorIs(t, f.Commit(), ErrClosed)
			assert.Empty(t, dirNames(t, dir))
		})
	}
}

func TestAbortKeepsOldFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "keep.csv")
	require.NoError(t, os.WriteFile(path, []byte("old\n"), 0o644))
	f, err := Open(path, Options{})
	require.NoError(t, err)
	writePieces(t, f, testData(3<<20, 4), 4)
	require.NoError(t, f.Abort())
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "old\n", string(got))
	assert.Equal(t, []string{"keep.csv"}, dirNames(t, dir))
}

func decompress(t *testing.T, compression string, data []byte) []byte {
	t.Helper()
	var r io.Reader
	switch compression {
	case Gzip: // the standard library's reader, independent of the writer
		gz, err := gzip.NewReader(bytes.NewReader(data))
		require.NoError(t, err)
		r = gz
	case Zstd:
		zr, err := zstd.NewReader(bytes.NewReader(data), zstd.WithDecoderConcurrency(1))
		require.NoError(t, err)
		defer zr.Close()
		r = zr
	default:
		return data
	}
	out, err := io.ReadAll(r)
	require.NoError(t, err)
	return out
}

func TestCompressionRoundTrip(t *testing.T) {
	cases := []struct {
		name, file, compress, want string
	}{
		{"ext=gz", "out.csv.gz", "", Gzip},
		{"ext=zst", "out.csv.zst", "", Zstd},
		{"option=gzip", "out.csv", Gzip, Gzip},
		{"option=zstd", "out.bin", Zstd, Zstd},
		{"option=none/ext=gz", "out.csv.gz", None, None},
		{"ext=gz/level=9", "out.csv.gz", "", Gzip},
		{"ext=zst/level=7", "out.csv.zst", "", Zstd},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, c.file)
			data := testData(2<<20, 5)
			var level int
			if _, l, ok := strings.Cut(c.name, "level="); ok {
				level, _ = strconv.Atoi(l)
			}
			f, err := Open(path, Options{Compress: c.compress, Level: level})
			require.NoError(t, err)
			writePieces(t, f, data, 5)
			require.NoError(t, f.Flush(), "a flush mid-stream keeps the stream valid")
			writePieces(t, f, data[:1000], 6)
			require.NoError(t, f.Commit())
			raw, err := os.ReadFile(path)
			require.NoError(t, err)
			if c.want != None {
				assert.Less(t, len(raw), len(data)/2, "compressed")
			}
			assert.Equal(t, append(data[:len(data):len(data)], data[:1000]...), decompress(t, c.want, raw))
			assert.Equal(t, []string{c.file}, dirNames(t, dir))
		})
	}
}

func TestStdout(t *testing.T) {
	for _, path := range []string{"", "-"} {
		for _, compress := range []string{"", Gzip, Zstd} {
			t.Run("path="+path+"/compress="+compress, func(t *testing.T) {
				var out bytes.Buffer
				f, err := Open(path, Options{Stdout: &out, Compress: compress})
				require.NoError(t, err)
				assert.Equal(t, "<stdout>", f.Name())
				_, err = f.Write([]byte("id,name\n"))
				require.NoError(t, err)
				// Each Write reaches standard output at once.
				assert.Equal(t, "id,name\n", string(decompressPrefix(t, compress, out.Bytes())))
				_, err = f.Write([]byte("1,a\n"))
				require.NoError(t, err)
				require.NoError(t, f.Commit())
				assert.Equal(t, "id,name\n1,a\n", string(decompress(t, orNone(compress), out.Bytes())))
			})
		}
	}
}

func orNone(c string) string {
	if c == "" {
		return None
	}
	return c
}

// decompressPrefix reads what a flushed, unfinished stream holds so far.
func decompressPrefix(t *testing.T, compression string, data []byte) []byte {
	t.Helper()
	var r io.Reader
	switch compression {
	case Gzip:
		gz, err := gzip.NewReader(bytes.NewReader(data))
		require.NoError(t, err)
		r = gz
	case Zstd:
		zr, err := zstd.NewReader(bytes.NewReader(data), zstd.WithDecoderConcurrency(1))
		require.NoError(t, err)
		defer zr.Close()
		r = zr
	default:
		return data
	}
	out, err := io.ReadAll(r)
	require.ErrorIs(t, err, io.ErrUnexpectedEOF, "the stream is not finished yet")
	return out
}

func TestFileBuffersUntilCommit(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.csv")
	f, err := Open(path, Options{BufferSize: 4096})
	require.NoError(t, err)
	_, err = f.Write([]byte("small\n"))
	require.NoError(t, err)
	st, err := os.Stat(filepath.Join(dir, dirNames(t, dir)[0]))
	require.NoError(t, err)
	assert.Zero(t, st.Size(), "a small write stays in the buffer")
	require.NoError(t, f.Commit())
}

func TestBrokenPipe(t *testing.T) {
	r, w, err := os.Pipe()
	require.NoError(t, err)
	defer w.Close()
	require.NoError(t, r.Close())

	f, err := Open("-", Options{Stdout: w})
	require.NoError(t, err)
	_, err = f.Write([]byte("row\n"))
	require.Error(t, err)
	assert.True(t, IsBrokenPipe(err), "%v", err)
	assert.True(t, IsBrokenPipe(fmt.Errorf("csvout: %w", err)), "through wrapping")
	assert.Contains(t, err.Error(), "<stdout>")
	_, err2 := f.Write([]byte("more\n"))
	assert.Equal(t, err, err2, "the error sticks")
	assert.True(t, IsBrokenPipe(f.Commit()))
	assert.NoError(t, f.Abort())

	assert.False(t, IsBrokenPipe(nil))
	assert.False(t, IsBrokenPipe(errors.New("broken pipe")))
	assert.False(t, IsBrokenPipe(syscall.ENOSPC))
}

type failWriter struct{}

var errDiskFull = errors.New("no space left on device")

func (failWriter) Write([]byte) (int, error) { return 0, errDiskFull }

func TestWriteErrorNamesOutput(t *testing.T) {
	f, err := Open("", Options{Stdout: failWriter{}, Compress: Zstd})
	require.NoError(t, err)
	_, err = f.Write(testData(1000, 7))
	require.ErrorIs(t, err, errDiskFull)
	assert.Contains(t, err.Error(), "output <stdout>:")
	require.ErrorIs(t, f.Commit(), errDiskFull)
}

func TestDevFull(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full")
	}
	f, err := Open("/dev/full", Options{})
	require.NoError(t, err)
	_, err = f.Write(testData(2<<20, 8)) // larger than the buffer: written at once
	require.Error(t, err)
	assert.ErrorIs(t, err, syscall.ENOSPC)
	assert.Contains(t, err.Error(), "output /dev/full:")
	assert.ErrorIs(t, f.Commit(), syscall.ENOSPC)
	assert.NoError(t, f.Abort())
}

func TestDevNullWrittenDirectly(t *testing.T) {
	if _, err := os.Stat("/dev/null"); err != nil {
		t.Skip("no /dev/null")
	}
	f, err := Open("/dev/null", Options{})
	require.NoError(t, err)
	_, err = f.Write([]byte("discarded\n"))
	require.NoError(t, err)
	require.NoError(t, f.Commit())
	st, err := os.Stat("/dev/null")
	require.NoError(t, err)
	assert.False(t, st.Mode().IsRegular(), "still the device")
}

func TestFailedRenameCleansUp(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.csv")
	f, err := Open(path, Options{Compress: Gzip})
	require.NoError(t, err)
	writePieces(t, f, testData(1<<20, 9), 9)
	// The path becomes a non-empty directory: the rename must fail.
	require.NoError(t, os.MkdirAll(filepath.Join(path, "sub"), 0o755))
	err = f.Commit()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "output "+path+":")
	assert.Equal(t, []string{"out.csv"}, dirNames(t, dir), "temporary file removed")
	assert.NoError(t, f.Abort())
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name string
		path string
		opts Options
		want string
	}{
		{"stdout-missing", "-", Options{}, "no standard output writer"},
		{"bad-compression", filepath.Join(dir, "x.csv"), Options{Compress: "lz4"}, `unknown compression "lz4"`},
		{"gzip-level", filepath.Join(dir, "x.csv.gz"), Options{Level: 10}, "gzip level 10"},
		{"zstd-level", filepath.Join(dir, "x.csv"), Options{Compress: Zstd, Level: -1}, "zstd level -1"},
		{"directory", dir, Options{}, "is a directory"},
		{"missing-dir", filepath.Join(dir, "nope", "x.csv"), Options{}, "cannot create it in " + filepath.Join(dir, "nope") + ": no such file or directory"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, err := Open(c.path, c.opts)
			require.Error(t, err)
			assert.Nil(t, f)
			assert.Contains(t, err.Error(), c.want)
			assert.NotContains(t, err.Error(), ".tmp-", "the error names the output, not its temporary file")
		})
	}
	assert.Empty(t, dirNames(t, dir), "no temporary file left by a failed Open")
}
