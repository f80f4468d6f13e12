package cluster

import (
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/plan"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

func TestCutBeforeTheFirstWholeStreamStage(t *testing.T) {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "a", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "b", Type: arrow.BinaryTypes.String, Nullable: true},
	}, nil)
	env := verb.Env{Mem: memory.NewGoAllocator()}
	for words, want := range map[string]int{
		"":                                   0,
		"filter|a > 1":                       1,
		"filter|a > 1|select|a|rename|a=x":   3,
		"sort|a":                             0,
		"filter|a > 1|sort|a|filter|a > 2":   1,
		"derive|c = a * 2|groupby|b|count()": 1,
		"select|a,b|distinct|b":              1,
		"filter|a > 0|head|5":                1,
		"filter|a > 0|tail|5":                1,
		"cast|a:float|top|3|a desc":          1,
	} {
		t.Run(words, func(t *testing.T) {
			var calls []plan.Call
			if words != "" {
				calls = parseWords(t, splitWords(words)...)
			}
			verbs := plan.Verbs(calls)
			stages := make([]pipeline.Stage, len(verbs))
			in := schema
			for i, v := range verbs {
				s, out, err := v.Build(env, in)
				require.NoError(t, err)
				stages[i], in = s, out
			}
			assert.Equal(t, want, Cut(verbs, stages))
		})
	}
}

// splitWords turns "filter|a > 1|sort|a" into a chain of words, with
// "then" between the verbs.
func splitWords(s string) []string {
	specs := map[string]verb.Spec{}
	for _, sp := range plan.Specs(nil, nil) {
		specs[sp.Name] = sp
	}
	parts := strings.Split(s, "|")
	var words []string
	for i := 0; i < len(parts); {
		if len(words) > 0 {
			words = append(words, "then")
		}
		sp := specs[parts[i]]
		n := len(sp.Args)
		if sp.Words != nil {
			n = sp.Words(parts[i+1:])
		}
		words = append(words, parts[i:i+1+n]...)
		i += 1 + n
	}
	return words
}
