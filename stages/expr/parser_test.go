package expr

import (
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParsePrecedence(t *testing.T) {
	tests := []struct{ src, want string }{
		{"a + b * c", "(a + (b * c))"},
		{"a * b + c", "((a * b) + c)"},
		{"a - b - c", "((a - b) - c)"},
		{"a / b / c", "((a / b) / c)"},
		{"a % b * c", "((a % b) * c)"},
		{"-a * b", "((- a) * b)"},
		{"- -a", "(- (- a))"},
		{"-5 * 2", "(-5 * 2)"},
		{"2 - -5", "(2 - -5)"},
		{"-9223372036854775808", "-9223372036854775808"},
		{"a + b == c * d", "((a + b) == (c * d))"},
		{"a == 1 and b == 2 or c == 3", "(((a == 1) and (b == 2)) or (c == 3))"},
		{"a or b and c", "(a or (b and c))"},
		{"a or b or c", "((a or b) or c)"},
		{"a and b and c", "((a and b) and c)"},
		{"not a and b", "((not a) and b)"},
		{"not a == b", "(not (a == b))"},
		{"not not a", "(not (not a))"},
		{"!a && b || c", "(((not a) and b) or c)"},
		{"a = 1", "(a == 1)"},
		{"a <> 1", "(a != 1)"},
		{"a != 1", "(a != 1)"},
		{"a < 1", "(a < 1)"},
		{"a <= 1", "(a <= 1)"},
		{"a > 1", "(a > 1)"},
		{"a >= 1", "(a >= 1)"},
		{"a in (1, 2, 3)", "(a in (1, 2, 3))"},
		{"a not in ('x')", "(a not in (\"x\"))"},
		{"a + 1 in (2)", "((a + 1) in (2))"},
		{"a is null", "(a is null)"},
		{"a IS NOT NULL", "(a is not null)"},
		{"a is null and b is not null", "((a is null) and (b is not null))"},
		{"(a + b) * c", "((a + b) * c)"},
		{"a * (b + c)", "(a * (b + c))"},
		{"AND_x + OR_y", "(AND_x + OR_y)"},
		{"`unit price` * 2", "(`unit price` * 2)"},
		{"`a``b`", "`a``b`"},
		{"`and`", "`and`"},
		{"TRUE or False", "(true or false)"},
		{"NULL", "null"},
		{"1.5e3 + .5 + 2.", "((1500.0 + 0.5) + 2.0)"},
		{"1_000", "1000"},
		{`'it\'s' + "a\"b\n"`, `("it's" + "a\"b\n")`},
		{`'\x41\u00e9\U0001F600'`, `"Aé😀"`},
		{"ts'2026-01-02T03:04:05Z'", "ts'2026-01-02T03:04:05Z'"},
		{"ts'2026-01-02T04:04:05+01:00'", "ts'2026-01-02T03:04:05Z'"},
		{"ts'2026-01-02 03:04:05.25'", "ts'2026-01-02T03:04:05.25Z'"},
		{"date'2026-01-02'", "date'2026-01-02'"},
		{"COALESCE(a, b, 0)", "coalesce(a, b, 0)"},
		{"if(a > 1, 'x', 'y')", "if((a > 1), \"x\", \"y\")"},
		{"f()", "f()"},
		{"substr(s, 1, 2)", "substr(s, 1, 2)"},
		{"  a\t+\nb  ", "(a + b)"},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			tree, err := parse(tt.src)
			require.NoError(t, err)
			got := format(tree)
			assert.Equal(t, tt.want, got)
			again, err := parse(got)
			require.NoError(t, err, "canonical form must parse")
			assert.Equal(t, got, format(again), "round trip")
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ src, want string }{
		{"", "empty expression at 1:1\n\n^"},
		{"a +", "unexpected end of expression at 1:4\na +\n   ^"},
		{"a + * b", "unexpected \"*\" at 1:5\na + * b\n    ^"},
		{"(a + b", "expected \")\", found end of expression at 1:7\n(a + b\n      ^"},
		{"a b", "unexpected \"b\" at 1:3\na b\n  ^"},
		{"a < b < c", "comparisons cannot be chained; use parentheses or and at 1:7\na < b < c\n      ^"},
		{"'abc", "unterminated string at 1:1\n'abc\n^"},
		{`"a\qb"`, "unknown escape \\q (a regular expression's \\q is written \\\\q) at 1:3\n\"a\\qb\"\n  ^"},
		{"a # b", "unexpected character '#' at 1:3\na # b\n  ^"},
		{"99999999999999999999", "integer 99999999999999999999 out of range of int64 and uint64 at 1:1\n99999999999999999999\n^"},
		{"1e999", "number 1e999 out of range at 1:1\n1e999\n^"},
		{"12abc", "malformed number \"12a\" at 1:1\n12abc\n^"},
		{"a in ()", "empty in list at 1:3\na in ()\n  ^"},
		{"a is 5", "expected null after is, found \"5\" at 1:6\na is 5\n     ^"},
		{"a not 5", "expected in, like or ilike after not, found \"5\" at 1:7\na not 5\n      ^"},
		{"`abc", "unterminated quoted name at 1:1\n`abc\n^"},
		{"ts'yesterday'", "bad timestamp \"yesterday\" (want RFC 3339, e.g. 2026-01-02T03:04:05Z) at 1:1\nts'yesterday'\n^"},
		{"date'2026-13-01'", "bad date \"2026-13-01\" (want YYYY-MM-DD) at 1:1\ndate'2026-13-01'\n^"},
		{"a and\n  or b", "unexpected \"or\" at 2:3\n  or b\n  ^"},
		{"f(a,", "unexpected end of expression at 1:5\nf(a,\n    ^"},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			_, err := parse(tt.src)
			require.Error(t, err)
			var e *Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, tt.want, err.Error())
		})
	}
}

