package expr

import (
	"context"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// decRow is one row of decBatch, as exact rationals (nil: null).
type decRow struct {
	d, w, i *big.Rat
	f       float64
	s       string
}

// decBatch makes columns d decimal(10,2), w decimal(38,6), i int64,
// f float64 and s string of random values (about 1 in 8 null), with the
// rows as big.Rat for the reference.
func decBatch(t *testing.T, mem memory.Allocator, rng *rand.Rand, n int) (arrow.RecordBatch, []decRow) {
	t.Helper()
	dt := &arrow.Decimal128Type{Precision: 10, Scale: 2}
	wt := &arrow.Decimal128Type{Precision: 38, Scale: 6}
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "d", Type: dt, Nullable: true}, {Name: "w", Type: wt, Nullable: true},
		{Name: "i", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "f", Type: arrow.PrimitiveTypes.Float64}, {Name: "s", Type: arrow.BinaryTypes.String},
	}, nil)
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	rows := make([]decRow, n)
	for r := range rows {
		dv := rng.Int64N(2_000_000_001) - 1_000_000_000 // |d| < 10^8 at scale 2
		if rng.IntN(4) == 0 {
			dv = rng.Int64N(2001) - 1000
		}
		wv := rng.Int64N(1<<50) - 1<<49
		if rng.IntN(4) == 0 {
			wv = dv * 10_000 // equal to d
		}
		iv := rng.Int64N(2_000_001) - 1_000_000
		if rng.IntN(4) == 0 {
			iv = dv / 100
		}
		if rng.IntN(8) == 0 {
			b.Field(0).AppendNull()
		} else {
			b.Field(0).(*array.Decimal128Builder).Append(decimal128.FromI64(dv))
			rows[r].d = big.NewRat(dv, 100)
		}
		if rng.IntN(8) == 0 {
			b.Field(1).AppendNull()
		} else {
			b.Field(1).(*array.Decimal128Builder).Append(decimal128.FromI64(wv))
			rows[r].w = big.NewRat(wv, 1_000_000)
		}
		if rng.IntN(8) == 0 {
			b.Field(2).AppendNull()
		} else {
			b.Field(2).(*array.Int64Builder).Append(iv)
			rows[r].i = big.NewRat(iv, 1)
		}
		rows[r].f = float64(rng.Int64N(2_000_001)-1_000_000) / 1000
		b.Field(3).(*array.Float64Builder).Append(rows[r].f)
		rows[r].s = fmt.Sprintf(" %d.%03d ", rng.Int64N(100_000)-50_000, rng.IntN(1000))
		b.Field(4).(*array.StringBuilder).Append(rows[r].s)
	}
	return b.NewRecordBatch(), rows
}

// ratText prints x with exactly scale digits after the point (x must
// have no more), as DuckDB prints a decimal.
func ratText(x *big.Rat, scale int) string {
	return x.FloatString(scale)
}

// roundRat rounds x to scale digits, halves away from zero.
func roundRat(x *big.Rat, scale int) *big.Rat {
	m := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(scale)), nil)
	y := new(big.Rat).Mul(x, new(big.Rat).SetInt(m))
	num, den := new(big.Int).Set(y.Num()), y.Denom()
	neg := num.Sign() < 0
	num.Abs(num)
	q, rem := new(big.Int).QuoRem(num, den, new(big.Int))
	if new(big.Int).Mul(rem, big.NewInt(2)).Cmp(den) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	if neg {
		q.Neg(q)
	}
	return new(big.Rat).SetFrac(q, m)
}

