package textval

import (
	"math/big"
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// decimalSyntax is the text ParseDecimal128 accepts, as a reference.
var decimalSyntax = regexp.MustCompile(`^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$`)

// refDecimal is ParseDecimal128 in math/big: the exact value of s times
// 10^scale, if that is an integer of at most precision digits.
func refDecimal(s string, precision, scale int32) (*big.Int, bool) {
	if !decimalSyntax.MatchString(s) {
		return nil, false
	}
	mant, expText, _ := strings.Cut(strings.ToLower(s), "e")
	exp := 0
	if expText != "" {
		e, err := strconv.Atoi(expText)
		if err != nil {
			return nil, false // out of int range: the tests keep exponents short
		}
		exp = e
	}
	neg := strings.HasPrefix(mant, "-")
	mant = strings.TrimLeft(mant, "+-")
	if whole, frac, ok := strings.Cut(mant, "."); ok {
		mant = whole + frac
		exp -= len(frac)
	}
	v, _ := new(big.Int).SetString(mant, 10)
	if v.Sign() == 0 {
		return v, true
	}
	r := new(big.Rat).SetInt(v)
	pow := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(abs(exp+int(scale)))), nil)
	if exp+int(scale) >= 0 {
		r.Mul(r, new(big.Rat).SetInt(pow))
	} else {
		r.Quo(r, new(big.Rat).SetInt(pow))
	}
	if !r.IsInt() {
		return nil, false
	}
	out := new(big.Int).Set(r.Num())
	limit := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(precision)), nil)
	if out.CmpAbs(limit) >= 0 {
		return nil, false
	}
	if neg {
		out.Neg(out)
	}
	return out, true
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// refFault is DecimalFaultOf in math/big: not the syntax, else the
// integer part too long for precision-scale digits, else a fraction
// that scale cuts.
func refFault(s string, precision, scale int32) DecimalFault {
	if !decimalSyntax.MatchString(s) {
		return DecimalNotNumber
	}
	if _, ok := refDecimal(s, precision, scale); ok {
		return DecimalFits
	}
	// The integer part of the exact value.
	mant, expText, _ := strings.Cut(strings.TrimLeft(strings.ToLower(s), "+-"), "e")
	exp, _ := strconv.Atoi(expText)
	if whole, frac, ok := strings.Cut(mant, "."); ok {
		mant = whole + frac
		exp -= len(frac)
	}
	switch {
	case exp > 2*MaxDecimalPrecision:
		return DecimalIntegerDigits // a nonzero mantissa: it did not fit
	case exp < -len(mant):
		return DecimalRounds // no integer part
	}
	whole, _ := new(big.Int).SetString(mant, 10)
	pow := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(abs(exp))), nil)
	if exp >= 0 {
		whole.Mul(whole, pow)
	} else {
		whole.Quo(whole, pow)
	}
	if len(whole.String()) > int(precision-scale) && whole.Sign() != 0 {
		return DecimalIntegerDigits
	}
	return DecimalRounds
}

func checkDecimal(t *testing.T, s string, precision, scale int32) {
	t.Helper()
	got, ok := ParseDecimal128([]byte(s), precision, scale)
	want, wantOK := refDecimal(s, precision, scale)
	require.Equal(t, wantOK, ok, "%q in decimal(%d,%d)", s, precision, scale)
	require.Equal(t, refFault(s, precision, scale), DecimalFaultOf([]byte(s), precision, scale), "%q in decimal(%d,%d)", s, precision, scale)
	if ok {
		require.Equal(t, want.String(), got.BigInt().String(), "%q in decimal(%d,%d)", s, precision, scale)
	}
}

