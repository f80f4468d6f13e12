package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/arrowpipe/arrowpipe/samples/gen"
)

// pty is a pseudo-terminal: the test reads what the child draws from
// master; the child writes to slave.
type pty struct {
	master, slave *os.File
	mu            sync.Mutex
	out           bytes.Buffer
	done          chan struct{}
}

// openPTY opens a pseudo-terminal of cols × rows and starts copying what
// is drawn on it.
func openPTY(t *testing.T, cols, rows uint16) *pty {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	require.NoError(t, err)
	fd := int(master.Fd())
	require.NoError(t, unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0))
	n, err := unix.IoctlGetInt(fd, unix.TIOCGPTN)
	require.NoError(t, err)
	slave, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|unix.O_NOCTTY, 0)
	require.NoError(t, err)
	p := &pty{master: master, slave: slave, done: make(chan struct{})}
	p.resize(t, cols, rows)
	go func() {
		defer close(p.done)
		buf := make([]byte, 4096)
		for {
			n, err := master.Read(buf)
			p.mu.Lock()
			p.out.Write(buf[:n])
			p.mu.Unlock()
			if err != nil {
				return // EIO once the slave side is closed
			}
		}
	}()
	t.Cleanup(func() {
		slave.Close()
		master.Close()
		<-p.done
	})
	return p
}

func (p *pty) resize(t *testing.T, cols, rows uint16) {
	require.NoError(t, unix.IoctlSetWinsize(int(p.slave.Fd()), unix.TIOCSWINSZ, &unix.Winsize{Col: cols, Row: rows}))
}

func (p *pty) drawn() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.String()
}

// finish closes the child's side and waits for everything drawn.
func (p *pty) finish(t *testing.T) string {
	p.slave.Close()
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		t.Fatal("pty reader did not stop")
	}
	return p.out.String()
}

// screen replays what was drawn on a terminal width columns wide: '\r'
// returns to column 0, '\n' goes down, ESC [K erases to the end of the
// line, text overwrites and wraps at the right margin. It returns the
// lines left on the screen (scrolled-off ones included) and every line
// that wrapped.
func screen(drawn string, width int) (lines []string, wrapped int) {
	cur := []rune{}
	col := 0
	flush := func() {
		lines = append(lines, strings.TrimRight(string(cur), " "))
		cur, col = []rune{}, 0
	}
	for i := 0; i < len(drawn); {
		if strings.HasPrefix(drawn[i:], "\x1b[K") {
			if col < len(cur) {
				cur = cur[:col]
			}
			i += 3
			continue
		}
		r, size := utf8.DecodeRuneInString(drawn[i:])
		i += size
		switch r {
		case '\r':
			col = 0
		case '\n':
			flush()
		default:
			if col == width {
				wrapped++
				flush()
			}
			if col < len(cur) {
				cur[col] = r
			} else {
				cur = append(cur, r)
			}
			col++
		}
	}
	if len(cur) > 0 {
		flush()
	}
	return lines, wrapped
}

