package expr

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestFormatDuckDB: each want is what DuckDB 1.x printed for the same
// call (run through @duckdb/node-api when this test was written); the
// cases where arrowpipe differs on purpose are in TestFormatDifferences.
func TestFormatDuckDB(t *testing.T) {
	tests := []struct{ src, want string }{
		{"format('{:.2f}', 3.14159)", "3.14"},
		{"format('{:>6}|{:<6}|{:06}', 'ab', 'cd', 42)", "    ab|cd    |000042"},
		{"format('{}', 1.5)", "1.5"},
		{"format('{}', 0.1)", "0.1"},
		{"format('{}', 1e20)", "1e+20"},
		{"format('{}', 100.0)", "100.0"},
		{"format('{}', 1e-7)", "1e-07"},
		{"format('{}', 1e16)", "1e+16"},
		{"format('{}', 1e15)", "1000000000000000.0"},
		{"format('{}', 0.0001)", "0.0001"},
		{"format('{}', 0.00001)", "1e-05"},
		{"format('{}', -0.0)", "-0.0"},
		{"format('{}', 123456789.125)", "123456789.125"},
		{"format('{}', true)", "true"},
		{"format('{}', date'2026-01-02')", "2026-01-02"},
		{"format('{:x}', 255)", "ff"},
		{"format('{:5.1f}', 3.14159)", "  3.1"},
		{"format('{:+d}', 5)", "+5"},
		{"format('{0} {0}', 'a')", "a a"},
		{"format('{1} {0}', 'a', 'b')", "b a"},
		{"format('{:,}', 1234567)", "1,234,567"},
		{"format('{:,}', -1234567)", "-1,234,567"},
		{"format('{:,.2f}', 1234.5)", "1,234.50"},
		{"format('{:^7}|', 'ab')", "  ab   |"},
		{"format('{:*^7}|', 'ab')", "**ab***|"},
		{"format('{:>8}|', true)", "    true|"},
		{"format('{:x}', -255)", "-ff"},
		{"format('{:.3e}', 1234.5)", "1.234e+03"},
		{"format('{:g}', 0.0001)", "0.0001"},
		{"format('{:+.1f}', 2.0)", "+2.0"},
		{"format('{:#x}', 255)", "0xff"},
		{"format('{:e}', 1.5)", "1.500000e+00"},
		{"format('{:b}', 5)", "101"},
		{"format('{:10}|', 1.5)", "       1.5|"},
		{"format('{:.3}', 3.14159)", "3.14"},
		{"format('{:.3}', 1234567.0)", "1.23e+06"},
		{"format('{:f}', 2.5)", "2.500000"},
		{"format('{:F}', to_float('inf'))", "INF"},
		{"format('{}', to_float('inf'))", "inf"},
		{"format('{}', to_float('nan'))", "nan"},
		{"format('{:.2f}', 2.675)", "2.67"},
		{"format('{:>5}', 42)", "   42"},
		{"format('{:<5}|', 42)", "42   |"},
		{"format('{:05.1f}', 3.14159)", "003.1"},
		{"format('{:08.3f}', -3.14159)", "-003.142"},
		{"format('{:>5}|', 'é')", "    é|"},
		{"format('{:05}', -42)", "-0042"},
		{"format('{{}}', 1)", "{}"},
		{"format('{:.2}', 'abcdef')", "ab"},
		{"format('{:}', 1)", "1"},
		{"format('{:>12}|', date'2020-01-01')", "  2020-01-01|"},
		{"format('{}', 1, 2)", "1"},
		{"format('{:d}', 18446744073709551615)", "18446744073709551615"},
		{"printf('%5s|%-5s|%x|%%|%.2f|%i', 'ab', 'cd', 255, 2.345, 7)", "   ab|cd   |ff|%|2.35|7"},
		{"printf('%c', 65)", "A"},
		{"printf('%5c|', 65)", "    A|"},
		{"printf('%s', 'é')", "é"},
		{"printf('%3s|', 'é')", "  é|"},
		{"printf('%X %o %e %g', 255, 8, 1234.5, 0.0001)", "FF 10 1.234500e+03 0.0001"},
		{"printf('%5.1f|%05d|%-8.3f|', 3.14159, 42, 2.5)", "  3.1|00042|2.500   |"},
		{"printf('% d', 5)", " 5"},
		{"printf('%#x', 255)", "0xff"},
		{"printf('%f', to_float('inf'))", "inf"},
		{"printf('%g', 1e20)", "1e+20"},
		{"printf('%G', 1e-20)", "1E-20"},
		{"printf('%.3g', 1234.5)", "1.23e+03"},
		{"printf('%.2f', 2.675)", "2.67"},
		{"printf('%.0f', 0.5)", "0"},
		{"printf('%.0f', 1.5)", "2"},
		{"printf('%d', true)", "1"},
		{"printf('%s', date'2026-01-02')", "2026-01-02"},
		{"printf('%s', true)", "true"},
		{"printf('%5d|%-5d|%+d', 42, 42, 42)", "   42|42   |+42"},
		{"printf('%.3s', 'abcdef')", "abc"},
		{"printf('%d', 1, 2)", "1"},
		{"printf('%x', -1)", "ffffffffffffffff"},
		{"printf('%08.3f', -3.14159)", "-003.142"},
		{"printf('%d', 18446744073709551615)", "18446744073709551615"},
		{"printf('%-+6d|', 5)", "+5    |"},
		{"printf('%+06d|', -5)", "-00005|"},
		{"format('{:<+6d}|', 5)", "+5    |"},
		{"printf('no codes')", "no codes"},
		{"format('')", ""},
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
			require.Equal(t, 3, got.Len())
			assert.Equal(t, tt.want, refValue(got, 0))
		})
	}
}

