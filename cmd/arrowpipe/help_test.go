package main

import (
	"bytes"
	"flag"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/pflag"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"mvdan.cc/sh/v3/shell"

	"github.com/arrowpipe/arrowpipe/stages/plan"
)

var updateMan = flag.Bool("update", false, "rewrite the committed man page")

// Every verb has a page, the same from help VERB and VERB --help, with
// its usage, arguments and examples, in 80 columns.
func TestVerbHelp(t *testing.T) {
	docs := verbDocs()
	for _, s := range plan.Specs(nil, nil) {
		t.Run("verb="+s.Name, func(t *testing.T) {
			doc, ok := docs[s.Name]
			require.True(t, ok, "verbDocs has no entry for %s", s.Name)
			require.NotEmpty(t, doc.examples, "%s has no example", s.Name)
			assert.Len(t, doc.args, countArgs(s.Args), "one line per argument of %v", s.Args)

			page := cli(t, "", "help", s.Name)
			require.Equal(t, exitOK, page.code, page.stderr)
			same := cli(t, "", s.Name, "--help")
			require.Equal(t, exitOK, same.code, same.stderr)
			assert.Equal(t, page.stdout, same.stdout)
			assert.Equal(t, page.stdout, cli(t, "", "--workers", "1", s.Name, "-h").stdout)
			assert.True(t, strings.HasPrefix(page.stdout, "Usage: arrowpipe [FLAGS] "+verbUsage(s)), page.stdout)
			for _, e := range doc.examples {
				assert.Contains(t, page.stdout, "  "+e+"\n")
			}
			assertFits(t, page.stdout, doc.examples)
		})
	}
}

// countArgs counts the argument words of a Spec's usage ("[-v] [-i]" is
// one line of the docs).
func countArgs(args []string) int { return len(args) }

// assertFits checks that every line is at most 80 columns, but for the
// example command lines, which are not cut.
func assertFits(t *testing.T, text string, except []string) {
	t.Helper()
	skip := map[string]bool{}
	for _, e := range except {
		skip["  "+e] = true
	}
	for _, l := range strings.Split(text, "\n") {
		if !skip[l] && !strings.HasPrefix(l, "  arrowpipe ") {
			assert.LessOrEqual(t, len([]rune(l)), 80, "%q", l)
		}
	}
}

// Every example in the verbs' help is a command line that parses.
func TestVerbExamplesParse(t *testing.T) {
	t.Chdir("../..") // the examples name the samples from the repository's root
	for name, doc := range verbDocs() {
		for _, e := range doc.examples {
			words, err := shell.Fields(e, func(string) string { return "" })
			require.NoError(t, err, e)
			require.Equal(t, "arrowpipe", words[0])
			fs := processFlags()
			fs.SetInterspersed(false)
			fs.SetOutput(io.Discard)
			require.NoError(t, fs.Parse(words[1:]), e)
			if _, ok := findSpec(name); !ok {
				continue // documented ahead of its registration (join)
			}
			calls, _, err := plan.ParseChain(fs.Args(), plan.Specs(nil, nil))
			require.NoError(t, err, e)
			assert.NotEmpty(t, calls, e)
		}
	}
}

func TestHelpTopics(t *testing.T) {
	full := cli(t, "", "help")
	require.Equal(t, exitOK, full.code)
	assert.Equal(t, full.stdout, cli(t, "", "--help").stdout)
	for _, noise := range []string{"[=true|false]", `string[="`, "[=\"", "stringSlice", "duration"} {
		assert.NotContains(t, full.stdout, noise, "pflag's type noise")
	}
	assert.Contains(t, full.stdout, "--stats[=STRING]")
	assertFits(t, full.stdout, nil)

	fns := cli(t, "", "help", "functions")
	require.Equal(t, exitOK, fns.code)
	assert.Contains(t, fns.stdout, "coalesce")
	assert.Contains(t, fns.stdout, "pNN(col)")
	assertFits(t, fns.stdout, nil)

	formats := cli(t, "", "help", "formats")
	require.Equal(t, exitOK, formats.code)
	for _, name := range []string{"csv", "parquet", ".feather", "table", "markdown", "zstd"} {
		assert.Contains(t, formats.stdout, name)
	}
	assertFits(t, formats.stdout, nil)

	bad := cli(t, "", "help", "nosuch")
	assert.Equal(t, exitUsage, bad.code)
	assert.Contains(t, bad.stderr, `help "nosuch": no such verb or topic`)
}

