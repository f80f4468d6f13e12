package input

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/arrowpipe/arrowpipe/stages/format"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func gzipBytes(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	_, err := w.Write(b)
	require.NoError(t, err)
	require.NoError(t, w.Close())
	return buf.Bytes()
}

func zstdBytes(t *testing.T, b []byte) []byte {
	t.Helper()
	w, err := zstd.NewWriter(nil)
	require.NoError(t, err)
	defer w.Close()
	return w.EncodeAll(b, nil)
}

// payload is large enough to span several decoder blocks.
func payload() []byte {
	var b bytes.Buffer
	for i := 0; b.Len() < 600<<10; i++ {
		b.WriteString("a,b,c,")
		b.WriteString(time.Unix(int64(i)*7919, 0).UTC().Format(time.RFC3339))
		b.WriteByte('\n')
	}
	return b.Bytes()
}

func TestOpenDecompresses(t *testing.T) {
	plain := payload()
	cases := []struct {
		name string
		data []byte
		want format.Compression
	}{
		{"none", plain, format.None},
		{"gzip", gzipBytes(t, plain), format.Gzip},
		{"zstd", zstdBytes(t, plain), format.Zstd},
	}
	for _, tc := range cases {
		for _, src := range []string{"file", "stdin"} {
			t.Run("compression="+tc.name+"/source="+src, func(t *testing.T) {
				path := "-"
				var stdin io.Reader = bytes.NewReader(tc.data)
				if src == "file" {
					path = filepath.Join(t.TempDir(), "data.csv")
					require.NoError(t, os.WriteFile(path, tc.data, 0o600))
					stdin = nil
				}
				in, err := Open(context.Background(), path, stdin)
				require.NoError(t, err)
				defer in.Close()
				assert.Equal(t, tc.want, in.Compression)
				got, err := io.ReadAll(in)
				require.NoError(t, err)
				assert.Equal(t, plain, got)
				assert.Equal(t, int64(len(tc.data)), in.BytesRead())
				if src == "file" {
					assert.Equal(t, int64(len(tc.data)), in.Size())
					assert.Equal(t, tc.want == format.None, in.Seekable())
				} else {
					assert.Equal(t, int64(-1), in.Size())
					assert.False(t, in.Seekable())
					assert.Equal(t, "<stdin>", in.Name)
				}
				require.NoError(t, in.Close())
				require.NoError(t, in.Close(), "second Close")
			})
		}
	}
}

func TestOpenTruncatedIsError(t *testing.T) {
	plain := payload()
	for name, data := range map[string][]byte{
		"gzip": gzipBytes(t, plain),
		"zstd": zstdBytes(t, plain),
	} {
		for _, keep := range []int{len(data) / 2, len(data) - 3} {
			t.Run("compression="+name, func(t *testing.T) {
				path := filepath.Join(t.TempDir(), "cut.ndjson")
				require.NoError(t, os.WriteFile(path, data[:keep], 0o600))
				in, err := Open(context.Background(), path, nil)
				require.NoError(t, err)
				defer in.Close()
				_, err = io.ReadAll(in)
				require.Error(t, err, "truncated input must not read as a success")
				assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
				assert.Contains(t, err.Error(), path)
				assert.Contains(t, err.Error(), name+" stream ends early")
				assert.Contains(t, err.Error(), fmt.Sprintf("after %d bytes of the file", keep))
			})
		}
	}
}

func TestOpenErrors(t *testing.T) {
	_, err := Open(context.Background(), filepath.Join(t.TempDir(), "missing.csv"), nil)
	assert.ErrorIs(t, err, os.ErrNotExist)
	_, err = Open(context.Background(), t.TempDir(), nil)
	assert.ErrorContains(t, err, "is a directory")
	_, err = Open(context.Background(), "-", nil)
	assert.ErrorContains(t, err, "no standard input")
}

func TestOpenEmptyAndTiny(t *testing.T) {
	for _, data := range []string{"", "a", "\x1f"} {
		in, err := Open(context.Background(), "-", bytes.NewReader([]byte(data)))
		require.NoError(t, err)
		got, err := io.ReadAll(in)
		require.NoError(t, err)
		assert.Equal(t, data, string(got))
		require.NoError(t, in.Close())
	}
}

func TestReaderAtCounts(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.parquet")
	require.NoError(t, os.WriteFile(path, []byte("PAR1....PAR1"), 0o600))
	in, err := Open(context.Background(), path, nil)
	require.NoError(t, err)
	defer in.Close()
	ra, size, ok := in.ReaderAt()
	require.True(t, ok)
	assert.Equal(t, int64(12), size)
	before := in.BytesRead()
	buf := make([]byte, 4)
	_, err = ra.ReadAt(buf, 8)
	require.NoError(t, err)
	assert.Equal(t, "PAR1", string(buf))
	assert.Equal(t, before+4, in.BytesRead())
	f, err := in.DetectFormat(path, "")
	require.NoError(t, err)
	assert.Equal(t, format.Parquet, f)
	assert.NotNil(t, in.File())
}

func TestParquetOnPipeIsError(t *testing.T) {
	in, err := Open(context.Background(), "-", bytes.NewReader([]byte("PAR1 some bytes")))
	require.NoError(t, err)
	defer in.Close()
	_, err = in.DetectFormat("-", "")
	assert.ErrorIs(t, err, ErrNotSeekable)
	assert.Contains(t, err.Error(), "<stdin>")

	path := filepath.Join(t.TempDir(), "x.parquet.gz")
	require.NoError(t, os.WriteFile(path, gzipBytes(t, []byte("PAR1xxxxPAR1")), 0o600))
	gz, err := Open(context.Background(), path, nil)
	require.NoError(t, err)
	defer gz.Close()
	_, err = gz.DetectFormat(path, "")
	assert.ErrorIs(t, err, ErrNotSeekable)
}

func TestInterruptibleStdinClosesPendingRead(t *testing.T) {
	r, w, err := os.Pipe()
	require.NoError(t, err)
	defer w.Close()
	defer r.Close()
	ir := InterruptibleStdin(r)
	require.NotSame(t, r, ir)

	// Data still flows, and Open does not wait for more than one byte.
	_, err = w.Write([]byte("h\n"))
	require.NoError(t, err)
	in, err := Open(context.Background(), "-", ir)
	require.NoError(t, err)
	buf := make([]byte, 16)
	n, err := in.Read(buf)
	require.NoError(t, err)
	assert.Equal(t, "h\n", string(buf[:n]))
	done := make(chan error, 1)
	go func() {
		_, err := in.Read(buf) // blocks: nothing written
		done <- err
	}()
	select {
	case err := <-done:
		t.Fatalf("Read returned before Close: %v", err)
	case <-time.After(50 * time.Millisecond):
	}
	require.NoError(t, in.Close())
	select {
	case err := <-done:
		assert.ErrorIs(t, err, os.ErrClosed)
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not unblock the pending Read")
	}
}

func TestInterruptibleStdinLeavesRegularFiles(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "x")
	require.NoError(t, err)
	defer f.Close()
	assert.Same(t, f, InterruptibleStdin(f))
}