// TestFormatNulls: as DuckDB, a null argument (or format) makes the row
// null, whether it is printed or not.
func TestFormatNulls(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rec := specBatch(t, mem)
	defer rec.Release()
	for _, tt := range []struct {
		src  string
		want []any
	}{
		{"format('{} {}', a, s)", []any{"7 EU", "-7 ß x", nil}},
		{"format('{}', a, f)", []any{"7", nil, "nan?"}},
		{"printf('%s|%d', null, 3)", []any{nil, nil, nil}},
		{"format(null, 1)", []any{nil, nil, nil}},
		{"printf('%.1f %s %s', f, b, t)", []any{"2.5 true 2026-03-04T05:06:07.5Z", nil, nil}},
		{"format('{:>4}|{:<6}|', d, b)", []any{"2024-02-29|true  |", nil, nil}},
	} {
		e, err := Compile(tt.src, rec.Schema())
		require.NoError(t, err, tt.src)
		got, err := e.Eval(context.Background(), rec, mem)
		require.NoError(t, err, tt.src)
		for r, w := range tt.want {
			if w == "nan?" {
				continue // row 2 of f is 0 but a is null: checked below
			}
			assert.Equal(t, w, refValue(got, r), "%s row %d", tt.src, r)
		}
		assert.Nil(t, refValue(got, 2), tt.src)
		got.Release()
	}
}