func TestParseDecimal128(t *testing.T) {
	cases := []struct {
		in   string
		p, s int32
		want string // unscaled value; "" for an error
	}{
		{"1.5", 10, 2, "150"},
		{"1.50", 10, 2, "150"},
		{"1.500", 10, 2, "150"}, // zeros beyond the scale change nothing
		{"1.555", 10, 2, ""},    // DuckDB's CAST rounds to 1.56: we refuse
		{"1.005", 10, 2, ""},
		{"-1.5", 10, 2, "-150"},
		{"+1.5", 10, 2, "150"},
		{".5", 10, 2, "50"},
		{"5.", 10, 2, "500"},
		{"-0", 10, 2, "0"},
		{"-0.00", 10, 2, "0"},
		{"0e99999", 10, 2, "0"},
		{"1.5e2", 10, 2, "15000"},
		{"1.5E-1", 10, 2, "15"},
		{"1.5e-2", 10, 2, ""},
		{"150e-2", 10, 2, "150"},
		{"12345678.99", 10, 2, "1234567899"},
		{"123456789.5", 10, 2, ""}, // 9 integer digits > 10-2
		{"99999999.99", 10, 2, "9999999999"},
		{"1.5", 3, 0, ""},
		{"15", 2, 0, "15"},
		{"100", 2, 0, ""},
		{"99999999999999999999999999999999999999", 38, 0, "99999999999999999999999999999999999999"},
		{"-99999999999999999999999999999999999999", 38, 0, "-99999999999999999999999999999999999999"},
		{"100000000000000000000000000000000000000", 38, 0, ""},
		{"1e37", 38, 0, "10000000000000000000000000000000000000"},
		{"1e38", 38, 0, ""},
		{"0.00000000000000000000000000000000000001", 38, 38, "1"},
		{"", 10, 2, ""}, {"-", 10, 2, ""}, {".", 10, 2, ""}, {"e5", 10, 2, ""}, {"1e", 10, 2, ""},
		{"1e+", 10, 2, ""}, {" 1.5", 10, 2, ""}, {"1.5 ", 10, 2, ""}, {"1_000", 10, 2, ""},
		{"nan", 10, 2, ""}, {"inf", 10, 2, ""}, {"1.2.3", 10, 2, ""}, {"--1", 10, 2, ""}, {"0x10", 10, 2, ""},
	}
	for _, c := range cases {
		got, ok := ParseDecimal128([]byte(c.in), c.p, c.s)
		if c.want == "" {
			assert.False(t, ok, "%q in decimal(%d,%d) = %s", c.in, c.p, c.s, got.BigInt())
			continue
		}
		if assert.True(t, ok, "%q in decimal(%d,%d)", c.in, c.p, c.s) {
			assert.Equal(t, c.want, got.BigInt().String(), "%q in decimal(%d,%d)", c.in, c.p, c.s)
		}
		checkDecimal(t, c.in, c.p, c.s)
	}
}

// TestParseDecimal128Random compares random texts with the math/big
// reference: digits around the precision, every scale, exponents.
func TestParseDecimal128Random(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 2))
	digits := func(n int) string {
		var b strings.Builder
		for range n {
			b.WriteByte(byte('0' + rng.IntN(10)))
		}
		return b.String()
	}
	for range 20000 {
		p := int32(1 + rng.IntN(MaxDecimalPrecision))
		s := int32(rng.IntN(int(p) + 1))
		var b strings.Builder
		switch rng.IntN(3) {
		case 0:
			b.WriteByte('-')
		case 1:
			if rng.IntN(4) == 0 {
				b.WriteByte('+')
			}
		}
		b.WriteString(digits(rng.IntN(int(p-s) + 2)))
		if rng.IntN(4) > 0 {
			b.WriteByte('.')
			b.WriteString(digits(rng.IntN(int(s) + 3)))
			if rng.IntN(3) == 0 {
				b.WriteString(strings.Repeat("0", rng.IntN(4)))
			}
		}
		if rng.IntN(6) == 0 {
			b.WriteString("e" + strconv.Itoa(rng.IntN(21)-10))
		}
		checkDecimal(t, b.String(), p, s)
	}
}

