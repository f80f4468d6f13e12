package textval

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestParseInt64(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"0", 0, true},
		{"-0", 0, true},
		{"+17", 17, true},
		{"007", 7, true},
		{"-123456", -123456, true},
		{"123456789012345678", 123456789012345678, true},
		{"9223372036854775807", math.MaxInt64, true},
		{"-9223372036854775808", math.MinInt64, true},
		{"9223372036854775808", 0, false},
		{"-9223372036854775809", 0, false},
		{"99999999999999999999", 0, false},
		{"", 0, false},
		{"-", 0, false},
		{"+", 0, false},
		{" 1", 0, false},
		{"1 ", 0, false},
		{"1_000", 0, false},
		{"1.0", 0, false},
		{"0x10", 0, false},
		{"1e3", 0, false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("in=%q", tt.in), func(t *testing.T) {
			got, ok := ParseInt64([]byte(tt.in))
			assert.Equal(t, tt.ok, ok)
			if tt.ok {
				assert.Equal(t, tt.want, got)
			}
		})
	}
}

func TestParseFloat64(t *testing.T) {
	tests := []struct {
		in   string
		want float64
		ok   bool
	}{
		{"0", 0, true},
		{"1", 1, true},
		{"-2.5", -2.5, true},
		{"+.5", 0.5, true},
		{"5.", 5, true},
		{"19.99", 19.99, true},
		{"0.1", 0.1, true},
		{"1e3", 1000, true},
		{"1E-3", 0.001, true},
		{"1.5e+2", 150, true},
		{"123456789012345678901234567890", 1.2345678901234568e29, true},
		{"0.000000000000000000000000000001", 1e-30, true},
		{"1.7976931348623157e308", math.MaxFloat64, true},
		{"4.9e-324", 5e-324, true},
		{"1e400", 0, false},
		{"", 0, false},
		{".", 0, false},
		{"-", 0, false},
		{"e5", 0, false},
		{"1e", 0, false},
		{"1e+", 0, false},
		{"1.2.3", 0, false},
		{"Inf", math.Inf(1), true},
		{"-infinity", math.Inf(-1), true},
		{"+INF", math.Inf(1), true},
		{"-inf", math.Inf(-1), true},
		{"infinit", 0, false},
		{"nana", 0, false},
		{"--inf", 0, false},
		{"0x1p3", 0, false},
		{"1_0", 0, false},
		{" 1", 0, false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("in=%q", tt.in), func(t *testing.T) {
			got, ok := ParseFloat64([]byte(tt.in))
			assert.Equal(t, tt.ok, ok)
			if tt.ok {
				assert.Equal(t, tt.want, got)
			}
		})
	}
	for _, in := range []string{"NaN", "nan", "-NaN", "+nan"} {
		v, ok := ParseFloat64([]byte(in))
		assert.True(t, ok && math.IsNaN(v), in)
	}
	neg, ok := ParseFloat64([]byte("-0.0"))
	assert.True(t, ok)
	assert.True(t, math.Signbit(neg), "-0.0 keeps its sign")
}

func TestParseBool(t *testing.T) {
	for _, in := range []string{"true", "TRUE", "True", "tRuE"} {
		v, ok := ParseBool([]byte(in))
		assert.True(t, ok, in)
		assert.True(t, v, in)
	}
	for _, in := range []string{"false", "FALSE", "False"} {
		v, ok := ParseBool([]byte(in))
		assert.True(t, ok, in)
		assert.False(t, v, in)
	}
	for _, in := range []string{"", "1", "0", "t", "f", "yes", "no", "truee", "fals", "tru\x00"} {
		_, ok := ParseBool([]byte(in))
		assert.False(t, ok, in)
	}
}

func TestParseAllocs(t *testing.T) {
	in := []byte("123456789012345678901234.5e-3")
	ts := []byte("2026-01-02T03:04:05.123456+01:00")
	var cache DateCache
	allocs := testing.AllocsPerRun(100, func() {
		ParseInt64(in[:6])
		ParseFloat64(in)
		ParseFloat64(in[:5])
		ParseTimestamp(ts)
		ParseDate(ts[:10])
		cache.ParseTimestamp(ts)
		cache.ParseDate(ts[:10])
		ParseBool(in[:4])
	})
	assert.Zero(t, allocs)
}

// floatReference is what ParseFloat64 must agree with: strconv.ParseFloat,
// restricted to the decimal syntax.
// floatReference is strconv.ParseFloat on the decimal forms, and on the
// specials (nan, inf, infinity with a sign, any case) that DuckDB reads.
func floatReference(s string) (float64, bool) {
	body := strings.ToLower(strings.TrimLeft(s, "+-"))
	if len(s)-len(body) <= 1 && (body == "nan" || body == "inf" || body == "infinity") {
		f, err := strconv.ParseFloat(s, 64)
		return f, err == nil
	}
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E') {
			return 0, false
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil
}

func FuzzParseInt64(f *testing.F) {
	for _, s := range []string{"0", "-1", "+5", "9223372036854775807", "-9223372036854775808", "18446744073709551616", "1_0", "0x1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := ParseInt64([]byte(s))
		want, err := strconv.ParseInt(s, 10, 64)
		// strconv also accepts underscores only with a base prefix, which
		// base 10 rules out, so the two must agree exactly.
		if (err == nil) != ok || (ok && got != want) {
			t.Fatalf("ParseInt64(%q) = %d, %v; strconv: %d, %v", s, got, ok, want, err)
		}
	})
}

func FuzzParseFloat64(f *testing.F) {
	for _, s := range []string{"0", "1.5", "-0.0", "1e22", "1e23", "9007199254740993", "123456789012345678901234", ".5e-10", "1e400", "NaN", "-Infinity", "+inf", "nan", "0x1p3", "4.9e-324"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := ParseFloat64([]byte(s))
		want, wok := floatReference(s)
		same := math.Float64bits(got) == math.Float64bits(want) || math.IsNaN(got) && math.IsNaN(want)
		if ok != wok || (ok && !same) {
			t.Fatalf("ParseFloat64(%q) = %v, %v; strconv: %v, %v", s, got, ok, want, wok)
		}
	})
}

func TestParseFloat64Differential(t *testing.T) {
	// Deterministic random decimals around the fast path's edges.
	r := uint64(0x9E3779B97F4A7C15)
	next := func() uint64 { r ^= r << 13; r ^= r >> 7; r ^= r << 17; return r }
	for i := 0; i < 200000; i++ {
		mant := next() >> (next() % 64)
		s := strconv.FormatUint(mant, 10)
		if p := int(next() % uint64(len(s)+1)); p < len(s) {
			s = s[:p] + "." + s[p:]
		}
		if next()%3 == 0 {
			s += "e" + strconv.Itoa(int(next()%80)-40)
		}
		if next()%2 == 0 {
			s = "-" + s
		}
		got, ok := ParseFloat64([]byte(s))
		want, wok := floatReference(s)
		if !assert.Equal(t, wok, ok, s) || (ok && !assert.Equal(t, math.Float64bits(want), math.Float64bits(got), s)) {
			return
		}
	}
}
