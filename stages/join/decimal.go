package join

import (
	"github.com/apache/arrow-go/v18/arrow"
)

// Decimal keys are compared by the bytes of their unscaled integers, so
// that two columns of the same width and scale (decimal(10,2) and
// decimal(38,2) are both decimal128) join exactly on values of any size.

// sameDecimal reports whether decimal types s and t store equal values
// as equal bytes: the same width and scale.
func sameDecimal(s, t arrow.DataType) bool {
	ds, ok1 := s.(arrow.DecimalType)
	dt, ok2 := t.(arrow.DecimalType)
	return ok1 && ok2 && s.ID() == t.ID() && ds.GetScale() == dt.GetScale()
}

// decimalBytes returns the i-th value of a decimal column as its bytes.
func decimalBytes(arr arrow.Array) (bytesAt, bool) {
	d, ok := arr.DataType().(arrow.DecimalType)
	if !ok {
		return nil, false
	}
	w := d.BitWidth() / 8
	data := arr.Data()
	buf := data.Buffers()[1].Bytes()[data.Offset()*w:]
	return func(i int) string { return string(buf[i*w : (i+1)*w]) }, true
}