func FuzzParseDecimal128(f *testing.F) {
	for _, s := range []string{"1.5", "-0.00", "1.5e2", ".5", "5.", "99999999.99", "1.555", "1e-38", "0e9999999999"} {
		f.Add(s, uint8(10), uint8(2))
	}
	f.Fuzz(func(t *testing.T, s string, p, sc uint8) {
		precision := int32(p%MaxDecimalPrecision) + 1
		scale := int32(sc) % (precision + 1)
		if i := strings.IndexAny(s, "eE"); i >= 0 && len(s)-i > 7 {
			// The reference works out 10^exponent, too slowly for a long
			// one: only no panic is checked.
			ParseDecimal128([]byte(s), precision, scale)
			return
		}
		checkDecimal(t, s, precision, scale)
		// Property: a value read back from its own text is the same value.
		if v, ok := ParseDecimal128([]byte(s), precision, scale); ok {
			text := v.ToString(scale)
			w, ok := ParseDecimal128([]byte(text), precision, scale)
			require.True(t, ok, "%q printed as %q", s, text)
			require.Equal(t, v, w)
		}
	})
}

// Each fault names what would make the value fit: a larger precision for
// too many integer digits (even when fraction digits would also round), a
// larger scale for fraction digits it would round.
func TestDecimalFaultOf(t *testing.T) {
	for _, c := range []struct {
		in   string
		p, s int32
		want DecimalFault
	}{
		{"1.5", 10, 2, DecimalFits},
		{"1e40", 10, 2, DecimalIntegerDigits},
		{"1e40", 38, 0, DecimalIntegerDigits},
		{"-123456789.5", 10, 2, DecimalIntegerDigits},
		{"123456789.555", 10, 2, DecimalIntegerDigits},
		{"100", 2, 0, DecimalIntegerDigits},
		{"1.555", 10, 2, DecimalRounds},
		{"0.001", 10, 2, DecimalRounds},
		{"1e-40", 38, 0, DecimalRounds},
		{"12345678.999", 10, 2, DecimalRounds},
		{"abc", 10, 2, DecimalNotNumber},
		{"NaN", 10, 2, DecimalNotNumber},
		{"1.5 ", 10, 2, DecimalNotNumber},
		{"1e", 10, 2, DecimalNotNumber},
		{"", 10, 2, DecimalNotNumber},
		{"0e99999999999999", 10, 2, DecimalFits},
		{"1e99999999999999", 10, 2, DecimalIntegerDigits},
		{"1e-99999999999999", 10, 2, DecimalRounds},
	} {
		assert.Equal(t, c.want, DecimalFaultOf([]byte(c.in), c.p, c.s), "%q in decimal(%d,%d)", c.in, c.p, c.s)
	}
}

func TestSpecDecimal(t *testing.T) {
	for in, want := range map[string]arrow.DataType{
		"price:decimal(10,2)":   &arrow.Decimal128Type{Precision: 10, Scale: 2},
		"price:DECIMAL(10, 2)":  &arrow.Decimal128Type{Precision: 10, Scale: 2},
		"price:NUMERIC(38,38)":  &arrow.Decimal128Type{Precision: 38, Scale: 38},
		"price:decimal(7)":      &arrow.Decimal128Type{Precision: 7, Scale: 0},
		"price: decimal ( 5 ) ": &arrow.Decimal128Type{Precision: 5, Scale: 0},
	} {
		spec, err := ParseSpec(in)
		require.NoError(t, err, in)
		require.Len(t, spec, 1)
		assert.True(t, arrow.TypeEqual(want, spec[0].Type), "%s: %s", in, spec[0].Type)
		// FormatSchema writes it so that ParseSpec reads it back.
		text := FormatSchema(arrow.NewSchema([]arrow.Field{{Name: "price", Type: spec[0].Type}}, nil))
		back, err := ParseSpec(text)
		require.NoError(t, err, text)
		assert.True(t, arrow.TypeEqual(want, back[0].Type), text)
	}
	for _, in := range []string{"p:decimal", "p:decimal(39,2)", "p:decimal(0)", "p:decimal(5,6)", "p:decimal(5,-1)", "p:decimal(a,b)", "p:decimal(5,2", "p:numeric"} {
		_, err := ParseSpec(in)
		assert.ErrorIs(t, err, ErrSpec, in)
	}
	spec, err := ParseSpec("a:decimal(10,2),b:int64")
	require.NoError(t, err)
	require.Len(t, spec, 2)
}