func TestDecimalAgainstReference(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rng := rand.New(rand.NewPCG(15, 2))
	rec, rows := decBatch(t, mem, rng, 700)
	defer rec.Release()
	cmp := func(op string, a, b *big.Rat) any {
		if a == nil || b == nil {
			return nil
		}
		c := a.Cmp(b)
		return map[string]bool{"==": c == 0, "!=": c != 0, "<": c < 0, "<=": c <= 0, ">": c > 0, ">=": c >= 0}[op]
	}
	dec := func(scale int) func(x *big.Rat) any {
		return func(x *big.Rat) any {
			if x == nil {
				return nil
			}
			return ratText(x, scale)
		}
	}
	lit := func(s string) *big.Rat { r, _ := new(big.Rat).SetString(s); return r }
	type tc struct {
		src  string
		want func(r decRow) any
		typ  string
	}
	var cases []tc
	for _, op := range []string{"==", "!=", "<", "<=", ">", ">="} {
		cases = append(cases,
			tc{"d " + op + " w", func(r decRow) any { return cmp(op, r.d, r.w) }, "bool"},
			tc{"w " + op + " d", func(r decRow) any { return cmp(op, r.w, r.d) }, "bool"},
			tc{"d " + op + " i", func(r decRow) any { return cmp(op, r.d, r.i) }, "bool"},
			tc{"i " + op + " w", func(r decRow) any { return cmp(op, r.i, r.w) }, "bool"},
			tc{"d " + op + " 1.5", func(r decRow) any { return cmp(op, r.d, lit("1.5")) }, "bool"},
			tc{"d " + op + " 0.125", func(r decRow) any { return cmp(op, r.d, lit("0.125")) }, "bool"},
			tc{"-3 " + op + " d", func(r decRow) any { return cmp(op, lit("-3"), r.d) }, "bool"},
			tc{"d " + op + " f", func(r decRow) any {
				if r.d == nil {
					return nil
				}
				x, _ := r.d.Float64()
				return cmp(op, new(big.Rat).SetFloat64(x), new(big.Rat).SetFloat64(r.f))
			}, "bool"},
		)
	}
	add := func(a, b *big.Rat, sub bool) *big.Rat {
		if a == nil || b == nil {
			return nil
		}
		if sub {
			return new(big.Rat).Sub(a, b)
		}
		return new(big.Rat).Add(a, b)
	}
	mul := func(a, b *big.Rat) *big.Rat {
		if a == nil || b == nil {
			return nil
		}
		return new(big.Rat).Mul(a, b)
	}
	cases = append(cases,
		tc{"d + w", func(r decRow) any { return dec(6)(add(r.d, r.w, false)) }, "decimal(38, 6)"},
		tc{"d - i", func(r decRow) any { return dec(2)(add(r.d, r.i, true)) }, "decimal(22, 2)"},
		tc{"d + 1", func(r decRow) any { return dec(2)(add(r.d, lit("1"), false)) }, "decimal(13, 2)"},
		tc{"d * d", func(r decRow) any { return dec(4)(mul(r.d, r.d)) }, "decimal(18, 4)"},
		tc{"d * 2.25", func(r decRow) any { return dec(4)(mul(r.d, lit("2.25"))) }, "decimal(13, 4)"},
		tc{"d % 1.5", func(r decRow) any {
			if r.d == nil {
				return nil
			}
			// truncated remainder, the sign of the dividend, as DuckDB
			quo := new(big.Rat).Quo(r.d, lit("1.5"))
			q := new(big.Int).Quo(quo.Num(), quo.Denom())
			rem := new(big.Rat).Sub(r.d, new(big.Rat).Mul(new(big.Rat).SetInt(q), lit("1.5")))
			return ratText(rem, 2)
		}, "decimal(10, 2)"},
		tc{"greatest(d, 3)", func(r decRow) any {
			switch {
			case r.d == nil:
				return "3.00"
			case r.d.Cmp(lit("3")) >= 0:
				return ratText(r.d, 2)
			}
			return "3.00"
		}, "decimal(12, 2)"},
		tc{"d * to_decimal(2.25, 3, 2)", func(r decRow) any { return dec(4)(mul(r.d, lit("2.25"))) }, "decimal(13, 4)"},
		tc{"-d", func(r decRow) any { return dec(2)(mul(r.d, lit("-1"))) }, "decimal(10, 2)"},
		tc{"abs(d)", func(r decRow) any {
			if r.d == nil {
				return nil
			}
			return ratText(new(big.Rat).Abs(r.d), 2)
		}, "decimal(10, 2)"},
		tc{"round(w, 2)", func(r decRow) any {
			if r.w == nil {
				return nil
			}
			return ratText(roundRat(r.w, 2), 2)
		}, "decimal(38, 2)"},
		tc{"round(d)", func(r decRow) any {
			if r.d == nil {
				return nil
			}
			return ratText(roundRat(r.d, 0), 0)
		}, "decimal(10, 0)"},
		tc{"to_int(w)", func(r decRow) any {
			if r.w == nil {
				return nil
			}
			return roundRat(r.w, 0).Num().Int64()
		}, "int64"},
		tc{"to_string(d)", func(r decRow) any { return dec(2)(r.d) }, "utf8"},
		tc{"to_float(w)", func(r decRow) any {
			if r.w == nil {
				return nil
			}
			x, _ := r.w.Float64()
			return x
		}, "float64"},
		tc{"to_decimal(s, 12, 2)", func(r decRow) any {
			return ratText(roundRat(lit(strings.TrimSpace(r.s)), 2), 2)
		}, "decimal(12, 2)"},
		tc{"to_decimal(f, 12, 1)", func(r decRow) any {
			return ratText(roundRat(new(big.Rat).SetFloat64(r.f), 1), 1)
		}, "decimal(12, 1)"},
		tc{"to_decimal(d, 5, 1)", func(r decRow) any {
			if r.d == nil {
				return nil
			}
			x := roundRat(r.d, 1)
			if new(big.Rat).Abs(x).Cmp(lit("10000")) >= 0 {
				return nil
			}
			return ratText(x, 1)
		}, "decimal(5, 1)"},
		tc{"coalesce(d, w)", func(r decRow) any {
			if r.d != nil {
				return ratText(r.d, 6)
			}
			return dec(6)(r.w)
		}, "decimal(38, 6)"},
		tc{"greatest(d, i)", func(r decRow) any {
			switch {
			case r.d == nil:
				return dec(2)(r.i)
			case r.i == nil || r.d.Cmp(r.i) >= 0:
				return ratText(r.d, 2)
			}
			return ratText(r.i, 2)
		}, "decimal(21, 2)"},
		tc{"d / i", func(r decRow) any {
			if r.d == nil || r.i == nil || r.i.Sign() == 0 {
				return nil
			}
			x, _ := r.d.Float64()
			y, _ := r.i.Float64()
			return x / y
		}, "float64"},
		tc{"d in (1.5, w, 3)", func(r decRow) any {
			if r.d == nil {
				return nil
			}
			if r.d.Cmp(lit("1.5")) == 0 || r.d.Cmp(lit("3")) == 0 || r.w != nil && r.d.Cmp(r.w) == 0 {
				return true
			}
			if r.w == nil {
				return nil
			}
			return false
		}, "bool"},
		tc{"d is null", func(r decRow) any { return r.d == nil }, "bool"},
	)
	for _, c := range cases {
		t.Run(c.src, func(t *testing.T) {
			e, err := Compile(c.src, rec.Schema())
			require.NoError(t, err)
			assert.Equal(t, c.typ, e.Type().String())
			out, err := e.Eval(context.Background(), rec, mem)
			require.NoError(t, err)
			defer out.Release()
			for r, row := range rows {
				want := c.want(row)
				var got any
				if out.IsValid(r) {
					switch a := out.(type) {
					case *array.Boolean:
						got = a.Value(r)
					case *array.Int64:
						got = a.Value(r)
					case *array.Float64:
						got = a.Value(r)
						if w, ok := want.(string); ok { // float result of a decimal product
							wr, _ := new(big.Rat).SetString(w)
							wf, _ := wr.Float64()
							want = wf
							assert.InEpsilon(t, wf, got, 1e-12, "row %d", r)
							continue
						}
					case *array.String:
						got = a.Value(r)
					case *array.Decimal128:
						s := int(a.DataType().(*arrow.Decimal128Type).Scale)
						got = ratText(new(big.Rat).SetFrac(a.Value(r).BigInt(), new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(s)), nil)), s)
					}
				}
				if wf, ok := want.(float64); ok && got != nil {
					assert.InDelta(t, wf, got, math.Abs(wf)*1e-15, "row %d", r)
					continue
				}
				require.Equal(t, want, got, "row %d: %+v", r, row)
			}
		})
	}
}

