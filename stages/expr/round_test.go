package expr

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRoundFloatCases: round keeps a value with no more digits than asked
// for, and rounds the decimal a float prints as, halves away from zero
// (DuckDB: round(-2.5) is -3, round(0.15, 1) is 0.2).
func TestRoundFloatCases(t *testing.T) {
	for _, c := range []struct {
		x    float64
		d    int64
		want float64
	}{
		{0.1, 300, 0.1},
		{0.1, 17, 0.1},
		{0.1, 16, 0.1},
		{1.0 / 3, 20, 1.0 / 3},
		{5e-324, 330, 5e-324},
		{1.7976931348623157e308, 2, 1.7976931348623157e308},
		{0.15, 1, 0.2},
		{2.675, 2, 2.68},
		{1.005, 2, 1.01},
		{-2.5, 0, -3},
		{2.5, 0, 3},
		{-0.15, 1, -0.2},
		{123.456, -1, 120},
		{125, -1, 130},
		{-125, -1, -130},
		{0.5e-20, 20, 1e-20},
		{0.49e-20, 20, 0},
		{999.96, 1, 1000},
		{4, -1, 0},
		{5, -1, 10},
		{1234.5678, -20, 0},
		{1.7976931348623157e308, -308, math.Inf(1)},
		{math.Inf(-1), 2, math.Inf(-1)},
	} {
		got := roundFloat(c.x, c.d)
		assert.Equal(t, c.want, got, "round(%v, %d)", c.x, c.d)
		assert.Equal(t, c.want, refRoundFloat(c.x, c.d), "reference round(%v, %d)", c.x, c.d)
	}
	assert.True(t, math.IsNaN(roundFloat(math.NaN(), 3)))
}

// TestRoundFloatRandom compares roundFloat with the exact-rational
// reference for random values of every magnitude and d in -20..320,
// including values that are halfway in decimal.
func TestRoundFloatRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for k := 0; k < 200_000; k++ {
		var x float64
		switch rng.IntN(4) {
		case 0: // any finite float
			for x = math.Inf(1); math.IsInf(x, 0) || math.IsNaN(x); {
				x = math.Float64frombits(rng.Uint64())
			}
		case 1: // a few digits at some scale
			x = float64(rng.Int64N(2_000_001)-1_000_000) * math.Pow10(rng.IntN(41)-25)
		case 2: // a decimal half: n.5 × 10^e
			x, _ = strconv.ParseFloat(fmt.Sprintf("%d5e%d", rng.Int64N(100_000)-50_000, rng.IntN(41)-25), 64)
		default:
			x = (rng.Float64() - 0.5) * math.Pow10(rng.IntN(61)-30)
		}
		d := rng.Int64N(341) - 20
		if rng.IntN(2) == 0 {
			d = rng.Int64N(41) - 20 // where rounding usually happens
		}
		got, want := roundFloat(x, d), refRoundFloat(x, d)
		if got != want && !(math.IsNaN(got) && math.IsNaN(want)) {
			t.Fatalf("round(%v, %d) = %v, reference %v", x, d, got, want)
		}
	}
}

// TestRoundThroughExpressions checks round with the literal digits as the
// language passes them, on a float column.
func TestRoundThroughExpressions(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	schema := arrow.NewSchema([]arrow.Field{{Name: "f", Type: arrow.PrimitiveTypes.Float64}}, nil)
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	vals := []float64{0.1, 0.15, 2.675, -2.5, 1e300, 123.456}
	b.Field(0).(*array.Float64Builder).AppendValues(vals, nil)
	rec := b.NewRecordBatch()
	defer rec.Release()
	for _, d := range []int64{-400, -20, -1, 0, 1, 2, 16, 17, 300, 400} {
		src := fmt.Sprintf("round(f, %d)", d)
		e, err := Compile(src, schema)
		require.NoError(t, err)
		got, err := e.Eval(context.Background(), rec, mem)
		require.NoError(t, err)
		for r, x := range vals {
			assert.Equal(t, refRoundFloat(x, d), got.(*array.Float64).Value(r), "%s row %d", src, r)
		}
		got.Release()
	}
}
