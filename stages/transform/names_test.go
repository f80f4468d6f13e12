package transform

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// Column names are written the same way in select, drop, rename and cast
// as in sort, groupby and expressions: bare (spaces allowed) or in
// backticks, where spaces, commas, '=' and ':' are part of the name.
func TestColumnNamesAsEveryVerbWritesThem(t *testing.T) {
	in := arrow.NewSchema([]arrow.Field{
		{Name: " a ", Type: arrow.PrimitiveTypes.Int64},
		{Name: "unit price", Type: arrow.PrimitiveTypes.Float64},
		{Name: "x,y", Type: arrow.PrimitiveTypes.Int64},
		{Name: "k=v", Type: arrow.PrimitiveTypes.Int64},
		{Name: "c:d", Type: arrow.PrimitiveTypes.Float64},
	}, nil)
	names := func(s *arrow.Schema) []string {
		var out []string
		for _, f := range s.Fields() {
			out = append(out, f.Name)
		}
		return out
	}
	cases := []struct {
		verb, arg string
		want      []string
	}{
		{"select", "unit price, ` a `", []string{"unit price", " a "}},
		{"select", "`x,y`,`unit price`", []string{"x,y", "unit price"}},
		{"drop", "` a `,`x,y`,k=v", []string{"unit price", "c:d"}},
		{"rename", "`k=v`=kv, `unit price`=`p q`", []string{" a ", "p q", "x,y", "kv", "c:d"}},
		{"rename", "`c:d`=cd", []string{" a ", "unit price", "x,y", "k=v", "cd"}},
		{"cast", "`c:d`:int, unit price:string", []string{" a ", "unit price", "x,y", "k=v", "c:d"}},
	}
	for _, c := range cases {
		t.Run(c.verb+"/"+c.arg, func(t *testing.T) {
			spec := verbNamed(t, c.verb)
			_, out, err := spec.Build(verb.Env{Workers: 1, Mem: memory.NewGoAllocator()}, []string{c.arg}, in)
			require.NoError(t, err)
			assert.Equal(t, c.want, names(out))
			reads := spec.Reads([]string{c.arg}, in, c.want[:1])
			for _, r := range reads {
				assert.NotEmpty(t, in.FieldIndices(r), "Reads named %q, not a column", r)
			}
		})
	}
	t.Run("cast types", func(t *testing.T) {
		_, out, err := verbNamed(t, "cast").Build(verb.Env{Workers: 1, Mem: memory.NewGoAllocator()}, []string{"`c:d`:int"}, in)
		require.NoError(t, err)
		assert.Equal(t, arrow.INT64, out.Field(4).Type.ID())
	})
	t.Run("unterminated", func(t *testing.T) {
		_, _, err := verbNamed(t, "rename").Build(verb.Env{Workers: 1, Mem: memory.NewGoAllocator()}, []string{"`k=v=kv"}, in)
		assert.ErrorContains(t, err, "unterminated backtick")
	})
}

func verbNamed(t *testing.T, name string) verb.Spec {
	t.Helper()
	for _, s := range Verbs() {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("no verb %q", name)
	return verb.Spec{}
}
