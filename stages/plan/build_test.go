package plan_test

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/stages/plan"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

var ordersSchema = arrow.NewSchema([]arrow.Field{
	{Name: "id", Type: arrow.PrimitiveTypes.Int64},
	{Name: "ts", Type: arrow.FixedWidthTypes.Timestamp_us},
	{Name: "region", Type: arrow.BinaryTypes.String},
	{Name: "product", Type: arrow.BinaryTypes.String},
	{Name: "qty", Type: arrow.PrimitiveTypes.Int64},
	{Name: "price", Type: arrow.PrimitiveTypes.Float64},
	{Name: "discount", Type: arrow.PrimitiveTypes.Float64},
	{Name: "note", Type: arrow.BinaryTypes.String},
}, nil)

// TestProjection checks which columns Build asks a projectable source for,
// and that the chain then builds for the narrowed schema.
func TestProjection(t *testing.T) {
	all := []string(nil)
	tests := []struct {
		chain []string
		want  []string
	}{
		{nil, all},
		{[]string{"count"}, []string{}},
		{[]string{"head", "5", "then", "count"}, []string{}},
		{[]string{"select", "id,region"}, []string{"id", "region"}},
		{[]string{"filter", `qty > 50 and region == "EU"`, "then", "derive", "total = qty * price * (1 - coalesce(discount, 0))", "then", "select", "id,region,total"},
			[]string{"id", "region", "qty", "price", "discount"}},
		{[]string{"groupby", "region", "count() as n, sum(qty), p99(price)"}, []string{"region", "qty", "price"}},
		{[]string{"agg", "sum(qty)"}, []string{"qty"}},
		{[]string{"count_distinct", "region,product"}, []string{"region", "product"}},
		{[]string{"rename", "qty=n", "then", "select", "n"}, []string{"qty"}},
		{[]string{"derive", "price = price * 2; x = price + qty", "then", "select", "x"}, []string{"qty", "price"}},
		{[]string{"sort", "price desc", "then", "select", "id"}, []string{"id", "price"}},
		{[]string{"top", "3", "qty desc", "then", "select", "id"}, []string{"id", "qty"}},
		{[]string{"distinct", "region", "then", "select", "product"}, []string{"region", "product"}},
		{[]string{"cast", "qty:float", "then", "select", "id"}, []string{"id", "qty"}},
		{[]string{"drop", "note", "then", "select", "id"}, []string{"id", "note"}},
		{[]string{"filter", "qty > 1"}, all},
		{[]string{"sort", "price", "then", "tail", "3"}, all},
		{[]string{"select", "id,note", "then", "derive", "n = 1"}, []string{"id", "note"}},
	}
	for _, tt := range tests {
		t.Run(fmtChain(tt.chain), func(t *testing.T) {
			calls, files, err := plan.ParseChain(tt.chain, plan.Specs(nil, nil))
			require.NoError(t, err)
			require.Empty(t, files)
			src := &fakeSource{schema: ordersSchema}
			p, err := plan.Build(verb.Env{}, plan.Verbs(calls), src, plan.Options{})
			require.NoError(t, err)
			if tt.want == nil {
				assert.Nil(t, src.projected, "no projection")
				assert.Equal(t, ordersSchema, p.Schemas[0])
				return
			}
			assert.ElementsMatch(t, tt.want, src.projected)
			// The chain was built again for the narrowed schema.
			assert.Equal(t, src.projected, names(p.Schemas[0]))
		})
	}
}

func fmtChain(words []string) string {
	s := ""
	for _, w := range words {
		s += w + " "
	}
	return s
}

func names(s *arrow.Schema) []string {
	out := []string{}
	for _, f := range s.Fields() {
		out = append(out, f.Name)
	}
	return out
}
