package colname

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNames(t *testing.T) {
	for _, tc := range []struct {
		arg  string
		want []string
	}{
		{"a", []string{"a"}},
		{" a , b ", []string{"a", "b"}},
		{"unit price, qty", []string{"unit price", "qty"}},
		{"`unit price`,`a,b`", []string{"unit price", "a,b"}},
		{"`we``ird`", []string{"we`ird"}},
		{"` padded `", []string{" padded "}},
		{"x`y z`", []string{"xy z"}},
	} {
		got, err := Names(tc.arg)
		require.NoError(t, err, tc.arg)
		assert.Equal(t, tc.want, got, tc.arg)
	}
	for _, bad := range []string{"", "a,", ",a", "`a", "a,``", "`a``"} {
		_, err := Names(bad)
		assert.Error(t, err, bad)
	}
}

func TestSplitPositions(t *testing.T) {
	items, err := Split(" a, `b,c` desc ,d")
	require.NoError(t, err)
	assert.Equal(t, []Item{{"a", 1}, {"`b,c` desc", 4}, {"d", 16}}, items)
}

func TestCutQuoted(t *testing.T) {
	name, rest, err := CutQuoted("`unit ``price``` desc")
	require.NoError(t, err)
	assert.Equal(t, "unit `price`", name)
	assert.Equal(t, " desc", rest)
	_, _, err = CutQuoted("`open")
	assert.Error(t, err)
	_, _, err = CutQuoted("bare")
	assert.ErrorIs(t, err, ErrNoName)
}

func TestCut(t *testing.T) {
	cases := []struct {
		in, before, after string
		found             bool
	}{
		{"a=b", "a", "b", true},
		{" a = b ", "a", "b", true},
		{"`k=v`=kv", "k=v", "kv", true},
		{"`a``=`=`b c`", "a`=", "b c", true},
		{"`x=y`", "x=y", "", false},
		{"plain", "plain", "", false},
	}
	for _, c := range cases {
		before, after, found, err := Cut(c.in, '=')
		require.NoError(t, err, c.in)
		assert.Equal(t, []any{c.before, c.after, c.found}, []any{before, after, found}, c.in)
	}
	_, _, _, err := Cut("`a=b", '=')
	assert.Error(t, err)
}

func TestClosest(t *testing.T) {
	names := []string{"qty", "region", "discount", "product", "price"}
	for _, c := range []struct{ in, want string }{
		{"qtty", "qty"}, {"Region", "region"}, {"discont", "discount"},
		{"prod", "product"}, // a unique prefix
		{"pr", ""},          // too short to be a prefix hint, and two edits away
		{"zzzz", ""}, {"x", ""},
	} {
		assert.Equal(t, c.want, Closest(c.in, names), c.in)
	}
	assert.Equal(t, "", Closest("x", nil))
	assert.Equal(t, "", Closest("pri", []string{"price", "prince"}), "an ambiguous prefix suggests nothing")
	assert.Equal(t, 3, editDistance("kitten", "sitting"))
	assert.Equal(t, 1, editDistance("café", "cafe"), "runes, not bytes")
}

func TestSplitTop(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"count() as n, quantile(price, 0.9)", []string{"count() as n", "quantile(price, 0.9)"}},
		{"a = lag(x, 1, 'a,b'), b = lead(`c,d`)", []string{"a = lag(x, 1, 'a,b')", "b = lead(`c,d`)"}},
		{`sum("x,y")`, []string{`sum("x,y")`}},
		{"  ", nil},
	} {
		got, err := SplitTop(c.in, ',')
		require.NoError(t, err, c.in)
		assert.Equal(t, c.want, got, c.in)
	}
	for _, bad := range []string{"a,,b", "f(x", "f(x))", "'open", "a,"} {
		_, err := SplitTop(bad, ',')
		assert.Error(t, err, bad)
	}
}
