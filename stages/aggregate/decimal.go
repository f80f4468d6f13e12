package aggregate

import (
	"fmt"
	"math/big"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/decimal256"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Decimals are read as kindInt: the unscaled integer of each value (1.50
// of decimal(10,2) is 150), so that one column's values compare, group
// and add as their integers do, and come out in the column's own type. A
// decimal of more than 18 digits is read the same way while its values
// fit in int64; checkDecimals makes a wider value an error naming the
// column and the row, before any verb reads it.

func isDecimal(dt arrow.DataType) bool {
	switch dt.ID() {
	case arrow.DECIMAL32, arrow.DECIMAL64, arrow.DECIMAL128, arrow.DECIMAL256:
		return true
	}
	return false
}

// decimalScale is the scale of a decimal type, 0 for other types.
func decimalScale(dt arrow.DataType) int32 {
	if d, ok := dt.(arrow.DecimalType); ok {
		return d.GetScale()
	}
	return 0
}

// decimalInt64s returns the unscaled values of a decimal column (a value
// wider than int64, which checkDecimals rules out, is cut to its low
// word).
func decimalInt64s(arr arrow.Array, scratch []int64) []int64 {
	out := grow(scratch, arr.Len())
	switch a := arr.(type) {
	case *array.Decimal32:
		for i, x := range a.Values() {
			out[i] = int64(x)
		}
	case *array.Decimal64:
		for i, x := range a.Values() {
			out[i] = int64(x)
		}
	case *array.Decimal128:
		for i, x := range a.Values() {
			out[i] = int64(x.LowBits())
		}
	case *array.Decimal256:
		for i, x := range a.Values() {
			out[i] = int64(x.Array()[0])
		}
	}
	return out
}

// checkDecimals returns an error for the first value of a decimal128 or
// decimal256 column of rec among cols (nil: all) whose unscaled integer
// does not fit in int64: 19 digits or more.
func checkDecimals(rec arrow.RecordBatch, cols []int) error {
	check := func(c int) error {
		switch a := rec.Column(c).(type) {
		case *array.Decimal128:
			if a.DataType().(*arrow.Decimal128Type).Precision <= 18 {
				return nil
			}
			for i, x := range a.Values() {
				if x.HighBits() != int64(x.LowBits())>>63 && a.IsValid(i) {
					return wideDecimal(rec, c, i, a.ValueStr(i))
				}
			}
		case *array.Decimal256:
			for i, x := range a.Values() {
				w := x.Array()
				sx := uint64(int64(w[0]) >> 63)
				if (w[1] != sx || w[2] != sx || w[3] != sx) && a.IsValid(i) {
					return wideDecimal(rec, c, i, a.ValueStr(i))
				}
			}
		}
		return nil
	}
	if cols == nil {
		for c := range int(rec.NumCols()) {
			if err := check(c); err != nil {
				return err
			}
		}
		return nil
	}
	for _, c := range cols {
		if err := check(c); err != nil {
			return err
		}
	}
	return nil
}

func wideDecimal(rec arrow.RecordBatch, c, row int, val string) error {
	return fmt.Errorf("column %q: decimal %s at row %d of the batch has more than 18 digits, which sort, group and aggregate keys do not take yet (cast it to float or string)", rec.Schema().Field(c).Name, val, row+1)
}

// decimalSumType is the type of sum(x) for decimal x: decimal(38,s), as
// DuckDB's SUM.
func decimalSumType(dt arrow.DataType) arrow.DataType {
	return &arrow.Decimal128Type{Precision: 38, Scale: decimalScale(dt)}
}

// buildDecimal makes the decimal(38,s) sums of the groups in order,
// exactly (the 128-bit totals always fit).
func (a *isumAcc) buildDecimal(mem memory.Allocator, dt arrow.DataType, order []uint32) arrow.Array {
	b := array.NewDecimal128Builder(mem, dt.(*arrow.Decimal128Type))
	defer b.Release()
	b.Reserve(len(order))
	for _, g := range order {
		if a.counted && a.at(g).n == 0 || !a.counted && !a.hasValue(g) {
			b.AppendNull()
			continue
		}
		s := a.at(g)
		b.UnsafeAppend(decimal128.New(int64(s.hi), s.lo))
	}
	return b.NewArray()
}

// decimalMean is mean of a decimal column: the exact total over the
// count, as the nearest float64 (DuckDB's AVG of a DECIMAL is a DOUBLE).
func decimalMean(a *isumAcc, scale int32) func(g uint32) (float64, bool) {
	div := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(scale)), nil)
	return func(g uint32) (float64, bool) {
		s := a.at(g)
		if s.n == 0 {
			return 0, false
		}
		if scale == 0 && s.hi == uint64(int64(s.lo)>>63) {
			return float64(int64(s.lo)) / float64(s.n), true
		}
		den := new(big.Int).Mul(div, new(big.Int).SetUint64(s.n))
		f, _ := new(big.Rat).SetFrac(s.bigInt(), den).Float64()
		return f, true
	}
}

// appendDecimal appends unscaled v to a decimal builder; false for any
// other builder.
func appendDecimal(b array.Builder, v int64) bool {
	switch b := b.(type) {
	case *array.Decimal32Builder:
		b.UnsafeAppend(decimal.Decimal32(v))
	case *array.Decimal64Builder:
		b.UnsafeAppend(decimal.Decimal64(v))
	case *array.Decimal128Builder:
		b.UnsafeAppend(decimal128.FromI64(v))
	case *array.Decimal256Builder:
		b.UnsafeAppend(decimal256.FromI64(v))
	default:
		return false
	}
	return true
}

// planCols lists the columns a group-by reads: its keys and the columns
// of its aggregates.
func planCols(pl *plan) []int {
	cols := append([]int(nil), pl.keyIdx...)
	for _, a := range pl.accs {
		if a.col >= 0 {
			cols = append(cols, a.col)
		}
	}
	return cols
}

// orderCols lists the columns of sort keys.
func orderCols(keys []orderKey) []int {
	cols := make([]int, len(keys))
	for i, k := range keys {
		cols[i] = k.col
	}
	return cols
}

// verbError prefixes err with the verb's name.
func verbError(verb string, err error) error { return fmt.Errorf("%s: %w", verb, err) }
