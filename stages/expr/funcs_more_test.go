package expr

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestStringAndConditionalFunctions checks hand-computed results, most of
// them checked against DuckDB 1.4 (see /tmp notes in the issue): specBatch
// rows are a = 7, -7, null; f = 2.5, null, 0; s = "EU", "ß x", null.
func TestStringAndConditionalFunctions(t *testing.T) {
	tests := []struct {
		src  string
		want []any
	}{
		{"concat(s, '-', a)", []any{"EU-7", "ß x--7", "-"}},
		{"concat(null, null)", []any{"", "", ""}},
		{"concat(f, b)", []any{"2.5true", "", "0false"}},
		{"lpad(s, 5, 'xy')", []any{"xyxEU", "xyß x", nil}},
		{"rpad(s, 2, '.')", []any{"EU", "ß ", nil}},
		{"lpad('abc', -1, 'x')", []any{"", "", ""}},
		{"lpad('abc', 5, '')", []any{nil, nil, nil}},
		{"lpad('hello', 3, 'x')", []any{"hel", "hel", "hel"}},
		{"rpad('ü', 3, 'é')", []any{"üéé", "üéé", "üéé"}},
		{"split_part('a,b,c', ',', a)", []any{"", "", nil}},
		{"split_part('a,b,c', ',', -1)", []any{"c", "c", "c"}},
		{"split_part('a,b,c', ',', 0)", []any{"", "", ""}},
		{"split_part('abc', '', 2)", []any{"b", "b", "b"}},
		{"split_part(s, ' ', 2)", []any{"", "x", nil}},
		{"strpos(s, 'x')", []any{int64(0), int64(3), nil}},
		{"strpos('hÜllo', 'l')", []any{int64(3), int64(3), int64(3)}},
		{"strpos('abc', '')", []any{int64(1), int64(1), int64(1)}},
		{"reverse(s)", []any{"UE", "x ß", nil}},
		{"left(s, 1)", []any{"E", "ß", nil}},
		{"right(s, -1)", []any{"U", " x", nil}},
		{"left('abc', -1)", []any{"ab", "ab", "ab"}},
		{"left('abc', 10)", []any{"abc", "abc", "abc"}},
		{"s like 'E%'", []any{true, false, nil}},
		{"s not like '_ x'", []any{true, false, nil}},
		{"s ilike 'eu'", []any{true, false, nil}},
		{"like(s, '%')", []any{true, true, nil}},
		{"'Ä' ilike 'ä'", []any{true, true, true}},
		{"'a%b' like 'a%%b'", []any{true, true, true}},
		{"levenshtein('kitten', 'sitting')", []any{int64(3), int64(3), int64(3)}},
		{"levenshtein(s, 'EU')", []any{int64(0), int64(3), nil}},
		{"md5('abc')", []any{"900150983cd24fb0d6963f7d28e17f72", "900150983cd24fb0d6963f7d28e17f72", "900150983cd24fb0d6963f7d28e17f72"}},
		{"sha256('')", []any{"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}},
		{"hash('abc') == 4952883123889572249", []any{true, true, true}}, // xxhash64("abc")
		{"hash(s) is null", []any{false, false, true}},
		{"nullif(a, 7)", []any{nil, int64(-7), nil}},
		{"nullif(a, null)", []any{int64(7), int64(-7), nil}},
		{"greatest(a, f, 1)", []any{7.0, 1.0, 1.0}},
		{"least(a, null)", []any{int64(7), int64(-7), nil}},
		{"greatest(s, 'F')", []any{"F", "ß x", "F"}},
		{"greatest(f, 0.0 / 0.0 + f)", []any{2.5, nil, 0.0}},
		{"is_nan(f)", []any{false, nil, false}},
		{"is_nan(a)", []any{false, false, nil}},
		{"case when a > 0 then 'pos' when a < 0 then 'neg' else 'none' end", []any{"pos", "neg", "none"}},
		{"case when b then 1 end", []any{int64(1), nil, nil}},
		{"case a when 7 then 'seven' when -7 then 'minus' end", []any{"seven", "minus", nil}},
		{"CASE WHEN s IS NULL THEN 0 ELSE length(s) END", []any{int64(2), int64(3), int64(0)}},
		{"regexp_matches(s, '^[A-Z]+$')", []any{true, false, nil}},
		{"regexp_matches(s, 'x')", []any{false, true, nil}},
		{"regexp_extract('abc123', '[0-9]+')", []any{"123", "123", "123"}},
		{"regexp_extract(s, '(ß) (x)', 2)", []any{"", "x", nil}},
		{"regexp_extract('abc', '(x)?c', 1)", []any{"", "", ""}},
		{"regexp_replace('aaa', 'a', 'b')", []any{"baa", "baa", "baa"}},
		{"regexp_replace('aaa', 'a', 'b', 'g')", []any{"bbb", "bbb", "bbb"}},
		{"regexp_replace('abc', '(b)', '<\\\\1>$')", []any{"a<b>$c", "a<b>$c", "a<b>$c"}},
		{"regexp_replace(s, '\\\\s+', '_', 'g')", []any{"EU", "ß_x", nil}},
	}
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rec := specBatch(t, mem)
	defer rec.Release()
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			e, err := Compile(tt.src, rec.Schema())
			require.NoError(t, err)
			got, err := e.Eval(context.Background(), rec, mem)
			require.NoError(t, err)
			defer got.Release()
			require.Equal(t, len(tt.want), got.Len())
			for r, w := range tt.want {
				assert.Equal(t, w, refValue(got, r), "row %d", r)
			}
			checkAgainstReference(t, tt.src, rec, mem)
		})
	}
}

