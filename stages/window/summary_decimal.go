package window

import (
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/arrowpipe/arrowpipe/stages/output/textfmt"
)

// addDecimals takes a decimal column: min and max by value (the unscaled
// integers of one scale order as the values do), shown and counted with
// every digit of the scale (1.50), mean, stddev and quantiles of the
// values as float64. A value beyond int64 (more than 18 digits) orders
// as ±2^63, which only a column of such values could get wrong.
func addDecimals(s *colStats, col arrow.Array, buf []byte) []byte {
	scale := math.Pow10(int(col.DataType().(arrow.DecimalType).GetScale()))
	for i := range col.Len() {
		if !col.IsValid(i) {
			continue
		}
		var v int64
		var f float64
		switch a := col.(type) {
		case *array.Decimal32:
			v = int64(a.Value(i))
			f = float64(v)
		case *array.Decimal64:
			v = int64(a.Value(i))
			f = float64(v)
		case *array.Decimal128:
			x := a.Value(i)
			v, f = int64(x.LowBits()), x.ToFloat64(0)
			if x.HighBits() != v>>63 {
				v = math.MaxInt64
				if x.Sign() < 0 {
					v = math.MinInt64
				}
			}
		case *array.Decimal256:
			x := a.Value(i)
			w := x.Array()
			v, f = int64(w[0]), x.ToFloat64(0)
			if sx := uint64(v >> 63); w[1] != sx || w[2] != sx || w[3] != sx {
				v = math.MaxInt64
				if x.Sign() < 0 {
					v = math.MinInt64
				}
			}
		}
		buf = textfmt.AppendDecimal(buf[:0], col, i)
		s.minMaxInt(v, func() string { return string(buf) })
		s.moment(f / scale)
		s.countBytes(buf)
	}
	return buf
}
