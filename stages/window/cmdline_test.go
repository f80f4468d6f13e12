package window_test

// The command-line forms, parsed by the chain parser with every verb of
// the command line.

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/stages/plan"
	"github.com/arrowpipe/arrowpipe/stages/verb"
	"github.com/arrowpipe/arrowpipe/stages/window"
)

func TestFillCommandLine(t *testing.T) {
	file := filepath.Join(t.TempDir(), "in.csv")
	require.NoError(t, os.WriteFile(file, []byte("a\n1\n"), 0o644))
	specs := plan.Specs(nil, nil)
	for words, want := range map[string]string{
		"fill v_int,v_str":              "down",
		"fill v_int by g,h":             "down by",
		"fill v_str with 'n/a'":         "value",
		"fill v_f backward":             "up",
		"fill v_f then head 2":          "down",
		"fill v_f by g then head 2":     "down by",
		"fill v_f backward then head 2": "up",
	} {
		calls, files, err := plan.ParseChain(append(window.SplitWords(words), file), specs)
		require.NoError(t, err, words)
		require.Equal(t, []string{file}, files, words)
		st, out, err := calls[0].Verb.Build(verb.Env{}, window.TestSchema)
		require.NoError(t, err, words)
		assert.Equal(t, window.TestSchema, out)
		assert.Equal(t, want == "value", st.Workers != 1, words)
	}
}

// The command line: the chain parser takes the window verb's two words.
func TestWindowCommandLine(t *testing.T) {
	file := filepath.Join(t.TempDir(), "in.csv")
	require.NoError(t, os.WriteFile(file, []byte("a\n1\n"), 0o644))
	specs := plan.Specs(nil, nil)
	calls, files, err := plan.ParseChain([]string{"window", "g,h", "prev = lag(v_int), r = rank(v_f desc)", "then", "head", "5", file}, specs)
	require.NoError(t, err)
	require.Equal(t, []string{file}, files)
	require.Len(t, calls, 2)
	st, out, err := calls[0].Verb.Build(verb.Env{}, window.TestSchema)
	require.NoError(t, err)
	assert.Equal(t, "window", st.Name)
	assert.Equal(t, 1, st.Workers)
	assert.True(t, st.Ordered)
	assert.Equal(t, []string{"prev", "r"}, []string{out.Field(8).Name, out.Field(9).Name})
	assert.Equal(t, []string{"g", "h", "v_f", "v_int", "v_str"}, calls[0].Verb.Reads(window.TestSchema, []string{"v_str", "prev", "r"}))

	_, _, err = plan.ParseChain([]string{"window", "-", "x = lag(", file}, specs)
	assert.ErrorContains(t, err, "window")
	calls, _, err = plan.ParseChain([]string{"window", "-", "n = row_number()", file}, specs)
	require.NoError(t, err)
	_, _, err = calls[0].Verb.Build(verb.Env{}, window.TestSchema)
	require.NoError(t, err)
}

func TestSampleCommandLine(t *testing.T) {
	file := filepath.Join(t.TempDir(), "in.csv")
	require.NoError(t, os.WriteFile(file, []byte("a\n1\n"), 0o644))
	specs := plan.Specs(nil, nil)
	for words, want := range map[string]int{
		"sample 10":                 1,
		"sample 10 42":              1,
		"sample 5% 7":               0,
		"sample 12.5%":              0,
		"sample 10 then head 2":     1,
		"sample 1% 3 then head 2":   0,
		"sample 3 by g":             1,
		"sample 3 9 by g,h":         1,
		"sample 3 by g then head 2": 1,
	} {
		calls, files, err := plan.ParseChain(append(window.SplitWords(words), file), specs)
		require.NoError(t, err, words)
		require.Equal(t, []string{file}, files, words)
		st, _, err := calls[0].Verb.Build(verb.Env{}, window.TestSchema)
		require.NoError(t, err, words)
		assert.Equal(t, want, st.Workers, words)
	}
	for _, words := range []string{"sample x", "sample 101%", "sample -3", "sample 5% by g", "sample 3 by nope"} {
		calls, _, err := plan.ParseChain(append(window.SplitWords(words), file), specs)
		if err == nil {
			_, _, err = calls[0].Verb.Build(verb.Env{}, window.TestSchema)
		}
		assert.ErrorContains(t, err, "sample", words)
	}
}
