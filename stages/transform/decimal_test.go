package transform

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// cast COL:decimal(p,s) rounds halves away from zero from the float's
// exact value, as DuckDB's CAST(x AS DECIMAL(p,s)) (1.005::DOUBLE becomes
// 1.00), across batch sizes and workers; back to float and to string it
// keeps every digit of the scale.
func TestCastDecimal(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 6))
	const n = 500
	vals := make([]float64, n)
	valid := make([]bool, n)
	for r := range vals {
		valid[r] = rng.IntN(10) != 0
		vals[r] = float64(rng.IntN(2_000_001)-1_000_000) / 1000
		if rng.IntN(4) == 0 {
			vals[r] = float64(rng.IntN(2001)-1000) + 0.005
		}
	}
	vals[0], valid[0] = 1.005, true
	for _, workers := range []int{1, 4} {
		for _, size := range []int{1, 64, 1000} {
			t.Run(fmt.Sprintf("workers=%d/batch=%d", workers, size), func(t *testing.T) {
				mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
				defer mem.AssertSize(t, 0)
				out, err := runCast(t, mem, priceSchema, "price:decimal(10, 2)", workers, priceBatches(mem, vals, valid, size))
				defer releaseAll(out)
				require.NoError(t, err)
				r := 0
				for _, b := range out {
					got := b.Column(1).(*array.Decimal128)
					require.Equal(t, "decimal(10, 2)", got.DataType().String())
					for k := range int(b.NumRows()) {
						if !valid[r] {
							assert.True(t, got.IsNull(k))
						} else {
							x := new(big.Rat).SetFloat64(vals[r])
							want := roundHalfAway(x, 2)
							assert.Equal(t, want, decText(got, k), "row %d: %v", r, vals[r])
						}
						r++
					}
				}
				assert.Equal(t, n, r)
			})
		}
	}
}

func roundHalfAway(x *big.Rat, s int) string {
	m := new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(s)), nil))
	y := new(big.Rat).Mul(x, m)
	num := new(big.Int).Abs(y.Num())
	q, rem := new(big.Int).QuoRem(num, y.Denom(), new(big.Int))
	if new(big.Int).Lsh(rem, 1).Cmp(y.Denom()) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	if y.Sign() < 0 {
		q.Neg(q)
	}
	return new(big.Rat).SetFrac(q, m.Num()).FloatString(s)
}

func TestCastDecimalErrors(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	schema := arrow.NewSchema([]arrow.Field{{Name: "note", Type: arrow.BinaryTypes.String, Nullable: true}}, nil)
	b := array.NewRecordBuilder(mem, schema)
	b.Field(0).(*array.StringBuilder).AppendValues([]string{" 12.345", "-0.005", "1e3"}, nil)
	rec := b.NewRecordBatch()
	b.Release()
	out, err := runCast(t, mem, schema, "note:decimal(6,2)", 1, []arrow.RecordBatch{rec})
	require.NoError(t, err)
	col := out[0].Column(0).(*array.Decimal128)
	assert.Equal(t, []string{"12.35", "-0.01", "1000.00"}, []string{decText(col, 0), decText(col, 1), decText(col, 2)})
	releaseAll(out)

	b = array.NewRecordBuilder(mem, schema)
	b.Field(0).(*array.StringBuilder).AppendValues([]string{"1", "12345.678"}, nil)
	rec = b.NewRecordBatch()
	b.Release()
	out, err = runCast(t, mem, schema, "note:decimal(5,2)", 1, []arrow.RecordBatch{rec})
	releaseAll(out)
	// DuckDB: Could not convert string "12345.678" to DECIMAL(5,2)
	assert.ErrorContains(t, err, `cast: column "note" row 2 of the batch: cannot convert "12345.678" to decimal(5, 2)`)

	for _, word := range []string{"decimal(0,0)", "decimal(39,2)", "decimal(5,6)", "decimal(5,x)", "decimal(40"} {
		_, ok, err := decimalType(word)
		assert.True(t, ok, word)
		assert.Error(t, err, word)
	}
	for word, want := range map[string]string{"decimal": "decimal(18, 3)", "numeric(4)": "decimal(4, 0)", "decimal( 12 , 4 )": "decimal(12, 4)"} {
		dt, ok, err := decimalType(word)
		require.True(t, ok)
		require.NoError(t, err)
		assert.Equal(t, want, dt.String())
	}
}

// decText is value k of a decimal column with every digit of its scale.
func decText(a *array.Decimal128, k int) string {
	s := int64(a.DataType().(*arrow.Decimal128Type).Scale)
	return new(big.Rat).SetFrac(a.Value(k).BigInt(), new(big.Int).Exp(big.NewInt(10), big.NewInt(s), nil)).FloatString(int(s))
}
