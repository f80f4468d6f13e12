package aggregate

import (
	"cmp"
	"context"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/stages/internal/rowtest"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// namesSchema has column names that need the naming rules: spaces, a
// comma, a backtick, and "price desc" beside "price".
var namesSchema = arrow.NewSchema([]arrow.Field{
	{Name: "unit price", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "a,b", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "we`ird", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "price", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "price desc", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "asc", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
}, nil)

// Order terms name columns as select and the expressions do: bare with
// spaces, or in backticks (a doubled backtick for one, commas allowed).
func TestOrderColumnNames(t *testing.T) {
	type key struct {
		col              string
		desc, nullsFirst bool
	}
	for _, tc := range []struct {
		spec string
		want []key
	}{
		{"`unit price` desc", []key{{"unit price", true, false}}},
		{"unit price desc", []key{{"unit price", true, false}}},
		{"unit price", []key{{"unit price", false, false}}},
		{"  unit price   DESC  NULLS FIRST ", []key{{"unit price", true, true}}},
		{"`a,b` asc nulls last, `we``ird` desc", []key{{"a,b", false, false}, {"we`ird", true, false}}},
		{"`price desc`, `price` desc", []key{{"price desc", false, false}, {"price", true, false}}},
		{"asc desc, asc", []key{{"asc", true, false}, {"asc", false, false}}},
	} {
		t.Run(tc.spec, func(t *testing.T) {
			keys, err := parseOrder(namesSchema, tc.spec)
			require.NoError(t, err)
			var got []key
			for _, k := range keys {
				got = append(got, key{namesSchema.Field(k.col).Name, k.desc, k.nullsFirst})
			}
			assert.Equal(t, tc.want, got)
		})
	}
	for _, tc := range []struct{ spec, want string }{
		{"price desc", "ambiguous"},
		{"`unit price desc", "unterminated backtick"},
		{"`unit price`desc", "expected COL [asc|desc] [nulls first|last]"},
		{"unit price sideways", `expected COL [asc|desc] [nulls first|last]: "sideways" follows column "unit price"`},
		{`"unit price" desc`, "quoted with backticks: `unit price`"},
		{"unit prize", `unknown column "unit prize", did you mean "unit price"?`},
		{"desc", "expected COL"},
		{"price,", "empty column name"},
		{"", "empty column name"},
	} {
		t.Run("error/"+tc.spec, func(t *testing.T) {
			_, err := parseOrder(namesSchema, tc.spec)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

// sort and top on a column whose name has a space, written both ways, give
// the reference order.
func TestSortTopSpacedColumn(t *testing.T) {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "unit price", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "id", Type: arrow.PrimitiveTypes.Int64},
	}, nil)
	r := rand.New(rand.NewPCG(21, 21))
	rows := make([]row, 500)
	for i := range rows {
		rows[i] = row{int64(r.IntN(20)), int64(i)}
		if r.IntN(10) == 0 {
			rows[i][0] = nil
		}
	}
	parts := rowtest.Split(r, rows, 60)
	// The reference reads the order from the column index, not the name.
	want := refSortBy(rows, func(a, b row) int { return cmpNullLast(a[0], b[0], true) })
	for _, spec := range []string{"`unit price` desc", "unit price desc"} {
		for _, v := range []struct{ name, n string }{{"sort", ""}, {"top", "37"}} {
			t.Run(v.name+"/"+spec, func(t *testing.T) {
				mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
				defer mem.AssertSize(t, 0)
				args := []string{spec}
				w := want
				if v.n != "" {
					args = []string{v.n, spec}
					w = want[:37]
				}
				st, _, err := buildVerb(t, verb.Env{Workers: 2, Mem: mem}, v.name, schema, args...)
				require.NoError(t, err)
				out, err := drive(t, context.Background(), st, rowtest.Batches(t, mem, schema, parts), 2, r)
				require.NoError(t, err)
				defer releaseAll(out)
				assert.Equal(t, w, rowtest.Rows(t, out))
			})
		}
	}
}

// refSortBy is a stable sort of a copy of rows.
func refSortBy(rows []row, cmp func(a, b row) int) []row {
	out := slices.Clone(rows)
	slices.SortStableFunc(out, cmp)
	return out
}

// cmpNullLast compares two int64-or-nil values, nulls last in either
// direction.
func cmpNullLast(x, y any, desc bool) int {
	switch {
	case x == nil && y == nil:
		return 0
	case x == nil:
		return 1
	case y == nil:
		return -1
	}
	c := cmp.Compare(x.(int64), y.(int64))
	if desc {
		return -c
	}
	return c
}

// The key lists of groupby, distinct and count_distinct name columns by
// the same rules as order terms and select.
func TestKeyListColumnNames(t *testing.T) {
	for _, tc := range []struct{ verb, keys string }{
		{"distinct", "`we``ird`, unit price"},
		{"count_distinct", "`a,b`,`unit price`"},
		{"groupby", "unit price, `we``ird`"},
	} {
		t.Run(tc.verb+"/"+tc.keys, func(t *testing.T) {
			args := []string{tc.keys}
			if tc.verb == "groupby" {
				args = append(args, "count() as n")
			}
			_, _, err := buildVerb(t, verb.Env{}, tc.verb, namesSchema, args...)
			require.NoError(t, err)
			args[0] = "`unit price"
			_, _, err = buildVerb(t, verb.Env{}, tc.verb, namesSchema, args...)
			require.ErrorContains(t, err, "unterminated backtick")
		})
	}
}