func TestParseDeepNesting(t *testing.T) {
	src := ""
	for range 2000 {
		src += "("
	}
	_, err := parse(src + "1")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "nested too deeply")
}

// The depth limit is on the tree, so that the fully parenthesized canonical
// form of anything that parses parses again.
func TestParseDepthLimitIsOnTheTree(t *testing.T) {
	repeat := func(s string, n int) string { return strings.Repeat(s, n) }
	tests := []struct {
		name string
		src  string
		ok   bool
	}{
		{"unary chain at the limit", repeat("!", maxDepth) + "0", true},
		{"unary chain past the limit", repeat("!", maxDepth+1) + "0", false},
		{"left-assoc sum at the limit", repeat("1 + ", maxDepth) + "1", true},
		{"left-assoc sum past the limit", repeat("1 + ", maxDepth+1) + "1", false},
		{"redundant parentheses add no depth", repeat("(", 900) + "1" + repeat(")", 900), true},
		{"not chain at the limit", repeat("not ", maxDepth) + "true", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tree, err := parse(tt.src)
			if !tt.ok {
				require.Error(t, err)
				assert.Contains(t, err.Error(), "nested too deeply")
				return
			}
			require.NoError(t, err)
			text := format(tree)
			again, err := parse(text)
			require.NoError(t, err, "canonical form must parse again")
			assert.Equal(t, text, format(again))
		})
	}
}

var smallSchema = arrow.NewSchema([]arrow.Field{
	{Name: "qty", Type: arrow.PrimitiveTypes.Int64},
	{Name: "price", Type: arrow.PrimitiveTypes.Float64},
	{Name: "region", Type: arrow.BinaryTypes.String},
	{Name: "ok", Type: arrow.FixedWidthTypes.Boolean},
	{Name: "at", Type: arrow.FixedWidthTypes.Timestamp_us},
	{Name: "day", Type: arrow.FixedWidthTypes.Date32},
	{Name: "tags", Type: arrow.ListOf(arrow.ListOf(arrow.PrimitiveTypes.Int64))},
}, nil)

