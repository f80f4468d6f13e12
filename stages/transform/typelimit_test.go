package transform

import (
	"errors"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// An expression's refusal of a column's type is a TypeError naming that
// column, whatever its name holds; any other compile error is not.
func TestExprTypeLimit(t *testing.T) {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "n", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: `we"ird unsupported column type`, Type: arrow.BinaryTypes.Binary, Nullable: true},
		{Name: "tags", Type: arrow.ListOf(arrow.PrimitiveTypes.Int64), Nullable: true},
		{Name: "d", Type: &arrow.Decimal128Type{Precision: 38, Scale: 30}, Nullable: true},
	}, nil)
	for _, c := range []struct {
		v    verb.Verb
		col  string // "" for no TypeError
		want string
	}{
		{Filter("`we\"ird unsupported column type` is not null and n > `we\"ird unsupported column type`"), `we"ird unsupported column type`, "unsupported column type binary"},
		{Filter("tags > 1"), "tags", "unsupported column type list<item: int64, nullable> for operator >"},
		{Derive(Definition{Name: "x", Expr: "d + 1"}), "d", "unsupported column type decimal(38, 30)"},
		{Filter("nn > 1"), "", `unknown column "nn"`},
		{Filter("n > 'unsupported column type'"), "", "cannot compare"},
	} {
		_, _, err := c.v.Build(verb.Env{Workers: 1}, schema)
		require.Error(t, err)
		assert.ErrorContains(t, err, c.want)
		var te *verb.TypeError
		if c.col == "" {
			assert.False(t, errors.As(err, &te), "%v", err)
			continue
		}
		require.True(t, errors.As(err, &te), "%v", err)
		assert.Equal(t, c.col, te.Column)
		assert.True(t, arrow.TypeEqual(schema.Field(schema.FieldIndices(c.col)[0]).Type, te.Type))
	}
}
