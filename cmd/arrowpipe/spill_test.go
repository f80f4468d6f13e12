package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/samples/gen"
	"github.com/arrowpipe/arrowpipe/stages/output"
)

// runSortFed starts a spilling sort on input fed through the returned
// writer, with the temporary-file list temps in its context (as main
// gives it), and returns the writer and the run's exit status channel.
func runSortFed(t *testing.T, tempDir string, temps *output.TempFiles, out, errOut *bytes.Buffer) (*io.PipeWriter, <-chan int) {
	t.Helper()
	in, feed := io.Pipe()
	ctx, cancel := context.WithTimeout(context.WithValue(context.Background(), tempFilesKey{}, temps), 60*time.Second)
	t.Cleanup(cancel)
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"--max-memory", "1MiB", "--temp-dir", tempDir, "--batch-rows", "4096",
			"sort", "price desc", "then", "count"}, in, out, errOut)
	}()
	return feed, done
}

// waitSpilled waits until a spill run exists in a directory of its own in
// tempDir, and checks that nothing else is there.
func waitSpilled(t *testing.T, tempDir string) {
	t.Helper()
	require.Eventually(t, func() bool {
		dirs, _ := filepath.Glob(filepath.Join(tempDir, "arrowpipe-spill-*"))
		if len(dirs) != 1 {
			return false
		}
		runs, _ := os.ReadDir(dirs[0])
		return len(runs) > 0
	}, 20*time.Second, 10*time.Millisecond, "no spill run appeared in a directory of its own")
	entries, err := os.ReadDir(tempDir)
	require.NoError(t, err)
	assert.Len(t, entries, 1, "nothing spilled beside the run's directory")
}

func waitExit(t *testing.T, done <-chan int) int {
	t.Helper()
	select {
	case code := <-done:
		return code
	case <-time.After(30 * time.Second):
		t.Fatal("the sort did not finish")
		return -1
	}
}

// A spilling sort writes its runs in a directory of its own inside
// --temp-dir, which the run removes at its end...
func TestSortSpillDirectoryRemovedAtTheEnd(t *testing.T) {
	tempDir := t.TempDir()
	var data bytes.Buffer
	require.NoError(t, gen.Write(t.Context(), &data, gen.Options{Rows: 60_000, Seed: 3}))
	var out, errOut bytes.Buffer
	feed, done := runSortFed(t, tempDir, &output.TempFiles{}, &out, &errOut)
	_, err := feed.Write(data.Bytes())
	require.NoError(t, err)
	waitSpilled(t, tempDir)
	require.NoError(t, feed.Close())
	require.Equal(t, exitOK, waitExit(t, done), errOut.String())
	assert.Equal(t, "count\n60000\n", out.String())
	left, err := os.ReadDir(tempDir)
	require.NoError(t, err)
	assert.Empty(t, left, "the run removes its spill directory")
}

// ...and that a hurried exit (the second SIGINT, which calls RemoveAll on
// the run's list before os.Exit) removes with every run in it.
func TestSortSpillDirectoryRemovedByHurriedExit(t *testing.T) {
	tempDir := t.TempDir()
	var data bytes.Buffer
	require.NoError(t, gen.Write(t.Context(), &data, gen.Options{Rows: 60_000, Seed: 3}))
	var out, errOut bytes.Buffer
	temps := &output.TempFiles{}
	feed, done := runSortFed(t, tempDir, temps, &out, &errOut)
	_, err := feed.Write(data.Bytes())
	require.NoError(t, err)
	waitSpilled(t, tempDir)

	require.NoError(t, temps.RemoveAll())
	left, err := os.ReadDir(tempDir)
	require.NoError(t, err)
	assert.Empty(t, left, "the hurried exit leaves no spill file")

	// The run itself, without its runs, ends on its own.
	feed.CloseWithError(io.ErrUnexpectedEOF)
	waitExit(t, done)
}
