package plan_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/stages/format"
	"github.com/arrowpipe/arrowpipe/stages/plan"
	"github.com/arrowpipe/arrowpipe/stages/textval"
)

func TestTextColumns(t *testing.T) {
	in := arrow.NewSchema([]arrow.Field{
		{Name: "a", Type: arrow.PrimitiveTypes.Int64},
		{Name: "b", Type: arrow.BinaryTypes.String},
		{Name: "c", Type: arrow.PrimitiveTypes.Float64},
	}, nil)
	cases := []struct {
		chain []string
		out   format.Format
		want  []string // nil: keep every inferred type
	}{
		{nil, format.CSV, []string{"a", "b", "c"}},
		{nil, format.TSV, []string{"a", "b", "c"}},
		{nil, format.NDJSON, nil},
		{nil, format.Parquet, nil},
		{nil, format.Table, nil},
		{[]string{"filter", "b == 'y'"}, format.CSV, []string{"a", "c"}},
		{[]string{"head", "3"}, format.CSV, []string{"a", "b", "c"}},
		{[]string{"filter", "b == 'y'", "then", "sort", "c"}, format.CSV, []string{"a"}},
		{[]string{"rename", "b=x", "then", "filter", "x == 'y'"}, format.CSV, []string{"a", "c"}},
		{[]string{"derive", "d = a + 1", "then", "select", "b,d"}, format.CSV, []string{"c"}},
		{[]string{"select", "b"}, format.CSV, []string{"a", "c"}},
		{[]string{"summary"}, format.CSV, nil}, // reads every column
		{[]string{"tee", "out.parquet", "then", "filter", "b == 'y'"}, format.CSV, nil},
		{[]string{"filter", "nosuch > 1"}, format.CSV, nil}, // does not build: nothing carried
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s/to=%s", strings.Join(c.chain, " "), c.out), func(t *testing.T) {
			calls, files, err := plan.ParseChain(c.chain, plan.Specs(&plan.SideOutputs{}, nil))
			require.NoError(t, err)
			require.Empty(t, files)
			fn := plan.TextColumns(plan.Verbs(calls), c.out)
			if c.want == nil && fn == nil {
				return
			}
			require.NotNil(t, fn)
			assert.Equal(t, c.want, fn(in))
		})
	}
}

// TestOpenTextColumns: a CSV file whose column a holds "A12" after the
// sample is read with a as text, and "2.50" stays "2.50".
func TestOpenTextColumns(t *testing.T) {
	var b strings.Builder
	b.WriteString("a,b,c\n")
	for i := range 1600 {
		a := fmt.Sprint(i)
		if i == 1500 {
			a = "A12"
		}
		fmt.Fprintf(&b, "%s,%s,%d.50\n", a, []string{"x", "y"}[i%2], i)
	}
	path := filepath.Join(t.TempDir(), "drift.csv")
	require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o600))
	calls, _, err := plan.ParseChain([]string{"filter", "b == 'y'"}, plan.Specs(nil, nil))
	require.NoError(t, err)
	verbs := plan.Verbs(calls)
	// The CLI always passes the first verb as Prune: a union of one file.
	for _, prune := range []bool{false, true} {
		t.Run(fmt.Sprintf("prune=%v", prune), func(t *testing.T) {
			opts := plan.ReadOptions{TextColumns: plan.TextColumns(verbs, format.CSV)}
			if prune {
				opts.Prune = &verbs[0]
			}
			src, err := plan.Open(context.Background(), []string{path}, nil, opts)
			require.NoError(t, err)
			defer src.Close()
			assert.Equal(t, "a:string,b:string,c:string", textval.FormatSchema(src.Schema()))
		})
	}
}
