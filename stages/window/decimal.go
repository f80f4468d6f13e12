package window

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/decimal256"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// Decimals of up to 18 digits are held as kindInt, their unscaled
// integers (1.50 of decimal(10,2) is 150), which order as the values do:
// keys, order and the functions that move values (lag, lead, first,
// last, fill, ranks) take them; the arithmetic functions do not
// (isNumber). A wider decimal is refused by name, since its values may
// not fit in 64 bits.
func decimalKind(dt arrow.DataType) (kind, error) {
	if p := dt.(arrow.DecimalType).GetPrecision(); p > 18 {
		return 0, verb.TypeLimit("", dt, fmt.Errorf("type %s is not supported: window takes decimals of up to 18 digits (cast it, for example to decimal(18,%d) or float)", dt, dt.(arrow.DecimalType).GetScale()))
	}
	return kindInt, nil
}

// loadDecimals reads a decimal column's unscaled values into dst (its
// precision is at most 18: see decimalKind).
func loadDecimals(a arrow.Array, dst []int64) []int64 {
	switch a := a.(type) {
	case *array.Decimal32:
		for i, x := range a.Values() {
			dst[i] = int64(x)
		}
	case *array.Decimal64:
		for i, x := range a.Values() {
			dst[i] = int64(x)
		}
	case *array.Decimal128:
		for i, x := range a.Values() {
			dst[i] = int64(x.LowBits())
		}
	case *array.Decimal256:
		for i, x := range a.Values() {
			dst[i] = int64(x.Array()[0])
		}
	}
	return dst
}

// appendDecimal appends unscaled v to a decimal builder; false for any
// other builder.
func appendDecimal(b array.Builder, v int64) bool {
	switch b := b.(type) {
	case *array.Decimal32Builder:
		b.Append(decimal.Decimal32(v))
	case *array.Decimal64Builder:
		b.Append(decimal.Decimal64(v))
	case *array.Decimal128Builder:
		b.Append(decimal128.FromI64(v))
	case *array.Decimal256Builder:
		b.Append(decimal256.FromI64(v))
	default:
		return false
	}
	return true
}