// frames splits the bar's output into the lines it drew.
func frames(drawn string) []string {
	var out []string
	for _, f := range strings.Split(strings.ReplaceAll(drawn, "\x1b[K", ""), "\r") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// TestTerminal runs the binary with stderr on a pseudo-terminal of 80
// columns: the progress line never passes the width (nor after a resize
// to 50), leaves nothing behind, names the sort's phase, and never mixes
// into stdout; with stdout on the same terminal it is not drawn at all.
func TestTerminal(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a sort of 600k rows")
	}
	bin := buildBinary(t)
	dir := t.TempDir()
	big := filepath.Join(dir, "big.csv")
	f, err := os.Create(big)
	require.NoError(t, err)
	require.NoError(t, gen.Write(context.Background(), f, gen.Options{Rows: 600_000, Seed: 3}))
	require.NoError(t, f.Close())

	t.Run("stdout=pipe/stderr=terminal", func(t *testing.T) {
		p := openPTY(t, 80, 24)
		var stdout bytes.Buffer
		cmd := exec.Command(bin, "--max-memory", "32MiB", "--workers", "1", "sort", "price desc", big)
		cmd.Stdout = &stdout
		cmd.Stderr = p.slave
		require.NoError(t, cmd.Start())
		resized := false
		var before string
		for deadline := time.Now().Add(60 * time.Second); !resized && time.Now().Before(deadline); {
			time.Sleep(50 * time.Millisecond)
			if d := p.drawn(); strings.Contains(d, "reading") {
				before = d
				p.resize(t, 50, 24)
				resized = true
			}
		}
		require.NoError(t, cmd.Wait())
		drawn := p.finish(t)
		require.True(t, resized, "the bar never showed: %q", drawn)

		for _, fr := range frames(drawn[:len(before)]) {
			assert.LessOrEqual(t, utf8.RuneCountInString(fr), 79, "at 80 columns: %q", fr)
		}
		// The frame being drawn when the window shrank may be wide; the
		// ones after the next tick fit the new width.
		after := frames(drawn[len(before):])
		if len(after) > 1 {
			for _, fr := range after[1:] {
				assert.LessOrEqual(t, utf8.RuneCountInString(fr), 49, "at 50 columns: %q", fr)
			}
		}
		var sawSorting bool
		for _, fr := range frames(drawn) {
			sawSorting = sawSorting || strings.HasPrefix(fr, "sorting")
		}
		assert.True(t, sawSorting, "the sort's phase is named: %q", frames(drawn))
		lines, _ := screen(drawn, 80)
		for _, l := range lines {
			assert.Empty(t, l, "the bar leaves no line behind")
		}
		// (The data has quoted notes with "\r\n" in them: a '\r' is no sign.)
		out := stdout.String()
		assert.False(t, strings.Contains(out, "\x1b") || strings.Contains(out, "reading") || strings.Contains(out, "rows out"), "no bar bytes in stdout")
		assert.True(t, strings.HasPrefix(out, "id,ts,region,"), "stdout holds the data only")
		assert.Equal(t, 600_001, len(readCSV(t, out)), "every row")
	})

	t.Run("interrupt", func(t *testing.T) {
		p := openPTY(t, 80, 24)
		cmd := exec.Command(bin, "-o", filepath.Join(dir, "cut.csv"), "sort", "price desc", big)
		cmd.Stderr = p.slave
		require.NoError(t, cmd.Start())
		// Interrupt once the bar is up: reading, or sorting when the file
		// was read before the first tick.
		drawing := func() bool { d := p.drawn(); return strings.Contains(d, "reading") || strings.Contains(d, "sorting") }
		for deadline := time.Now().Add(60 * time.Second); !drawing() && time.Now().Before(deadline); {
			time.Sleep(20 * time.Millisecond)
		}
		require.NoError(t, cmd.Process.Signal(os.Interrupt))
		err := cmd.Wait()
		var exit *exec.ExitError
		require.ErrorAs(t, err, &exit)
		assert.Equal(t, exitInterrupted, exit.ExitCode())
		lines, _ := screen(p.finish(t), 80)
		var shown []string
		for _, l := range lines {
			if l != "" {
				shown = append(shown, l)
			}
		}
		assert.Equal(t, []string{"arrowpipe: interrupted"}, shown, "the bar is erased before the message")
	})

	t.Run("stdout=terminal/stderr=same terminal", func(t *testing.T) {
		p := openPTY(t, 80, 24)
		cmd := exec.Command(bin, "head", "200000", big)
		cmd.Stdout, cmd.Stderr = p.slave, p.slave
		require.NoError(t, cmd.Run())
		drawn := p.finish(t)
		assert.NotContains(t, drawn, "\x1b[K", "no bar among the data rows")
		assert.NotContains(t, drawn, "reading")
		lines, _ := screen(drawn, 80)
		require.NotEmpty(t, lines)
		assert.Equal(t, "id,ts,region,product,qty,price,discount,note", lines[0])
	})

	t.Run("stdout=file/stderr=terminal/no-progress", func(t *testing.T) {
		p := openPTY(t, 80, 24)
		cmd := exec.Command(bin, "-o", filepath.Join(dir, "out.csv"), "--no-progress", big)
		cmd.Stderr = p.slave
		require.NoError(t, cmd.Run())
		assert.Empty(t, p.finish(t), "--no-progress draws nothing")
	})
}
