package textfmt

import (
	"math/big"
	"math/rand"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/decimal256"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// DuckDB's CSV writer: 1.50,-0.05,0.00,123.456000 for decimal(10,2) 1.5,
// -0.05, 0 and decimal(38,6) 123.456.
func TestAppendDecimalAsDuckDB(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	b := array.NewDecimal128Builder(mem, &arrow.Decimal128Type{Precision: 10, Scale: 2})
	defer b.Release()
	b.AppendValues([]decimal128.Num{decimal128.FromI64(150), decimal128.FromI64(-5), decimal128.FromI64(0), decimal128.FromI64(-123456)}, nil)
	a := b.NewArray()
	defer a.Release()
	var c Column
	c.Reset(a)
	require.Equal(t, KindDecimal, c.Kind())
	var got []string
	for i := range a.Len() {
		got = append(got, string(c.AppendText(nil, i)))
	}
	assert.Equal(t, []string{"1.50", "-0.05", "0.00", "-1234.56"}, got)

	b32 := array.NewDecimal32Builder(mem, &arrow.Decimal32Type{Precision: 5, Scale: 0})
	defer b32.Release()
	b32.Append(decimal.Decimal32(-42))
	a32 := b32.NewArray()
	defer a32.Release()
	assert.Equal(t, "-42", string(AppendDecimal(nil, a32, 0)))
}

// Every value of every width and scale prints as math/big's exact text,
// including those beyond 64 bits.
func TestAppendDecimalReference(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rng := rand.New(rand.NewSource(15))
	for _, scale := range []int32{0, 1, 2, 6, 18, 30, 38} {
		b := array.NewDecimal128Builder(mem, &arrow.Decimal128Type{Precision: 38, Scale: scale})
		b256 := array.NewDecimal256Builder(mem, &arrow.Decimal256Type{Precision: 76, Scale: scale})
		var want []*big.Int
		for range 300 {
			x := new(big.Int).Rand(rng, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(1+rng.Intn(37))), nil))
			if rng.Intn(2) == 0 {
				x.Neg(x)
			}
			want = append(want, x)
			b.Append(decimal128.FromBigInt(x))
			b256.Append(decimal256.FromBigInt(x))
		}
		for _, a := range []arrow.Array{b.NewArray(), b256.NewArray()} {
			for i, x := range want {
				r := new(big.Rat).SetFrac(x, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(scale)), nil))
				require.Equal(t, r.FloatString(int(scale)), string(AppendDecimal(nil, a, i)), "%s scale %d", x, scale)
			}
			a.Release()
		}
		b.Release()
		b256.Release()
	}
}
