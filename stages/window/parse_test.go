package window

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/stages/aggregate"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

func TestParseFuncs(t *testing.T) {
	cases := map[string][]Func{
		"prev = lag(price)": {Lag("price", 1).As("prev")},
		"lag(price, 2, 0)":  {Lag("price", 2).Or("0")},
		"p = lead(`a, b`, 0, 'it''s'), n = row_number()": {Lead("a, b", 0).Or("it's").As("p"), RowNumber().As("n")},
		"lead(x, 1, NULL)":           {Lead("x", 1)},
		"`x = y` = running_sum(qty)": {RunningSum("qty").As("x = y")},
		"c = running_count(), d = running_count(*), e = running_count(q)": {
			RunningCount("").As("c"), RunningCount("").As("d"), RunningCount("q").As("e"),
		},
		"m = moving_mean(price, 7), s = moving_sum(qty,3)": {MovingMean("price", 7).As("m"), MovingSum("qty", 3).As("s")},
		"EWMA(price, 0.5), delta(qty), ratio(qty)":         {EWMA("price", 0.5), Delta("qty"), Ratio("qty")},
		"running_min(a), running_max(b), running_mean(c)":  {RunningMin("a"), RunningMax("b"), RunningMean("c")},
	}
	for text, want := range cases {
		got, err := ParseFuncs(text)
		require.NoError(t, err, text)
		assert.Equal(t, want, got, text)
	}
	got, err := ParseFuncs("r = rank(price desc, id), d = dense_rank(`a b` nulls first)")
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.Equal(t, "price desc, id", got[0].order)
	assert.Equal(t, OpDenseRank, got[1].Op)

	bad := map[string]string{
		"":                          "no window function",
		"lag(price":                 "unbalanced",
		"lag price":                 "not NAME = FUNC(ARGS)",
		"x = median(price)":         "unknown window function",
		"lag(price, x)":             "offset",
		"lag(price, -1)":            "negative",
		"lag()":                     "takes 1 to 3 arguments",
		"row_number(x)":             "takes 0 to 0",
		"moving_sum(x, 0)":          "not positive",
		"ewma(x, 0)":                "alpha",
		"ewma(x, y)":                "not a number",
		"rank()":                    "no order",
		"a = b = lag(x)":            "more than one '='",
		"lag(`x)":                   "unterminated",
		"lag(x)), y":                "unbalanced ')'",
		"x = lag(x), , y = lead(y)": "empty item",
	}
	for text, want := range bad {
		_, err := ParseFuncs(text)
		assert.ErrorContains(t, err, want, text)
	}
}

// rank's ORDER is read for the schema, as sort reads it.
func TestParseOrder(t *testing.T) {
	keys, err := parseOrder(testSchema, "v_int desc, `v_f` nulls first, v_str ASC NULLS LAST")
	require.NoError(t, err)
	assert.Equal(t, []aggregate.SortKey{aggregate.Desc("v_int"), {Column: "v_f", NullsFirst: true}, aggregate.Asc("v_str")}, keys)
	_, err = parseOrder(testSchema, "zz desc")
	assert.ErrorContains(t, err, `no column "zz"`)
}

func FuzzParseFuncs(f *testing.F) {
	for _, s := range []string{"prev = lag(price)", "lag(price, 2, 'x''y')", "r = rank(a desc, `b,c`)", "m = moving_mean(p, 3), e = ewma(p, .5)", "a=(b)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fns, err := ParseFuncs(s)
		if err != nil {
			return
		}
		// Whatever parses is valid, and building it either works or fails
		// with an error (no panic).
		for _, fn := range fns {
			if err := fn.check(); err != nil {
				t.Fatalf("%q parsed into an invalid %+v: %v", s, fn, err)
			}
		}
		_, _, _ = Window(nil, fns...).Build(verb.Env{}, testSchema)
	})
}
