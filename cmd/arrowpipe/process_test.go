package main

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/samples/gen"
)

// command returns the test binary set up to run as arrowpipe.
func command(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	exe, err := os.Executable()
	require.NoError(t, err)
	cmd := exec.Command(exe, args...)
	cmd.Env = append(os.Environ(), "ARROWPIPE_AS_MAIN=1")
	return cmd
}

func exitCode(t *testing.T, err error) int {
	t.Helper()
	if err == nil {
		return 0
	}
	var ee *exec.ExitError
	require.ErrorAs(t, err, &ee)
	if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ee.ExitCode()
}

func waitWithin(t *testing.T, cmd *exec.Cmd, d time.Duration) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(d):
		cmd.Process.Kill()
		<-done
		t.Fatalf("arrowpipe did not exit within %s", d)
		return nil
	}
}

func TestInterruptRemovesPartialOutputAndExits130(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out.csv")
	cmd := command(t, "--flush-interval", "10ms", "-o", out)
	stdin, err := cmd.StdinPipe()
	require.NoError(t, err)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	// Feed rows slowly, so the run is mid-stream when interrupted.
	_, err = io.WriteString(stdin, gen.Header)
	require.NoError(t, err)
	for i := 0; i < 20; i++ {
		_, err = io.WriteString(stdin, "1,2026-01-01T00:00:00Z,EU,lamp,3,9.5,,\n")
		require.NoError(t, err)
		time.Sleep(10 * time.Millisecond)
	}
	// Interrupt only once the run is under way (its temporary output file
	// exists): a signal before main installs its handler would kill the
	// process instead of testing the handler.
	require.Eventually(t, func() bool {
		entries, _ := os.ReadDir(dir)
		return len(entries) > 0
	}, 20*time.Second, 10*time.Millisecond, "the run never created its temporary output")
	require.NoError(t, cmd.Process.Signal(os.Interrupt))
	err = waitWithin(t, cmd, 5*time.Second)
	stdin.Close()
	var ee *exec.ExitError
	require.ErrorAs(t, err, &ee)
	ws, _ := ee.Sys().(syscall.WaitStatus)
	assert.False(t, ws.Signaled(), "arrowpipe must exit by itself, not die of the signal")
	assert.Equal(t, exitInterrupted, exitCode(t, err), stderr.String())
	assert.Contains(t, stderr.String(), "interrupted")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, entries, "the partial output and its temporary file must be removed")
}

func TestClosedStdoutEndsQuietly(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "big.csv")
	writeGenerated(t, in, 1_000_000, 5)

	cmd := command(t, in)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	line, err := bufio.NewReader(stdout).ReadString('\n')
	require.NoError(t, err)
	assert.Equal(t, gen.Header, line)
	require.NoError(t, stdout.Close()) // like `| head -1`
	err = waitWithin(t, cmd, 10*time.Second)
	assert.Equal(t, 0, exitCode(t, err), stderr.String())
	assert.Empty(t, stderr.String())
}

func TestBadDataExitStatus(t *testing.T) {
	cmd := command(t)
	cmd.Stdin = bytes.NewReader([]byte("a,b\n1,2\n3\n"))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.Stdout = io.Discard
	err := cmd.Run()
	assert.Equal(t, exitData, exitCode(t, err))
	assert.Contains(t, stderr.String(), "<stdin>:3")
	var ee *exec.ExitError
	assert.True(t, errors.As(err, &ee))
}