// TestNewFunctionErrors: bad patterns, groups and arguments are Compile
// errors that point at the argument.
func TestNewFunctionErrors(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rec := specBatch(t, mem)
	defer rec.Release()
	for _, tt := range []struct{ src, msg string }{
		{"regexp_matches(s, 'a(b')", "regexp_matches: invalid regular expression: error parsing regexp: missing closing ): `a(b` at 1:19"},
		{"regexp_matches(s, s)", "regexp_matches: the pattern must be a string literal at 1:19"},
		{"regexp_extract(s, '(a)', 2)", "regexp_extract: group 2 does not exist: the pattern has 1 group(s) at 1:26"},
		{"regexp_replace(s, 'a', 'b', 'x')", "regexp_replace: the only option is 'g' (replace every match) at 1:29"},
		{"lpad(s, 'x', 'y')", "argument 2 of lpad must be int64, got string at 1:9"},
		{"greatest(a, s)", "greatest: cannot mix int64 and string at 1:13"},
		{"case when a then 1 end", "argument 1 of if must be bool, got int64 at 1:11"},
		{"case a end", "expected when after case"},
		{"case when b then 1", "expected end of case"},
		{"s like", "unexpected end of expression"},
		{"s like 'a' like 'b'", "comparisons cannot be chained"},
	} {
		_, err := Compile(tt.src, rec.Schema())
		require.Error(t, err, tt.src)
		assert.Contains(t, err.Error(), tt.msg, tt.src)
	}
}

// TestPadLimit: a pad length beyond maxPad is an error naming the row,
// not an attempt to allocate it.
func TestPadLimit(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rec := specBatch(t, mem)
	defer rec.Release()
	e, err := Compile("lpad(s, a * 1000000, 'x')", rec.Schema())
	require.NoError(t, err)
	_, err = e.Eval(context.Background(), rec, mem)
	require.ErrorIs(t, err, ErrOverflow)
	assert.Contains(t, err.Error(), "row 1 of the batch: lpad to 7000000 characters")
}

// TestLevenshteinLimit: strings too long to compare are an error naming
// the row, not a stall.
func TestLevenshteinLimit(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rec := specBatch(t, mem)
	defer rec.Release()
	e, err := Compile("levenshtein(lpad(s, 9000, 'x'), lpad(s, 9000, 'y'))", rec.Schema())
	require.NoError(t, err)
	_, err = e.Eval(context.Background(), rec, mem)
	require.ErrorIs(t, err, ErrValue)
	assert.Contains(t, err.Error(), "row 1 of the batch: levenshtein of strings of 9000 and 9000 characters")
	checkAgainstReference(t, "levenshtein(lpad(s, 9000, 'x'), lpad(s, 9000, 'y'))", rec, mem)
}

// TestNewFunctionsAgainstReference runs every new function over every
// column type, with and without nulls, on whole and sliced batches.
func TestNewFunctionsAgainstReference(t *testing.T) {
	srcs := []string{
		"concat(s1, i1, f1, b1, t1, t3, d1, u64)", "concat(s1, null, ls)",
		"lpad(s1, i2 + 3, s2)", "rpad(ls, 4, 'é.')", "lpad(s1, i1, '*')",
		"split_part(s1, 'a', i2)", "split_part(s1, s2, 1)", "split_part(ls, '', -2)",
		"strpos(s1, s2)", "strpos(ls, 'a')", "reverse(s1)", "left(s1, i2)", "right(ls, i2)",
		"s1 like s2", "s1 like '%a%'", "s1 like 'a%'", "ls like '%c'", "s1 like '_'", "s1 like '%A_A'", "s1 ilike s2",
		"ls ilike '%Ü%'", "s1 not like '1%'", "levenshtein(s1, s2)", "levenshtein(ls, 'straße')",
		"md5(s1)", "sha256(ls)", "hash(s1)", "hash(i1)", "hash(f1)", "hash(b1)", "hash(t3)", "hash(d1)", "hash(u64)",
		"nullif(i1, i2)", "nullif(s1, 'a')", "nullif(f1, f2)", "nullif(u64, i1)", "nullif(t1, t3)",
		"greatest(i1, i2, n32)", "least(f1, f2, i1)", "greatest(s1, s2, ls)", "least(t1, t2, d1)", "greatest(t3, t5)",
		"greatest(u64, 5)", "least(b1, b2)", "greatest(i1, null, i2)",
		"is_nan(f1)", "is_nan(`unit price`)", "is_nan(u64)",
		"case when b1 then s1 when b2 then s2 else ls end", "case i2 when 1 then 'one' when -1 then 'minus one' end",
		"case when i1 > 0 then f1 else i2 end",
		"regexp_matches(s1, 'a')", "regexp_matches(s1, '^[0-9]+$')", "regexp_matches(ls, '(?i)ü')", "regexp_matches(s1, 'a.c')",
		"regexp_extract(s1, '([a-z])([a-z])', 2)", "regexp_extract(ls, '[0-9]+')",
		"regexp_replace(s1, 'a', 'X')", "regexp_replace(s1, '([a-z])', '[\\\\1]', 'g')", "regexp_replace(ls, '', '-', 'g')",
	}
	for _, nullRate := range []float64{0, 0.3} {
		for _, sliced := range []bool{false, true} {
			t.Run(fmt.Sprintf("nulls=%v/sliced=%v", nullRate, sliced), func(t *testing.T) {
				mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
				defer mem.AssertSize(t, 0)
				rng := rand.New(rand.NewPCG(5, 6))
				rec := randomBatch(rng, mem, 150, nullRate)
				defer rec.Release()
				if sliced {
					s := rec.NewSlice(3, 141)
					defer s.Release()
					rec = s
				}
				for _, src := range srcs {
					checkAgainstReference(t, src, rec, mem)
				}
			})
		}
	}
}
