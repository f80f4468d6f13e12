package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// runWithStdout runs arrowpipe (the test binary as main) through sh with
// stdout redirected as redirect says (">&-" closes it).
func runWithStdout(t *testing.T, redirect string, args ...string) (int, string) {
	t.Helper()
	exe, err := os.Executable()
	require.NoError(t, err)
	cmd := exec.Command("sh", append([]string{"-c", `exec "$0" "$@" ` + redirect, exe}, args...)...)
	cmd.Env = append(os.Environ(), "ARROWPIPE_AS_MAIN=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	err = waitWithin(t, cmd, 20*time.Second)
	return exitCode(t, err), stderr.String()
}

func TestClosedStdoutIsAnIOError(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("a closed stdout is recognised on Linux")
	}
	code, stderr := runWithStdout(t, ">&-", "head", "2", sample)
	assert.Equal(t, exitData, code, stderr)
	assert.Contains(t, stderr, "<stdout>")
	assert.Contains(t, stderr, "bad file descriptor")

	// Output that does not go to stdout does not need it.
	out := filepath.Join(t.TempDir(), "out.csv")
	code, stderr = runWithStdout(t, ">&-", "-o", out, "head", "2", sample)
	assert.Equal(t, exitOK, code, stderr)
	recs := readCSVFile(t, out)
	assert.Len(t, recs, 3)

	// A shell's >/dev/null is a place to write to, not a closed stdout.
	code, stderr = runWithStdout(t, ">/dev/null", "head", "2", sample)
	assert.Equal(t, exitOK, code, stderr)
	assert.Empty(t, stderr)
}