func TestCompileErrors(t *testing.T) {
	tests := []struct{ src, want string }{
		{"qtty > 5", "unknown column \"qtty\" at 1:1, did you mean \"qty\"?\nqtty > 5\n^"},
		{"qty > 5 and regin == 'EU'", "unknown column \"regin\" at 1:13, did you mean \"region\"?\nqty > 5 and regin == 'EU'\n            ^"},
		{"zzzzzz", "unknown column \"zzzzzz\" at 1:1\nzzzzzz\n^"},
		{"coalesc(qty, 0)", "unknown function \"coalesc\" at 1:1, did you mean \"coalesce\"?\ncoalesc(qty, 0)\n^"},
		{"qty + region", "operator + needs numbers, got int64 and string at 1:5\nqty + region\n    ^"},
		{"at - at", "operator - needs numbers, got timestamp and timestamp (epoch(a) - epoch(b) is a duration in seconds) at 1:4\nat - at\n   ^"},
		{"day + 1", "operator + needs numbers, got date and int64 (epoch(a) - epoch(b) is a duration in seconds) at 1:5\nday + 1\n    ^"},
		{"region > 1", "cannot compare string with int64 at 1:8\nregion > 1\n       ^"},
		{"ok < true", "bools can only be compared with == and != at 1:4\nok < true\n   ^"},
		{"qty and ok", "and needs bool operands, got int64 and bool at 1:5\nqty and ok\n    ^"},
		{"not qty", "not needs a bool, got int64 at 1:1\nnot qty\n^"},
		{"-region", "unary - needs a number, got string at 1:1\n-region\n^"},
		{"lower(qty)", "argument 1 of lower must be string, got int64 at 1:7\nlower(qty)\n      ^"},
		{"abs()", "abs takes 1 argument(s), got 0 arguments (usage: abs(number)) at 1:1\nabs()\n^"},
		{"round(price, qty)", "round: digits must be an integer literal at 1:14\nround(price, qty)\n             ^"},
		{"date_trunc('week', at)", "date_trunc: unknown unit \"week\" at 1:12\ndate_trunc('week', at)\n           ^"},
		{"date_trunc('hour', day)", "date_trunc: a date has no hour at 1:12\ndate_trunc('hour', day)\n           ^"},
		{"date_trunc(region, at)", "date_trunc: unit must be a string literal: 'year', 'month', 'day', 'hour' or 'minute' at 1:12\ndate_trunc(region, at)\n           ^"},
		{"if(qty, 1, 2)", "argument 1 of if must be bool, got int64 at 1:4\nif(qty, 1, 2)\n   ^"},
		{"coalesce(qty, region)", "coalesce: cannot mix int64 and string at 1:15\ncoalesce(qty, region)\n              ^"},
		{"qty in (1, 'a')", "cannot compare int64 with string in list at 1:12\nqty in (1, 'a')\n           ^"},
		{"hour(day)", "argument 1 of hour must be timestamp, got date at 1:6\nhour(day)\n     ^"},
		{"tags", "column \"tags\": unsupported column type list<item: list<item: int64, nullable>, nullable>: expressions read lists of bool, integers, floats, strings, timestamps and dates at 1:1\ntags\n^"},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			_, err := Compile(tt.src, smallSchema)
			require.Error(t, err)
			assert.Equal(t, tt.want, err.Error())
		})
	}
}

func TestCompileTypes(t *testing.T) {
	tests := []struct {
		src  string
		want arrow.DataType
	}{
		{"qty + 1", arrow.PrimitiveTypes.Int64},
		{"qty / 2", arrow.PrimitiveTypes.Float64},
		{"qty * price", arrow.PrimitiveTypes.Float64},
		{"qty % 3", arrow.PrimitiveTypes.Int64},
		{"qty > 1", arrow.FixedWidthTypes.Boolean},
		{"lower(region)", arrow.BinaryTypes.String},
		{"date_trunc('day', at)", timestampType},
		{"date_trunc('month', day)", arrow.FixedWidthTypes.Date32},
		{"coalesce(day, at)", timestampType},
		{"if(ok, qty, price)", arrow.PrimitiveTypes.Float64},
		{"qty", arrow.PrimitiveTypes.Int64},
		{"at", arrow.FixedWidthTypes.Timestamp_us},
		{"null", arrow.Null},
		{"coalesce(null, null)", arrow.Null},
		{"qty + null", arrow.PrimitiveTypes.Int64},
		{"floor(null) + 1", arrow.PrimitiveTypes.Int64},
		{"length(null)", arrow.PrimitiveTypes.Int64},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			e, err := Compile(tt.src, smallSchema)
			require.NoError(t, err)
			assert.True(t, arrow.TypeEqual(tt.want, e.Type()), "got %s", e.Type())
		})
	}
}