func TestDecimalOverflowAndRange(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	dt := &arrow.Decimal128Type{Precision: 18, Scale: 2}
	wt := &arrow.Decimal128Type{Precision: 38, Scale: 0}
	schema := arrow.NewSchema([]arrow.Field{{Name: "d", Type: dt, Nullable: true}, {Name: "w", Type: wt, Nullable: true}}, nil)
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	b.Field(0).(*array.Decimal128Builder).AppendValues([]decimal128.Num{decimal128.FromI64(1), decimal128.FromI64(999_999_999_999_999_999)}, nil)
	b.Field(1).(*array.Decimal128Builder).AppendValues([]decimal128.Num{decimal128.FromI64(5), decimal128.New(1, 0)}, []bool{true, true})
	rec := b.NewRecordBatch()
	defer rec.Release()
	for _, c := range []struct{ src, want string }{
		// DuckDB: Overflow in addition of DECIMAL(18) (999999999999999999 + 999999999999999999)
		{"d + d", "row 2 of the batch: the result 19999999999999999.98 does not fit in decimal(18,2)"},
		{"d * d", "row 2 of the batch"},
		// DuckDB: Overflow in multiplication of DECIMAL(38)
		{"w * w", "row 2 of the batch: 18446744073709551616 * 18446744073709551616 does not fit in decimal(38,0)"},
	} {
		out, err := evalOn(t, c.src, rec, mem)
		if out != nil {
			out.Release()
		}
		require.ErrorIs(t, err, ErrOverflow, c.src)
		assert.Contains(t, err.Error(), c.want, c.src)
	}
	// a wide value in a row that is not used is no error
	out, err := evalOn(t, "if(d < 2, w, null)", rec, mem)
	require.NoError(t, err)
	out.Release()
	for _, src := range []string{"d % 1", "hash(d)", "to_decimal(d, 40, 2)", "to_decimal(d, 10, 20)"} {
		_, err := Compile(src, schema)
		if src == "d % 1" {
			assert.NoError(t, err)
			continue
		}
		assert.Error(t, err, src)
	}
}

