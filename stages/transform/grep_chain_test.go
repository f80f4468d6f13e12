package transform_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/stages/plan"
)

// TestGrepInChain: the command line takes grep's optional words as far as
// they go, and leaves the rest to the next verb or the files.
func TestGrepInChain(t *testing.T) {
	calls, files, err := plan.ParseChain([]string{"grep", "-v", "-i", "err", "note,region", "then", "grep", "EU", "then", "head", "3", "in.csv"}, plan.Specs(nil, nil))
	require.NoError(t, err)
	require.Len(t, calls, 3)
	assert.Equal(t, []string{"-v", "-i", "err", "note,region"}, calls[0].Args)
	assert.Equal(t, []string{"EU"}, calls[1].Args)
	assert.Equal(t, []string{"in.csv"}, files)

	calls, files, err = plan.ParseChain([]string{"grep", "err", "grep_test.go"}, plan.Specs(nil, nil))
	require.NoError(t, err)
	assert.Equal(t, []string{"err"}, calls[0].Args)
	assert.Equal(t, []string{"grep_test.go"}, files)

	_, _, err = plan.ParseChain([]string{"grep", "a(b"}, plan.Specs(nil, nil))
	assert.ErrorContains(t, err, "invalid regular expression")
}
