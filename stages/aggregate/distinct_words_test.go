package aggregate_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/stages/plan"
)

// distinct's forms on the command line: no COLS, COLS, COLS last, and a
// file or then right after the verb.
func TestDistinctWords(t *testing.T) {
	for _, c := range []struct {
		words []string
		args  [][]string
		files []string
	}{
		{[]string{"distinct"}, [][]string{{}}, nil},
		{[]string{"distinct", "-"}, [][]string{{}}, []string{"-"}},
		{[]string{"distinct", "distinct_words_test.go"}, [][]string{{}}, []string{"distinct_words_test.go"}},
		{[]string{"distinct", "then", "count"}, [][]string{{}, {}}, nil},
		{[]string{"distinct", "region"}, [][]string{{"region"}}, nil},
		{[]string{"distinct", "region,product", "last", "-"}, [][]string{{"region,product", "last"}}, []string{"-"}},
		{[]string{"distinct", "region", "last", "then", "count"}, [][]string{{"region", "last"}, {}}, nil},
	} {
		calls, files, err := plan.ParseChain(c.words, plan.Specs(nil, nil))
		require.NoError(t, err, "%q", c.words)
		var args [][]string
		for _, call := range calls {
			args = append(args, append([]string{}, call.Args...))
		}
		assert.Equal(t, c.args, args, "%q", c.words)
		assert.Equal(t, c.files, files, "%q", c.words)
	}
}