func TestParseDecAndFloatUnscaled(t *testing.T) {
	for _, c := range []struct {
		in   string
		p, s int32
		want int64
		ok   bool
	}{
		{"1.005", 5, 2, 101, true}, {"-1.005", 5, 2, -101, true}, {"1.004", 5, 2, 100, true},
		{"  12 ", 5, 2, 1200, true}, {"12345.678", 5, 2, 0, false}, {"999.995", 5, 2, 0, false},
		{"1e2", 5, 0, 100, true}, {"1.5e-1", 5, 2, 15, true}, {"0.000", 3, 2, 0, true},
		{".5", 3, 0, 1, true}, {"-.5", 3, 0, -1, true}, {"abc", 3, 0, 0, false}, {"", 3, 0, 0, false},
		{"1.2.3", 5, 1, 0, false}, {"+7", 2, 0, 7, true}, {"0.0000000000000000000000000000000000000000000016", 5, 2, 0, true},
	} {
		got, ok := parseDec([]byte(c.in), c.p, c.s)
		assert.Equal(t, c.ok, ok, c.in)
		if ok {
			assert.Equal(t, c.want, got, c.in)
		}
	}
	// DuckDB: 1.005::DOUBLE::DECIMAL(5,2) is 1.00 (the double is below 1.005)
	for _, c := range []struct {
		f    float64
		s    int32
		want int64
	}{{1.005, 2, 100}, {2.5, 0, 3}, {-2.5, 0, -3}, {0.125, 2, 13}, {1e17, 1, 1e18}, {-0.0049, 2, 0}} {
		got, ok := floatUnscaled(c.f, c.s)
		assert.True(t, ok)
		assert.Equal(t, c.want, got, c.f)
	}
	rng := rand.New(rand.NewPCG(1, 5))
	for range 2000 {
		f := (rng.Float64() - 0.5) * math.Pow(10, float64(rng.IntN(14)))
		s := int32(rng.IntN(5))
		got, ok := floatUnscaled(f, s)
		require.True(t, ok)
		want := roundRat(new(big.Rat).SetFloat64(f), int(s))
		assert.Equal(t, ratText(want, int(s)), string(appendDec(nil, got, s)), "%v", f)
	}
	_, ok := floatUnscaled(1e300, 0)
	assert.False(t, ok)
	_, ok = floatUnscaled(math.NaN(), 0)
	assert.False(t, ok)
}