// TestFormatErrors: bad format strings and specs that do not fit the
// argument's type are Compile errors, with the caret at the format string
// or at the argument.
func TestFormatErrors(t *testing.T) {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "s", Type: arrow.BinaryTypes.String},
		{Name: "f", Type: arrow.PrimitiveTypes.Float64},
		{Name: "l", Type: arrow.ListOf(arrow.BinaryTypes.String)},
	}, nil)
	for _, tt := range []struct{ src, msg, caret string }{
		{"format('{', 1)", "'{' at byte 1 has no '}'", "'{'"},
		{"format('}', 1)", "unmatched '}'", "'}'"},
		{"format('{} {}', 1)", "asks for argument 2, but 1 are given", "'{} {}'"},
		{"format('{} {0}', 'a')", "numbered all or none", "'{} {0}'"},
		{"format('{:q}', 1)", "unknown specifier", "'{:q}'"},
		{"format('{:d}', s)", `'d' does not print a string`, "s)"},
		{"format('{:x}', f)", `'x' does not print a float`, "f)"},
		{"format('{:05}', 'ab')", "for numbers, not a string", "'ab'"},
		{"format('{:.2d}', 5)", "precision only with f, e or g", "5)"},
		{"format(s, 1)", "the format must be a string literal", "s, 1"},
		{"format('{}', l)", "format does not take a list", "l)"},
		{"format('{:.}', 1)", "'.' without digits", "'{:.}'"},
		{"format('{:99999999}', 1)", "is more than 65536", "'{:99999999}'"},
		{"printf('%d', 'x')", `'d' does not print a string`, "'x'"},
		{"printf('%d', f)", "does not print a float (to_int(x) or round(x) first, or f)", "f)"},
		{"printf('%q', 1)", "unknown verb 'q'", "'%q'"},
		{"printf('%', 1)", "has no verb", "'%'"},
		{"printf('%5%')", "unknown verb '%'", "'%5%'"},
		{"printf('%d %d', 1)", "asks for argument 2, but 1 are given", "'%d %d'"},
		{"printf('%ld', 5)", "unknown verb 'l'", "'%ld'"},
	} {
		_, err := Compile(tt.src, schema)
		require.Error(t, err, tt.src)
		var e *Error
		require.ErrorAs(t, err, &e, tt.src)
		assert.Contains(t, e.Msg, tt.msg, tt.src)
		assert.True(t, strings.HasPrefix(tt.src[e.Pos:], tt.caret), "%s: caret at %q", tt.src, tt.src[e.Pos:])
	}
}

// TestPrintfReference: random printf specs over random values against
// Go's fmt.Sprintf, whose verbs d x o f e s and flags - + space 0 and
// width/precision print as C's do for these values.
func TestPrintfReference(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rng := rand.New(rand.NewPCG(20, 5))
	const n = 300
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "i", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "x", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true},
	}, nil)
	b := array.NewRecordBuilder(mem, schema)
	ints, floats, strs := make([]int64, n), make([]float64, n), make([]string, n)
	valid := make([]bool, n)
	words := []string{"", "a", "ß", "日本語", "tab\tx", "long enough text"}
	for r := range n {
		ints[r] = []int64{0, 1, -1, 42, -12345, math.MaxInt64, math.MinInt64, rng.Int64N(2_000_000) - 1_000_000}[rng.IntN(8)]
		floats[r] = []float64{0, 1.5, -2.25, 1e-5, 123456.789, -1e10, rng.NormFloat64() * 1000}[rng.IntN(7)]
		strs[r] = words[rng.IntN(len(words))]
		valid[r] = rng.IntN(10) > 0
	}
	b.Field(0).(*array.Int64Builder).AppendValues(ints, valid)
	b.Field(1).(*array.Float64Builder).AppendValues(floats, nil)
	b.Field(2).(*array.StringBuilder).AppendValues(strs, nil)
	rec := b.NewRecordBatch()
	b.Release()
	defer rec.Release()
	flagSets := []string{"", "-", "+", " ", "0", "-+", "+0"}
	for k := 0; k < 60; k++ {
		flags := flagSets[rng.IntN(len(flagSets))]
		width := ""
		if rng.IntN(2) == 0 {
			width = fmt.Sprint(rng.IntN(14))
		}
		prec := ""
		if rng.IntN(2) == 0 {
			prec = "." + fmt.Sprint(rng.IntN(8))
		}
		var spec, col string
		switch rng.IntN(3) {
		case 0:
			verb := []string{"d", "x", "o"}[rng.IntN(3)]
			spec, col = "%"+flags+width+verb, "i"
			if verb != "d" {
				spec = "%" + strings.Trim(flags, "+ ") + width + verb // C prints bits, Go a sign
			}
		case 1:
			verb := []string{"f", "e"}[rng.IntN(2)]
			spec, col = "%"+flags+width+prec+verb, "x"
		default:
			spec, col = "%"+strings.Trim(flags, "+ 0")+width+prec+"s", "s"
		}
		src := fmt.Sprintf("printf('<%s>', %s)", spec, col)
		e, err := Compile(src, schema)
		require.NoError(t, err, src)
		got, err := e.Eval(context.Background(), rec, mem)
		require.NoError(t, err, src)
		for r := range n {
			var want any
			switch col {
			case "i":
				if valid[r] {
					v := any(ints[r])
					if spec[len(spec)-1] != 'd' {
						v = uint64(ints[r])
					}
					want = fmt.Sprintf("<"+spec+">", v)
				}
			case "x":
				want = fmt.Sprintf("<"+spec+">", floats[r])
			default:
				want = fmt.Sprintf("<"+spec+">", strs[r])
			}
			require.Equal(t, want, refValue(got, r), "%s row %d", src, r)
		}
		got.Release()
	}
}

