//go:build unix

package input

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func mkfifo(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "in.csv")
	require.NoError(t, syscall.Mkfifo(path, 0o600))
	return path
}

// TestOpenFIFOWaitsForAWriter checks that a named pipe opens once a writer
// connects and reads what it writes.
func TestOpenFIFOWaitsForAWriter(t *testing.T) {
	path := mkfifo(t)
	const data = "a,b\n1,2\n"
	wrote := make(chan error, 1)
	go func() {
		w, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err == nil {
			_, err = io.WriteString(w, data)
			err = errors.Join(err, w.Close())
		}
		wrote <- err
	}()
	in, err := Open(context.Background(), path, nil)
	require.NoError(t, err)
	got, err := io.ReadAll(in)
	require.NoError(t, err)
	assert.Equal(t, data, string(got))
	require.NoError(t, in.Close())
	require.NoError(t, <-wrote)
}

// TestOpenFIFOWithoutWriterEndsOnCancel checks that cancelling ctx ends an
// open that waits for a writer, with ctx's cause, instead of leaving it
// stuck (an interrupted run would then need a second SIGINT), and leaves
// no goroutine behind.
func TestOpenFIFOWithoutWriterEndsOnCancel(t *testing.T) {
	others := goleak.IgnoreCurrent()
	path := mkfifo(t)
	ctx, cancel := context.WithCancelCause(context.Background())
	cause := errors.New("interrupted")
	opened := make(chan error, 1)
	go func() {
		in, err := Open(ctx, path, nil)
		if in != nil {
			_ = in.Close()
		}
		opened <- err
	}()
	select {
	case err := <-opened:
		t.Fatalf("Open returned before any writer or cancel: %v", err)
	case <-time.After(50 * time.Millisecond):
	}
	cancel(cause)
	select {
	case err := <-opened:
		require.ErrorIs(t, err, cause)
	case <-time.After(10 * time.Second):
		t.Fatal("Open still waits for a writer after cancel")
	}
	// The pending open was completed, and its file closed: no goroutine
	// is left waiting on the pipe.
	goleak.VerifyNone(t, others)
}
