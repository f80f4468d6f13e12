package main

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/samples/gen"
)

// slowReader hands out its chunks one by one with a pause before each but
// the first, like a producer writing into a pipe.
type slowReader struct {
	chunks [][]byte
	pause  time.Duration
	cur    []byte
	next   int
}

func (r *slowReader) Read(p []byte) (int, error) {
	if len(r.cur) == 0 {
		if r.next == len(r.chunks) {
			return 0, io.EOF
		}
		if r.next > 0 {
			time.Sleep(r.pause)
		}
		r.cur = r.chunks[r.next]
		r.next++
	}
	n := copy(p, r.cur)
	r.cur = r.cur[n:]
	return n, nil
}

// slowCSV returns generated CSV split into pieces at line ends, read with
// a pause between pieces so that reading it takes at least
// (pieces-1) * pause.
func slowCSV(t *testing.T, rows int64, pieces int, pause time.Duration) *slowReader {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, gen.Write(context.Background(), &b, gen.Options{Rows: rows, Seed: 4}))
	data := b.Bytes()
	r := &slowReader{pause: pause}
	start := 0
	for i := 1; i <= pieces; i++ {
		end := len(data)
		if i < pieces {
			// Cut after a line end; a quoted note may hold one, which
			// only makes the piece end mid-record, as pipes do.
			at := len(data) * i / pieces
			end = at + bytes.IndexByte(data[at:], '\n') + 1
		}
		r.chunks = append(r.chunks, data[start:end])
		start = end
	}
	return r
}

// runReader runs arrowpipe in-process with stdin read from r.
func runReader(t *testing.T, stdin io.Reader, args ...string) cliResult {
	t.Helper()
	var out, errOut bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	code := run(ctx, args, stdin, &out, &errOut)
	return cliResult{code: code, stdout: out.String(), stderr: errOut.String()}
}

var (
	percentRe = regexp.MustCompile(`\b\d{1,3}%`)
	rateRe    = regexp.MustCompile(`\d+(\.\d+)?[KMGT]?i?B/s`)
	rowsRe    = regexp.MustCompile(`\d+(\.\d+)?[kMG]? rows`)
)

// TestProgress: --progress into stderr that is not a terminal (here a
// buffer) writes plain lines, never a '\r': rows, the read rate, a
// percentage for files of known size, and a last line at the end;
// without the flag, or with --no-progress, stderr stays empty.
func TestProgress(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.csv")
	writeGenerated(t, big, 1_000_000, 8)

	assertLines := func(t *testing.T, res cliResult) []string {
		t.Helper()
		require.Equal(t, exitOK, res.code, res.stderr)
		assert.NotContains(t, res.stderr, "\r", "no carriage return reaches a non-terminal")
		assert.NotContains(t, res.stderr, "\x1b", "no escape sequence reaches a non-terminal")
		lines := strings.Split(strings.TrimSuffix(res.stderr, "\n"), "\n")
		require.NotEmpty(t, lines)
		for _, l := range lines {
			assert.True(t, strings.HasPrefix(l, "arrowpipe: "), "%q", l)
		}
		assert.True(t, strings.HasPrefix(lines[len(lines)-1], "arrowpipe: end "), "a last line ends the log: %q", lines)
		assert.Regexp(t, rowsRe, lines[len(lines)-1])
		return lines
	}

	t.Run("input=file/progress=on", func(t *testing.T) {
		start := time.Now()
		res := cli(t, "", "--progress", "-o", filepath.Join(dir, "out.csv"), big)
		lines := assertLines(t, res)
		if took := time.Since(start); took < 1500*time.Millisecond {
			t.Skipf("the run took %s: too fast on this machine for a line per interval", took)
		}
		require.Greater(t, len(lines), 1)
		assert.Regexp(t, percentRe, lines[0], "a file of known size shows a percentage")
		assert.Regexp(t, rateRe, lines[0])
		assert.Contains(t, lines[0], "reading")
	})
	t.Run("input=pipe/progress=on", func(t *testing.T) {
		res := runReader(t, slowCSV(t, 100_000, 8, 250*time.Millisecond), "--progress", "-o", filepath.Join(dir, "pipe.csv"))
		lines := assertLines(t, res)
		require.Greater(t, len(lines), 1, "a line per second of a 2 s run")
		assert.NotRegexp(t, percentRe, lines[0], "a pipe has no percentage")
	})
	t.Run("input=pipe/progress=off", func(t *testing.T) {
		res := runReader(t, slowCSV(t, 100_000, 8, 100*time.Millisecond))
		require.Equal(t, exitOK, res.code, res.stderr)
		assert.Empty(t, res.stderr)
		assert.Len(t, readCSV(t, res.stdout), 100_001, "stdout holds the data only")
	})
	t.Run("input=file/progress=off", func(t *testing.T) {
		res := cli(t, "", "-o", filepath.Join(dir, "off.csv"), big)
		require.Equal(t, exitOK, res.code, res.stderr)
		assert.Empty(t, res.stderr)
	})
	t.Run("input=pipe/progress=on/no-progress", func(t *testing.T) {
		res := runReader(t, slowCSV(t, 100_000, 8, 100*time.Millisecond), "--progress", "--no-progress", "-o", filepath.Join(dir, "both.csv"))
		require.Equal(t, exitOK, res.code, res.stderr)
		assert.Empty(t, res.stderr, "--no-progress wins")
	})
}
