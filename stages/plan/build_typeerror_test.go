package plan

import (
	"errors"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/stages/aggregate"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// A verb's refusal of a column's type passes through Build as a
// *verb.TypeError naming the verb, the column and the type; any other
// build error is a *UsageError.
func TestBuildTypeLimitIsNotUsage(t *testing.T) {
	in := arrow.NewSchema([]arrow.Field{
		{Name: "k", Type: arrow.PrimitiveTypes.Int64},
		{Name: "lst", Type: arrow.ListOf(arrow.PrimitiveTypes.Int64)},
	}, nil)
	_, err := build(verb.Env{}, []verb.Verb{aggregate.Sort(aggregate.SortKey{Column: "lst"})}, in, []string{"sort"}, Options{})
	var te *verb.TypeError
	require.True(t, errors.As(err, &te), "%T %v", err, err)
	require.Equal(t, "sort", te.Verb)
	require.Equal(t, "lst", te.Column)
	require.True(t, arrow.TypeEqual(in.Field(1).Type, te.Type))
	require.Contains(t, te.Error(), `sort: `)
	require.Contains(t, te.Advice(), `cast lst:string`)
	var ue *UsageError
	require.False(t, errors.As(err, &ue))

	_, err = build(verb.Env{}, []verb.Verb{aggregate.Sort(aggregate.SortKey{Column: "nope"})}, in, []string{"sort"}, Options{})
	require.True(t, errors.As(err, &ue), "%T %v", err, err)
	require.False(t, errors.As(err, &te))
}