// The committed man page is what arrowpipe man prints (go test -run
// TestManPage -update rewrites it), and roff reads it without warnings
// where groff is installed.
func TestManPageInSync(t *testing.T) {
	res := cli(t, "", "man")
	require.Equal(t, exitOK, res.code, res.stderr)
	if *updateMan {
		require.NoError(t, os.WriteFile(manPagePath, []byte(res.stdout), 0o644))
	}
	committed, err := os.ReadFile(manPagePath)
	require.NoError(t, err)
	assert.Equal(t, string(committed), res.stdout, "%s is stale: go test ./cmd/arrowpipe -run TestManPage -update", manPagePath)
	for _, s := range plan.Specs(nil, nil) {
		assert.Contains(t, res.stdout, ".B "+roffText(verbUsage(s))+"\n")
	}
	assert.NotRegexp(t, `GOMAXPROCS = \d`, res.stdout, "nothing machine-specific")
	if groff, err := exec.LookPath("groff"); err == nil {
		cmd := exec.Command(groff, "-man", "-Tutf8", "-ww", "-z")
		cmd.Stdin = strings.NewReader(res.stdout)
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, string(out))
		assert.Empty(t, string(out), "groff warnings")
	}
}

// The bash script loads, and completes verbs, flags, flag values, help
// topics and, through the binary, the columns of the file on the line.
func TestCompletionBash(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	res := cli(t, "", "completion", "bash")
	require.Equal(t, exitOK, res.code, res.stderr)
	dir := t.TempDir()
	script := filepath.Join(dir, "arrowpipe.bash")
	require.NoError(t, os.WriteFile(script, []byte(res.stdout), 0o600))
	bin := buildBinary(t)
	sample, err := filepath.Abs(sample)
	require.NoError(t, err)

	// completeAt completes word cword (1 is the first after the command).
	completeAt := func(cword int, line ...string) []string {
		t.Helper()
		words := append([]string{bin}, line...)
		var quoted []string
		for _, w := range words {
			quoted = append(quoted, "'"+strings.ReplaceAll(w, "'", `'\''`)+"'")
		}
		prog := "source " + script + " && COMP_WORDS=(" + strings.Join(quoted, " ") + ") && COMP_CWORD=" +
			itoa(cword) + " && _arrowpipe; printf '%s\\n' \"${COMPREPLY[@]}\""
		cmd := exec.Command(bash, "--norc", "--noprofile", "-c", prog)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, string(out))
		return strings.Fields(string(out))
	}
	complete := func(line ...string) []string { return completeAt(len(line), line...) }
	assert.Contains(t, complete("so"), "sort")
	assert.Contains(t, complete("--workers", "2", "fil"), "filter")
	assert.Contains(t, complete("head", "5", "then", "gr"), "groupby")
	assert.Contains(t, complete("--st"), "--stats")
	assert.Equal(t, []string{"parquet"}, complete("--to", "parq"))
	assert.ElementsMatch(t, []string{"table"}, complete("--to", "tab"))
	assert.Contains(t, complete("help", "fun"), "functions")
	assert.ElementsMatch(t, []string{"bash"}, complete("completion", "ba"))
	assert.Equal(t, []string{"region"}, completeAt(2, "select", "reg", sample))
	assert.Equal(t, []string{"id,region"}, completeAt(2, "select", "id,reg", sample))
	assert.ElementsMatch(t, []string{"price", "product"}, completeAt(6, "--stats", "head", "1", "then", "sort", "pr", sample))

	load := exec.Command(bash, "--norc", "--noprofile", "-c", "source <("+bin+" completion bash) && complete -p arrowpipe")
	out, err := load.CombinedOutput()
	require.NoError(t, err, string(out))
	assert.Contains(t, string(out), "-F _arrowpipe arrowpipe")
}

func TestCompletionOtherShells(t *testing.T) {
	zsh := cli(t, "", "completion", "zsh")
	require.Equal(t, exitOK, zsh.code)
	assert.True(t, strings.HasPrefix(zsh.stdout, "#compdef arrowpipe\n"))
	fish := cli(t, "", "completion", "fish")
	require.Equal(t, exitOK, fish.code)
	assert.Contains(t, fish.stdout, "complete -c arrowpipe -a sort -d ")
	assert.Contains(t, fish.stdout, "complete -c arrowpipe -l to -xa ")
	for _, sh := range []string{"zsh", "fish"} {
		path, err := exec.LookPath(sh)
		if err != nil {
			continue
		}
		script := filepath.Join(t.TempDir(), "c."+sh)
		text := zsh.stdout
		if sh == "fish" {
			text = fish.stdout
		}
		require.NoError(t, os.WriteFile(script, []byte(text), 0o600))
		out, err := exec.Command(path, "-n", script).CombinedOutput()
		assert.NoError(t, err, "%s: %s", sh, out)
	}
	bad := cli(t, "", "completion", "tcsh")
	assert.Equal(t, exitUsage, bad.code)
}

func TestFlagUsagesHaveNoTypeNoise(t *testing.T) {
	fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
	fs.String("name", "x", "the `WORD` to use")
	fs.Bool("quiet", false, "say less")
	fs.String("stats", "", "print stats")
	fs.Lookup("stats").NoOptDefVal = "text"
	got := flagUsages(fs)
	assert.Equal(t, "    --name WORD\n        the WORD to use (default x)\n    --quiet\n        say less\n    --stats[=STRING]\n        print stats\n", got)
	var b bytes.Buffer
	b.WriteString(got)
	assert.NotContains(t, b.String(), "[=true|false]")
}