// FuzzParseDec checks parseDec against math/big: the text's exact value
// rounded half away from zero to the scale, or false exactly when the
// text is not a number or the result does not fit.
func FuzzParseDec(f *testing.F) {
	for _, s := range []string{"1.005", "-0.5", "  12 ", "1e3", ".5", "9999.995", "1.2.3", "", "-", "0e-5", "123456789012345678901234567890", "1E+2", "-.0"} {
		f.Add(s, uint8(5), uint8(2))
	}
	f.Fuzz(func(t *testing.T, s string, p, sc uint8) {
		prec := int32(p%38) + 1
		scale := int32(sc) % (min(prec, maxDecScale) + 1)
		got, ok := parseDec([]byte(s), prec, scale)
		txt := strings.Trim(s, " \t")
		r, isNum := new(big.Rat).SetString(txt)
		valid := isNum && decLexical(txt)
		if !valid {
			require.False(t, ok, "%q", s)
			return
		}
		want := roundRat(r, int(scale))
		unscaled := new(big.Int).Quo(new(big.Int).Mul(want.Num(), new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(scale)), nil)), want.Denom())
		limit := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(min(prec, maxDecDigits))), nil)
		if new(big.Int).Abs(unscaled).Cmp(limit) >= 0 {
			require.False(t, ok, "%q p=%d s=%d", s, prec, scale)
			return
		}
		require.True(t, ok, "%q p=%d s=%d", s, prec, scale)
		require.Equal(t, unscaled.Int64(), got, "%q p=%d s=%d", s, prec, scale)
	})
}

// decLexical reports whether s is [+-]digits[.digits][e[+-]digits] with a
// digit somewhere before the exponent and at most 4 exponent digits: what
// parseDec reads (big.Rat also takes fractions and hex).
func decLexical(s string) bool {
	if s != "" && (s[0] == '+' || s[0] == '-') {
		s = s[1:]
	}
	mant, exp, hasExp := strings.Cut(strings.ToLower(s), "e")
	ip, fp, _ := strings.Cut(mant, ".")
	digits := func(x string) bool {
		for _, c := range x {
			if c < '0' || c > '9' {
				return false
			}
		}
		return true
	}
	if ip+fp == "" || !digits(ip) || !digits(fp) || strings.Count(mant, ".") > 1 {
		return false
	}
	if hasExp {
		if exp != "" && (exp[0] == '+' || exp[0] == '-') {
			exp = exp[1:]
		}
		return exp != "" && len(exp) <= 4 && digits(exp)
	}
	return true
}
