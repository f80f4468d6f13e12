package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"mvdan.cc/sh/v3/shell"
)

var updateSamples = flag.Bool("update-samples", false, "rewrite samples/expected from the examples' output")

const samplesDir = "../../samples"

// An example is one named command of samples/examples.sh.
type example struct {
	name, command string
}

// readExamples parses the examples section of samples/examples.sh: a
// "# name: what it shows" line, then the command on the next line.
func readExamples(t *testing.T) []example {
	t.Helper()
	f, err := os.Open(filepath.Join(samplesDir, "examples.sh"))
	require.NoError(t, err)
	defer f.Close()
	var out []example
	inSection := false
	name := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "# --- examples ---":
			inSection = true
		case !inSection:
		case strings.HasPrefix(line, "# ") && strings.Contains(line, ":"):
			name, _, _ = strings.Cut(strings.TrimPrefix(line, "# "), ":")
		case strings.HasPrefix(line, "arrowpipe "):
			require.NotEmpty(t, name, "command without a name line: %s", line)
			out = append(out, example{name: name, command: line})
			name = ""
		case strings.TrimSpace(line) != "":
			t.Fatalf("examples.sh: unexpected line %q", line)
		}
	}
	require.NoError(t, sc.Err())
	return out
}

// transcript is what an example's expected file holds: its standard
// output, then its standard error and exit status when it has them.
func transcript(res cliResult) string {
	var b strings.Builder
	b.WriteString(res.stdout)
	if res.stderr != "" {
		b.WriteString("--- stderr\n")
		b.WriteString(res.stderr)
	}
	if res.code != exitOK {
		fmt.Fprintf(&b, "--- exit %d\n", res.code)
	}
	return b.String()
}

// TestSampleExamples runs every command of samples/examples.sh in the
// samples folder and compares what it prints with samples/expected/NAME.out
// (go test -run TestSampleExamples -update-samples rewrites those).
func TestSampleExamples(t *testing.T) {
	examples := readExamples(t)
	require.GreaterOrEqual(t, len(examples), 8, "examples.sh lost its examples")
	names := map[string]bool{}
	for _, ex := range examples {
		require.False(t, names[ex.name], "example name %q repeats", ex.name)
		names[ex.name] = true
	}
	expectedDir, err := filepath.Abs(filepath.Join(samplesDir, "expected"))
	require.NoError(t, err)

	t.Chdir(samplesDir)
	for _, ex := range examples {
		t.Run(ex.name, func(t *testing.T) {
			words, err := shell.Fields(ex.command, func(string) string { return "" })
			require.NoError(t, err)
			require.Equal(t, "arrowpipe", words[0])
			got := transcript(cli(t, "", words[1:]...))
			path := filepath.Join(expectedDir, ex.name+".out")
			if *updateSamples {
				require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
				return
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err, "no expected output: run go test ./cmd/arrowpipe -run TestSampleExamples -update-samples")
			assert.Equal(t, string(want), got)
		})
	}

	// Every expected file belongs to an example.
	files, err := filepath.Glob(filepath.Join(expectedDir, "*.out"))
	require.NoError(t, err)
	for _, f := range files {
		assert.True(t, names[strings.TrimSuffix(filepath.Base(f), ".out")], "%s has no example", f)
	}
}

// TestExamplesScriptRuns runs samples/examples.sh itself, by a path
// relative to another directory (as the README has it, from the checkout),
// with this test binary as $ARROWPIPE, for one example; and a copy with a
// failing example, which must make the script fail.
func TestExamplesScriptRuns(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	exe, err := os.Executable()
	require.NoError(t, err)
	bin := filepath.Join(t.TempDir(), "arrowpipe")
	require.NoError(t, os.Symlink(exe, bin))
	want, err := os.ReadFile(filepath.Join(samplesDir, "expected", "top-orders.out"))
	require.NoError(t, err)
	runScript := func(dir, script string, args ...string) (string, string, error) {
		cmd := exec.Command(bash, append([]string{script}, args...)...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "ARROWPIPE_AS_MAIN=1", "ARROWPIPE="+bin)
		var stdout, stderr strings.Builder
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		return stdout.String(), stderr.String(), err
	}

	stdout, stderr, err := runScript(filepath.Join(samplesDir, ".."), filepath.Join("samples", "examples.sh"), "top-orders")
	require.NoError(t, err, stderr)
	assert.Equal(t, string(want), stdout)
	assert.Contains(t, stderr, "== top-orders: arrowpipe ")

	// An example that exits as its expected output says passes.
	_, stderr, err = runScript(filepath.Join(samplesDir, ".."), filepath.Join("samples", "examples.sh"), "messy-fail")
	require.NoError(t, err, stderr)

	_, stderr, err = runScript(samplesDir, "examples.sh", "no-such-example")
	assert.Error(t, err)
	assert.Contains(t, stderr, "no example named 'no-such-example'")

	// A copy with a broken example fails, naming it.
	dir := t.TempDir()
	script, err := os.ReadFile(filepath.Join(samplesDir, "examples.sh"))
	require.NoError(t, err)
	script = append(script, []byte("\n# broken: a verb that does not exist\narrowpipe nosuchverb orders.csv\n")...)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "examples.sh"), script, 0o600))
	_, stderr, err = runScript(dir, "examples.sh", "broken")
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit, stderr)
	assert.Equal(t, 1, exit.ExitCode())
	assert.Contains(t, stderr, "arrowpipe examples: broken exited 2, want 0")
}