// TestFormatRandom: format and printf over random columns with nulls,
// whole and sliced, against the reference (ref_format_test.go).
func TestFormatRandom(t *testing.T) {
	srcs := []string{
		"format('{:*^9}|{:>+08.2f}|{:,}|{:<4}', s1, f1, i1, t1)",
		"printf('%-5s|%+08.2f|%x|%5.1e|%c|%d', s1, f1, i2, f2, 65, b1)",
		"format('{1:.3}{0:#X}{{}}', i2, f2, s2)",
		"printf('%%%.2s%o% d', ls, u64, i1)",
		"format('{} {} {} {} {}', i1, f1, b1, d1, u64)",
		"printf('%g|%G|%10.4e|%-8.3s|%#o', f1, f2, f1, s2, i1)",
		"format('{:,.2f}|{:e}|{:010.3f}|{:^7}|{:b}', f1, f2, f2, b2, i2)",
		"printf('%s %s %s %s', t1, t3, d1, f1)",
		"format('{:.0f}', f1) == printf('%.0f', f1)",
	}
	for _, sliced := range []bool{false, true} {
		t.Run(fmt.Sprintf("sliced=%v", sliced), func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			rec := randomBatch(rand.New(rand.NewPCG(20, 21)), mem, 200, 0.2)
			defer rec.Release()
			if sliced {
				s := rec.NewSlice(5, 190)
				defer s.Release()
				rec = s
			}
			for _, src := range srcs {
				checkAgainstReference(t, src, rec, mem)
			}
		})
	}
}

// TestFormatDecimal: a decimal prints as the float nearest to it, as
// DuckDB's format and printf print one (format('{}', 1.50::DECIMAL(10,2))
// is 1.5, '{:.1f}' of 1.25 is 1.2, '{:>8}' right-aligns it).
func TestFormatDecimal(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	dt := &arrow.Decimal128Type{Precision: 10, Scale: 2}
	schema := arrow.NewSchema([]arrow.Field{{Name: "d", Type: dt, Nullable: true}}, nil)
	b := array.NewRecordBuilder(mem, schema)
	db := b.Field(0).(*array.Decimal128Builder)
	for _, s := range []string{"1.50", "1.25", "-2.50"} {
		require.NoError(t, db.AppendValueFromString(s))
	}
	db.AppendNull()
	rec := b.NewRecordBatch()
	b.Release()
	defer rec.Release()
	for src, want := range map[string][]any{
		"format('{}', d)":                 {"1.5", "1.25", "-2.5", nil},
		"format('{:.1f}|{:>8}|', d, d)":   {"1.5|     1.5|", "1.2|    1.25|", "-2.5|    -2.5|", nil},
		"printf('%.3f %s', d, d)":         {"1.500 1.5", "1.250 1.25", "-2.500 -2.5", nil},
		"format('{:08.2f}', d * 2)":       {"00003.00", "00002.50", "-0005.00", nil},
		"concat(format('{}', d), '|', d)": {"1.5|1.50", "1.25|1.25", "-2.5|-2.50", "|"},
	} {
		e, err := Compile(src, schema)
		require.NoError(t, err, src)
		got, err := e.Eval(context.Background(), rec, mem)
		require.NoError(t, err, src)
		for r, w := range want {
			assert.Equal(t, w, refValue(got, r), "%s row %d", src, r)
		}
		got.Release()
	}
	_, err := Compile("printf('%d', d)", schema)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "'d' does not print a float")
}
