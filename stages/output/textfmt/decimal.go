package textfmt

import (
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// AppendDecimal appends value i of a decimal array with all the digits
// of its scale (1.50, -0.05, 0.00 in decimal(10,2); 12 in decimal(5,0)),
// the text DuckDB writes to CSV, without allocating for values that fit
// in 64 bits.
func AppendDecimal(dst []byte, arr arrow.Array, i int) []byte {
	scale := int(arr.DataType().(arrow.DecimalType).GetScale())
	var x int64
	switch a := arr.(type) {
	case *array.Decimal32:
		x = int64(a.Value(i))
	case *array.Decimal64:
		x = int64(a.Value(i))
	case *array.Decimal128:
		v := a.Value(i)
		if v.HighBits() != int64(v.LowBits())>>63 {
			return appendScaled(dst, v.BigInt().String(), scale)
		}
		x = int64(v.LowBits())
	case *array.Decimal256:
		v := a.Value(i)
		w := v.Array()
		sx := uint64(int64(w[0]) >> 63)
		if w[1] != sx || w[2] != sx || w[3] != sx {
			return appendScaled(dst, v.BigInt().String(), scale)
		}
		x = int64(w[0])
	default:
		return append(dst, arr.ValueStr(i)...)
	}
	var buf [24]byte
	return appendScaled(dst, string(strconv.AppendInt(buf[:0], x, 10)), scale)
}

// appendScaled appends the integer text digits (an optional '-' then
// digits) with a point before its last scale digits; a negative scale
// appends zeros.
func appendScaled(dst []byte, digits string, scale int) []byte {
	if digits != "" && digits[0] == '-' {
		dst = append(dst, '-')
		digits = digits[1:]
	}
	if scale <= 0 {
		dst = append(dst, digits...)
		if digits != "0" {
			for ; scale < 0; scale++ {
				dst = append(dst, '0')
			}
		}
		return dst
	}
	if len(digits) <= scale {
		dst = append(dst, '0', '.')
		for k := len(digits); k < scale; k++ {
			dst = append(dst, '0')
		}
		return append(dst, digits...)
	}
	dst = append(dst, digits[:len(digits)-scale]...)
	dst = append(dst, '.')
	return append(dst, digits[len(digits)-scale:]...)
}
