package expr

import (
	"context"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"regexp"
	"strconv"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Decimals of up to 38 digits against math/big: random values of every
// width, the extremes ±(10^p - 1) and the int64 edges included.

var wideSchema = arrow.NewSchema([]arrow.Field{
	{Name: "a", Type: &arrow.Decimal128Type{Precision: 38, Scale: 2}, Nullable: true},
	{Name: "b", Type: &arrow.Decimal128Type{Precision: 38, Scale: 0}, Nullable: true},
	{Name: "c", Type: &arrow.Decimal128Type{Precision: 20, Scale: 4}, Nullable: true},
	{Name: "d", Type: &arrow.Decimal128Type{Precision: 18, Scale: 2}, Nullable: true},
	{Name: "i", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
}, nil)

// wideRow holds a row's unscaled values; nil is null.
type wideRow [5]*big.Int

func pow10Big(k int) *big.Int { return decBound(int32(k)) }

func randWide(rng *rand.Rand, p int) *big.Int {
	bound := pow10Big(p)
	switch rng.IntN(10) {
	case 0:
		return new(big.Int).Sub(bound, big.NewInt(1)) // the largest
	case 1:
		return new(big.Int).Sub(big.NewInt(1), bound) // the smallest
	case 2:
		return big.NewInt(0)
	case 3: // around the int64 edges
		x := new(big.Int).SetUint64(uint64(1) << 63)
		x.Add(x, big.NewInt(rng.Int64N(5)-2))
		if rng.IntN(2) == 0 {
			x.Neg(x)
		}
		if x.CmpAbs(bound) >= 0 {
			return big.NewInt(rng.Int64N(1000))
		}
		return x
	case 4, 5:
		return big.NewInt(rng.Int64N(2001) - 1000)
	}
	txt := make([]byte, 1+rng.IntN(p))
	for k := range txt {
		txt[k] = byte('0' + rng.IntN(10))
	}
	x, _ := new(big.Int).SetString(string(txt), 10)
	if rng.IntN(2) == 0 {
		x.Neg(x)
	}
	return x
}

func randWideRows(rng *rand.Rand, n int) []wideRow {
	rows := make([]wideRow, n)
	precision := []int{38, 38, 20, 18}
	for r := range rows {
		for k := range rows[r] {
			switch {
			case rng.IntN(8) == 0: // null
			case k == 4:
				rows[r][k] = big.NewInt([]int64{math.MaxInt64, math.MinInt64, 0, 3, -7}[rng.IntN(5)])
			default:
				rows[r][k] = randWide(rng, precision[k])
			}
		}
	}
	return rows
}

func wideBatch(mem memory.Allocator, rows []wideRow) arrow.RecordBatch {
	b := array.NewRecordBuilder(mem, wideSchema)
	defer b.Release()
	for _, row := range rows {
		for k, x := range row {
			switch {
			case x == nil:
				b.Field(k).AppendNull()
			case k == 4:
				b.Field(k).(*array.Int64Builder).Append(x.Int64())
			default:
				b.Field(k).(*array.Decimal128Builder).Append(decimal128.FromBigInt(x))
			}
		}
	}
	return b.NewRecordBatch()
}

// wideCase is one expression and its reference: the result's decimal
// type (p, s) where it is a decimal, and each row's value (*big.Int
// unscaled, bool, string or float64; nil for null, errWide beyond the
// type).
type wideCase struct {
	src  string
	p, s int32
	ref  func(w wideRow) any
}

type errWide struct{}

func TestWideDecimalsAgainstBig(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rng := rand.New(rand.NewPCG(38, 2))
	rows := randWideRows(rng, 300)
	rec := wideBatch(mem, rows)
	defer rec.Release()

	scale := func(x *big.Int, k int) *big.Int { return new(big.Int).Mul(x, pow10Big(k)) }
	fit := func(x *big.Int, p int32) any {
		if x.CmpAbs(decBound(p)) >= 0 {
			return errWide{}
		}
		return x
	}
	nullable := func(f func(w wideRow) any, cols ...int) func(w wideRow) any {
		return func(w wideRow) any {
			for _, c := range cols {
				if w[c] == nil {
					return nil
				}
			}
			return f(w)
		}
	}
	cmp := func(x, y *big.Int) int { return x.Cmp(y) }
	cases := []wideCase{
		{"a + b", 38, 2, nullable(func(w wideRow) any { return fit(new(big.Int).Add(w[0], scale(w[1], 2)), 38) }, 0, 1)},
		{"b - a", 38, 2, nullable(func(w wideRow) any { return fit(new(big.Int).Sub(scale(w[1], 2), w[0]), 38) }, 0, 1)},
		{"c + d", 21, 4, nullable(func(w wideRow) any { return fit(new(big.Int).Add(w[2], scale(w[3], 2)), 21) }, 2, 3)},
		{"c - c", 21, 4, nullable(func(w wideRow) any { return big.NewInt(0) }, 2)},
		{"a * d", 38, 4, nullable(func(w wideRow) any { return fit(new(big.Int).Mul(w[0], w[3]), 38) }, 0, 3)},
		{"c * c", 38, 8, nullable(func(w wideRow) any { return fit(new(big.Int).Mul(w[2], w[2]), 38) }, 2)},
		{"b * i", 38, 0, nullable(func(w wideRow) any { return fit(new(big.Int).Mul(w[1], w[4]), 38) }, 1, 4)},
		{"a + 1.5", 38, 2, nullable(func(w wideRow) any { return fit(new(big.Int).Add(w[0], big.NewInt(150)), 38) }, 0)},
		{"-a", 38, 2, nullable(func(w wideRow) any { return new(big.Int).Neg(w[0]) }, 0)},
		{"abs(b)", 38, 0, nullable(func(w wideRow) any { return new(big.Int).Abs(w[1]) }, 1)},
		{"a < b", 0, 0, nullable(func(w wideRow) any { return cmp(w[0], scale(w[1], 2)) < 0 }, 0, 1)},
		{"a == d", 0, 0, nullable(func(w wideRow) any { return cmp(w[0], w[3]) == 0 }, 0, 3)},
		{"c >= a", 0, 0, nullable(func(w wideRow) any { return cmp(w[2], scale(w[0], 2)) >= 0 }, 0, 2)},
		{"b == i", 0, 0, nullable(func(w wideRow) any { return cmp(w[1], w[4]) == 0 }, 1, 4)},
		{"b > 5", 0, 0, nullable(func(w wideRow) any { return cmp(w[1], big.NewInt(5)) > 0 }, 1)},
		{"a != 0.25", 0, 0, nullable(func(w wideRow) any { return cmp(w[0], big.NewInt(25)) != 0 }, 0)},
		{"to_string(a)", 0, 0, nullable(func(w wideRow) any { return string(appendRefDec(w[0], 2)) }, 0)},
		{"to_string(c)", 0, 0, nullable(func(w wideRow) any { return string(appendRefDec(w[2], 4)) }, 2)},
		{"to_float(c)", 0, 0, nullable(func(w wideRow) any {
			f, _ := new(big.Rat).SetFrac(w[2], pow10Big(4)).Float64()
			return f
		}, 2)},
		{"round(a, 1)", 38, 1, nullable(func(w wideRow) any { return refRoundBig(w[0], pow10Big(1), 0) }, 0)},
		{"round(a)", 38, 0, nullable(func(w wideRow) any { return refRoundBig(w[0], pow10Big(2), 0) }, 0)},
		{"floor(c)", 20, 0, nullable(func(w wideRow) any { return refRoundBig(w[2], pow10Big(4), -1) }, 2)},
		{"ceil(c)", 20, 0, nullable(func(w wideRow) any { return refRoundBig(w[2], pow10Big(4), 1) }, 2)},
		{"to_int(c)", 0, 0, nullable(func(w wideRow) any {
			q := refRoundBig(w[2], pow10Big(4), 0)
			if !q.IsInt64() {
				return nil // does not convert
			}
			return q
		}, 2)},
		{"to_decimal(a, 38, 4)", 38, 4, nullable(func(w wideRow) any {
			if x := scale(w[0], 2); x.CmpAbs(decBound(38)) < 0 {
				return x
			}
			return nil
		}, 0)},
		{"to_decimal(b, 20, 0)", 20, 0, nullable(func(w wideRow) any {
			if w[1].CmpAbs(decBound(20)) < 0 {
				return w[1]
			}
			return nil
		}, 1)},
		{"to_decimal(c, 38, 2)", 38, 2, nullable(func(w wideRow) any { return refRoundBig(w[2], pow10Big(2), 0) }, 2)},
		{"to_decimal(i, 19, 0)", 19, 0, nullable(func(w wideRow) any { return w[4] }, 4)},
		{"coalesce(a, b)", 38, 2, func(w wideRow) any {
			switch {
			case w[0] != nil:
				return w[0]
			case w[1] != nil:
				return fit(scale(w[1], 2), 38) // only the rows that use b can fail
			}
			return nil
		}},
		{"if(i > 0, a, c)", 38, 4, func(w wideRow) any {
			if w[4] != nil && w[4].Sign() > 0 {
				if w[0] == nil {
					return nil
				}
				return fit(scale(w[0], 2), 38)
			}
			if w[2] == nil {
				return nil
			}
			return w[2]
		}},
		{"coalesce(c, 1)", 20, 4, func(w wideRow) any {
			if w[2] != nil {
				return w[2]
			}
			return big.NewInt(10000)
		}},
		{"a % b", 38, 2, nullable(func(w wideRow) any {
			if w[1].Sign() == 0 {
				return nil
			}
			return new(big.Int).Rem(w[0], scale(w[1], 2))
		}, 0, 1)},
		{"b % i", 38, 0, nullable(func(w wideRow) any {
			if w[4].Sign() == 0 {
				return nil
			}
			return new(big.Int).Rem(w[1], w[4])
		}, 1, 4)},
		{"greatest(a, b, c)", 38, 4, func(w wideRow) any { return refExtreme(w, 1, 0, 1, 2) }},
		{"least(a, d, 0)", 38, 2, func(w wideRow) any { return refExtreme(w, -1, 0, 3, -1) }},
		{"case when b > 0 then b end", 38, 0, nullable(func(w wideRow) any {
			if w[1].Sign() > 0 {
				return w[1]
			}
			return nil
		}, 1)},
	}
	rowRe := regexp.MustCompile(`at row (\d+) of the batch`)
	for _, tc := range cases {
		t.Run(tc.src, func(t *testing.T) {
			e, err := Compile(tc.src, wideSchema)
			require.NoError(t, err)
			if tc.p > 0 {
				require.True(t, arrow.TypeEqual(&arrow.Decimal128Type{Precision: tc.p, Scale: tc.s}, e.Type()), "type %s", e.Type())
			}
			want := make([]any, len(rows))
			firstErr := -1
			for r, w := range rows {
				want[r] = tc.ref(w)
				if _, ok := want[r].(errWide); ok && firstErr < 0 {
					firstErr = r
				}
			}
			got, err := e.Eval(context.Background(), rec, mem)
			ok := rows
			if firstErr >= 0 {
				require.ErrorIs(t, err, ErrOverflow)
				m := rowRe.FindStringSubmatch(err.Error())
				require.NotNil(t, m, err.Error())
				row, _ := strconv.Atoi(m[1]) // a row that fails (arguments are checked one after another)
				require.True(t, row >= 1 && row <= len(want), err.Error())
				assert.Equal(t, errWide{}, want[row-1], err.Error())
				// the rows that fit, on their own
				ok, want = nil, want[:0]
				for _, w := range rows {
					if v := tc.ref(w); v != (errWide{}) {
						ok, want = append(ok, w), append(want, v)
					}
				}
				sub := wideBatch(mem, ok)
				defer sub.Release()
				got, err = e.Eval(context.Background(), sub, mem)
			}
			require.NoError(t, err)
			defer got.Release()
			for r := range ok {
				assert.Equal(t, fmt.Sprint(want[r]), wideValue(got, r), "row %d of %s: %v", r, tc.src, ok[r])
			}
		})
	}
}

// wideValue prints row r of a result as the reference does.
func wideValue(a arrow.Array, r int) string {
	if a.IsNull(r) {
		return "<nil>"
	}
	switch a := a.(type) {
	case *array.Decimal128:
		return a.Value(r).BigInt().String()
	case *array.Int64:
		return strconv.FormatInt(a.Value(r), 10)
	case *array.Float64:
		return fmt.Sprint(a.Value(r))
	case *array.String:
		return a.Value(r)
	case *array.Boolean:
		return fmt.Sprint(a.Value(r))
	}
	return a.ValueStr(r)
}

// appendRefDec is x at scale s as text, by big.Rat.
func appendRefDec(x *big.Int, s int) []byte {
	return []byte(new(big.Rat).SetFrac(x, pow10Big(s)).FloatString(s))
}

// refRoundBig divides x by d: halves away from zero (mode 0), down (-1)
// or up (1).
func refRoundBig(x, d *big.Int, mode int) *big.Int {
	q := new(big.Rat).SetFrac(x, d)
	fl := new(big.Int).Div(q.Num(), q.Denom()) // Euclidean: floor for d > 0
	switch mode {
	case -1:
		return fl
	case 1:
		if new(big.Rat).SetInt(fl).Cmp(q) != 0 {
			fl.Add(fl, big.NewInt(1))
		}
		return fl
	}
	if x.Sign() >= 0 {
		h := new(big.Rat).Add(q, big.NewRat(1, 2))
		return new(big.Int).Div(h.Num(), h.Denom())
	}
	h := new(big.Rat).Sub(q, big.NewRat(1, 2))
	c := new(big.Int).Div(h.Num(), h.Denom())
	if new(big.Rat).SetInt(c).Cmp(h) != 0 {
		c.Add(c, big.NewInt(1))
	}
	return c
}

// TestToDecimalBeyondInt64 converts text and floats to decimals above 18
// digits: halves away from zero, null beyond the precision or for text
// that is not a number, as DuckDB's casts of text. A float converts from
// its exact value, 1e25 to 10000000000000000905969664.00 (DuckDB 1.5's
// cast computes in floating point: 10000000000000001507265085.44).
func TestToDecimalBeyondInt64(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	schema := arrow.NewSchema([]arrow.Field{{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true}, {Name: "f", Type: arrow.PrimitiveTypes.Float64}}, nil)
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	texts := []string{"123456789012345678901234.565", " -99999999999999999999999999999999999.995 ", "1e30", "1.5", "1000000000000000000000000000000000000", "abc", "1/3", "0x10", "-1.5E+20"}
	for _, s := range texts {
		b.Field(0).(*array.StringBuilder).Append(s)
	}
	b.Field(0).(*array.StringBuilder).AppendNull()
	floats := []float64{1e25, -1e25, 0.125, 1e40, math.NaN(), 123456789012345678901.0, 1, 2, 3, 4}
	b.Field(1).(*array.Float64Builder).AppendValues(floats, nil)
	rec := b.NewRecordBatch()
	defer rec.Release()
	check := func(src string, want []string) {
		t.Helper()
		e, err := Compile(src, schema)
		require.NoError(t, err)
		got, err := e.Eval(context.Background(), rec, mem)
		require.NoError(t, err)
		defer got.Release()
		for r, w := range want {
			assert.Equal(t, w, got.ValueStr(r), "%s row %d", src, r)
		}
	}
	check("to_string(to_decimal(s, 38, 2))", []string{"123456789012345678901234.57", "-100000000000000000000000000000000000.00", "1000000000000000000000000000000.00", "1.50", "(null)", "(null)", "(null)", "(null)", "-150000000000000000000.00", "(null)"})
	check("to_string(to_decimal(f, 38, 2))", []string{"10000000000000000905969664.00", "-10000000000000000905969664.00", "0.13", "(null)", "(null)", "123456789012345683968.00"})
	check("to_string(to_decimal(f, 20, 0))", []string{"(null)", "(null)", "0", "(null)", "(null)", "(null)"})
}

// TestWideDecimalIn checks that in compares values beyond int64 exactly,
// and coalesce carries them.
func TestWideDecimalIn(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	big1, _ := new(big.Int).SetString("12345678901234567890123", 10)
	rows := []wideRow{{big1, big1, nil, big.NewInt(5), big.NewInt(3)}, {big.NewInt(7), big.NewInt(-1), nil, nil, nil}}
	rec := wideBatch(mem, rows)
	defer rec.Release()
	got, err := evalOn(t, "b in (1, a, -1)", rec, mem)
	require.NoError(t, err)
	assert.Equal(t, "false", got.ValueStr(0)) // a is scale 2: 123456789012345678901.23
	assert.Equal(t, "true", got.ValueStr(1))
	got.Release()
	got, err = evalOn(t, "b in (to_decimal('12345678901234567890123', 38, 0), 0)", rec, mem)
	require.NoError(t, err)
	assert.Equal(t, "true", got.ValueStr(0))
	got.Release()
	got, err = evalOn(t, "coalesce(b, 0)", rec, mem)
	require.NoError(t, err)
	assert.Equal(t, "12345678901234567890123", got.ValueStr(0))
	got.Release()
	// a decimal(18,2) column holding a wider value (a file that breaks its
	// own precision) fails where an int64 kernel would take it
	bad := wideBatch(mem, []wideRow{{nil, nil, nil, big1, nil}})
	defer bad.Release()
	_, err = evalOn(t, "d + d", bad, mem)
	require.ErrorIs(t, err, ErrOverflow)
	assert.ErrorContains(t, err, "row 1 of the batch: decimal 123456789012345678901.23 has more than the 18 digits")
}

// refExtreme is greatest (sign 1) or least (-1) of the row's columns
// cols (-1 for the constant 0) at scale 4 for greatest(a, b, c), 2 for
// least(a, d, 0): nulls skipped; beyond 38 digits errWide.
func refExtreme(w wideRow, sign int, cols ...int) any {
	scaleOf := map[int]int{0: 2, 1: 0, 2: 4, 3: 2, -1: 0}
	to := 2
	if sign > 0 {
		to = 4
	}
	var best *big.Int
	for _, c := range cols {
		x := big.NewInt(0)
		if c >= 0 {
			if w[c] == nil {
				continue
			}
			x = w[c]
		}
		x = new(big.Int).Mul(x, pow10Big(to-scaleOf[c]))
		if x.CmpAbs(decBound(38)) >= 0 {
			return errWide{}
		}
		if best == nil || x.Cmp(best)*sign > 0 {
			best = x
		}
	}
	if best == nil {
		return nil
	}
	return best
}
