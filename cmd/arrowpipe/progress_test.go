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

// barFrames splits what the bar wrote into the states it drew: each redraw
// starts with a carriage return.
func barFrames(stderr string) []string {
	var out []string
	for _, f := range strings.Split(stderr, "\r") {
		if strings.TrimSpace(f) != "" {
			out = append(out, f)
		}
	}
	return out
}

// barFinalLine is what a terminal shows on the bar's line at the end: each
// carriage return moves back to column 0 and later text overwrites earlier.
func barFinalLine(stderr string) string {
	var line []rune
	col := 0
	for _, r := range stderr {
		switch r {
		case '\r':
			col = 0
		case '\n':
			line, col = line[:0], 0
		default:
			if col < len(line) {
				line[col] = r
			} else {
				line = append(line, r)
			}
			col++
		}
	}
	return string(line)
}

var (
	percentRe = regexp.MustCompile(`\b\d{1,3}%`)
	rateRe    = regexp.MustCompile(`\d+(\.\d+)? [kMGT]?B/s`)
	rowsRe    = regexp.MustCompile(`\d+(\.\d+)?[kMG]? rows, \d+(\.\d+)?[kMG]? rows/s`)
)

// TestProgress: --progress draws a bar on stderr even though stderr is not
// a terminal (here a buffer), with rows, rows/s and MB/s, a percentage for
// files of known size, and erases it at the end; without the flag, or
// with --no-progress, stderr stays empty.
func TestProgress(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.csv")
	writeGenerated(t, big, 1_000_000, 8)

	assertBar := func(t *testing.T, res cliResult) []string {
		t.Helper()
		require.Equal(t, exitOK, res.code, res.stderr)
		fr := barFrames(res.stderr)
		require.NotEmpty(t, fr, "no progress drawn: %q", res.stderr)
		var rows, rate bool
		for _, f := range fr {
			rows = rows || rowsRe.MatchString(f)
			rate = rate || rateRe.MatchString(f)
		}
		assert.True(t, rows, "no rows and rows/s in %q", fr)
		assert.True(t, rate, "no bytes per second in %q", fr)
		assert.NotContains(t, res.stderr, "\n", "the bar redraws one line")
		assert.Empty(t, strings.TrimSpace(barFinalLine(res.stderr)), "the bar is erased at the end")
		return fr
	}

	t.Run("input=file/progress=on", func(t *testing.T) {
		start := time.Now()
		res := cli(t, "", "--progress", "-o", filepath.Join(dir, "out.csv"), big)
		if took := time.Since(start); took < 500*time.Millisecond {
			t.Skipf("the run took %s: too fast on this machine to show a redraw", took)
		}
		fr := assertBar(t, res)
		var percent bool
		for _, f := range fr {
			percent = percent || percentRe.MatchString(f)
		}
		assert.True(t, percent, "a file of known size shows a percentage: %q", fr)
	})
	t.Run("input=pipe/progress=on", func(t *testing.T) {
		res := runReader(t, slowCSV(t, 100_000, 8, 100*time.Millisecond), "--progress", "-o", filepath.Join(dir, "pipe.csv"))
		assertBar(t, res)
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
