package transform

import (
	"errors"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// The advice for a column cast cannot convert offers no cast to string
// first, which fails on every row of every type cast refuses (the text of
// a list, a time of day, a bool is not what to_int or to_date reads), nor
// a cast to string for a cast to string; a nested column is pointed to
// explode and flatten.
func TestCastHint(t *testing.T) {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "items", Type: arrow.ListOf(arrow.StructOf(arrow.Field{Name: "a", Type: arrow.PrimitiveTypes.Int64, Nullable: true})), Nullable: true},
		{Name: "tags", Type: arrow.ListOf(arrow.PrimitiveTypes.Int64), Nullable: true},
		{Name: "u", Type: arrow.StructOf(arrow.Field{Name: "a", Type: arrow.PrimitiveTypes.Int64, Nullable: true}), Nullable: true},
		{Name: "raw", Type: arrow.BinaryTypes.Binary, Nullable: true},
		{Name: "t", Type: arrow.FixedWidthTypes.Time64us, Nullable: true},
	}, nil)
	for _, c := range []struct {
		col  string
		to   arrow.DataType
		want string
	}{
		{"items", arrow.BinaryTypes.String, `cast cannot turn column "items" of type list<item: struct<a: int64 nullable>, nullable> into string: cast converts single values, not a list, struct or map as a whole (explode a list or flatten a struct to cast its values), or leave it out`},
		{"tags", arrow.PrimitiveTypes.Int64, `cast cannot turn column "tags" of type list<item: int64, nullable> into int: cast converts single values`},
		{"u", arrow.PrimitiveTypes.Float64, `cast cannot turn column "u" of type struct<a: int64 nullable> into float: cast converts single values`},
		{"raw", arrow.BinaryTypes.String, `cast cannot turn column "raw" of type binary into string; leave it out (select other columns)`},
		{"raw", arrow.PrimitiveTypes.Int64, `cast cannot turn column "raw" of type binary into int; leave it out`},
		{"t", arrow.PrimitiveTypes.Int64, `cast cannot turn column "t" of type time64[us] into int; leave it out`},
	} {
		t.Run(c.col+"/"+c.to.String(), func(t *testing.T) {
			_, _, err := Cast(Casting{Column: c.col, To: c.to}).Build(verb.Env{Workers: 1}, schema)
			var te *verb.TypeError
			require.True(t, errors.As(err, &te), "%v", err)
			assert.Contains(t, te.Advice(), c.want)
			assert.NotContains(t, te.Advice(), " then ")
		})
	}
}
