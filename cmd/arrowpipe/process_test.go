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
	for _, sig := range []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP} {
		t.Run("signal="+sig.String(), func(t *testing.T) { interruptMidStream(t, sig) })
	}
}

func interruptMidStream(t *testing.T, sig os.Signal) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out.csv")
	// Every column typed: the reader need not wait for its 1000-row
	// inference sample, so the trickle below reaches the output.
	cmd := command(t, "--flush-interval", "10ms", "--schema",
		"id:int64,ts:timestamp,region:string,product:string,qty:int64,price:float64,discount:float64,note:string", "-o", out)
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
	require.NoError(t, cmd.Process.Signal(sig))
	start := time.Now()
	err = waitWithin(t, cmd, 5*time.Second)
	took := time.Since(start)
	stdin.Close()
	assert.Less(t, took, time.Second, "every stage stops within 1 s")
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

// A reader that stops reading (a pager waiting for a key) leaves the
// writer blocked in write(2) on a full pipe. One SIGINT must still end
// the run promptly, with status 130, and remove the tee file being
// written.
func TestInterruptWithStalledStdout(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "big.csv")
	writeGenerated(t, in, 1_000_000, 5)
	teeDir := filepath.Join(dir, "tee")
	require.NoError(t, os.Mkdir(teeDir, 0o755))

	cmd := command(t, "tee", filepath.Join(teeDir, "copy.csv"), "then", "select", "id,qty", in)
	r, w, err := os.Pipe()
	require.NoError(t, err)
	defer r.Close()
	cmd.Stdout = w
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	w.Close()
	// Take the first line, then stop reading: the pipe fills and the
	// writer blocks.
	line, err := bufio.NewReader(r).ReadString('\n')
	require.NoError(t, err)
	require.Equal(t, "id,qty\n", line)
	time.Sleep(300 * time.Millisecond)

	require.NoError(t, cmd.Process.Signal(os.Interrupt))
	start := time.Now()
	err = waitWithin(t, cmd, 10*time.Second)
	took := time.Since(start)
	assert.Equal(t, exitInterrupted, exitCode(t, err), stderr.String())
	assert.Less(t, took, 2*time.Second, "one SIGINT must end a run whose stdout is stalled")
	assert.Contains(t, stderr.String(), "arrowpipe: interrupted\n")
	assert.NotContains(t, stderr.String(), "interrupted again")
	assertEmptyDir(t, teeDir, "the tee file and its temporary file must be removed")
}

// waitForRejectsFile waits until a run has created its temporary rejects
// file in dir, and a little longer: main has then installed its signal
// handler (a signal before it would kill the process, which the tests'
// exit checks would report) and gone on to open its input and output.
func waitForRejectsFile(t *testing.T, dir string) {
	t.Helper()
	require.Eventually(t, func() bool {
		entries, _ := os.ReadDir(dir)
		return len(entries) > 0
	}, 20*time.Second, 10*time.Millisecond, "the run never created its temporary rejects file")
	time.Sleep(100 * time.Millisecond)
}

// An input that is a FIFO no writer has opened yet makes open(2) wait: one
// SIGINT must still end the run, with 130, and leave no temporary file.
func TestInterruptWhileWaitingForAFIFOWriter(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "in.csv")
	require.NoError(t, syscall.Mkfifo(fifo, 0o600))
	outDir := t.TempDir()
	cmd := command(t, "--on-error", "reject", "--rejects", filepath.Join(outDir, "rejects.csv"),
		"-o", filepath.Join(outDir, "out.csv"), fifo)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	// The rejects file is created before the input is opened.
	waitForRejectsFile(t, outDir)

	require.NoError(t, cmd.Process.Signal(os.Interrupt))
	err := waitWithin(t, cmd, 10*time.Second)
	assert.Equal(t, exitInterrupted, exitCode(t, err), stderr.String())
	assert.Contains(t, stderr.String(), "arrowpipe: interrupted\n")
	assert.NotContains(t, stderr.String(), "interrupted again")
	assertEmptyDir(t, outDir, "no temporary file left")
}

// When stopping cannot finish (here the output is a FIFO that no reader
// ever opens, and open(2) blocks), a second SIGINT exits at once with 130,
// and still removes the temporary files (here the rejects file's, created
// before the output is opened).
func TestSecondInterruptExitsAtOnce(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "out.csv")
	require.NoError(t, syscall.Mkfifo(fifo, 0o600))
	in := filepath.Join(dir, "in.csv")
	require.NoError(t, os.WriteFile(in, []byte("id,qty\n1,2\n"), 0o644))
	outDir := t.TempDir()
	cmd := command(t, "--on-error", "reject", "--rejects", filepath.Join(outDir, "rejects.csv"),
		"-o", fifo, in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	waitForRejectsFile(t, outDir)

	require.NoError(t, cmd.Process.Signal(os.Interrupt))
	select {
	case err := <-done:
		t.Fatalf("the first SIGINT ended a run blocked in open(2) (%v): the test no longer exercises the second; stderr: %s", err, stderr.String())
	case <-time.After(300 * time.Millisecond):
	}
	require.NoError(t, cmd.Process.Signal(os.Interrupt))
	start := time.Now()
	select {
	case err := <-done:
		var ee *exec.ExitError
		require.ErrorAs(t, err, &ee)
		ws, _ := ee.Sys().(syscall.WaitStatus)
		assert.False(t, ws.Signaled(), "arrowpipe must exit by itself, not die of the signal")
		assert.Equal(t, exitInterrupted, exitCode(t, err))
		assert.Less(t, time.Since(start), time.Second)
		assert.Contains(t, stderr.String(), "interrupted again, exiting now")
		assertEmptyDir(t, outDir, "no temporary file left by the hurried exit")
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		<-done
		t.Fatal("arrowpipe did not exit after a second SIGINT")
	}
}

// A write that fails mid-stream (here: the file size limit, the same
// failed write(2) as a full disk, which a test cannot arrange) is fatal
// whatever --on-error says: exit 2 naming the output, no temporary file
// left, and a file already at the output path kept as it was.
func TestWriteErrorMidStreamRemovesPartialOutput(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh to set the file size limit")
	}
	for _, out := range []string{"out.csv", "out.parquet", "out.ndjson.zst"} {
		t.Run("output="+out, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, out)
			require.NoError(t, os.WriteFile(path, []byte("old\n"), 0o644))
			exe, err := os.Executable()
			require.NoError(t, err)
			// SIGXFSZ ignored: the write fails with EFBIG instead of the
			// signal killing the process. ulimit -f counts 512- or
			// 1024-byte blocks: 64 is at most 64 KiB, well under the
			// sample's output in every format.
			cmd := exec.Command(sh, "-c", `trap '' XFSZ; ulimit -f 64 && exec "$@"`, "sh",
				exe, "--on-error", "skip", "-o", path, "derive", "x = qty * price", sample)
			cmd.Env = append(os.Environ(), "ARROWPIPE_AS_MAIN=1")
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			require.NoError(t, cmd.Start())
			err = waitWithin(t, cmd, 30*time.Second)
			assert.Equal(t, exitData, exitCode(t, err), stderr.String())
			assert.Contains(t, stderr.String(), path)
			assert.Contains(t, stderr.String(), "file too large")
			entries, err := os.ReadDir(dir)
			require.NoError(t, err)
			require.Len(t, entries, 1, "only the old file: no temporary or partial output")
			got, err := os.ReadFile(path)
			require.NoError(t, err)
			assert.Equal(t, "old\n", string(got), "the old file is kept")
		})
	}
}
