package expr

import (
	"fmt"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Decimals: a decimal(p,s) value is held as its unscaled integer in a
// vec's i slice (1.50 of decimal(10,2) is 150), so most of the int64
// kernels serve decimals of one scale unchanged (see retypeNode). Scales
// run 0..18; values beyond int64 (up to 38 digits) keep their high words
// in the vec's hi (decimal_wide.go). A result wider than its precision is
// an error naming the row, as DuckDB's "Overflow in addition of
// DECIMAL(18)".

// decBase marks a decimal type: decBase | precision<<6 | scale.
const decBase typ = 1 << 13

// maxDecScale is the largest scale expressions read; maxDecDigits the
// digits an int64 holds in full.
const (
	maxDecScale  = 18
	maxDecDigits = 18
)

func decType(p, s int32) typ { return decBase | typ(p)<<6 | typ(s) }

func (t typ) isDec() bool { return t&decBase != 0 }

// decPS returns the precision and scale of decimal type t.
func (t typ) decPS() (p, s int32) { return int32(t >> 6 & 127), int32(t & 63) }

func decScale(t typ) int32 { _, s := t.decPS(); return s }

func decString(t typ) string {
	p, s := t.decPS()
	return fmt.Sprintf("decimal(%d,%d)", p, s)
}

// storage is the type whose kernels hold t's values: int64 for decimals,
// the zoned timestamp for a zone-less one.
func storage(t typ) typ {
	switch {
	case t.isDec():
		return tInt
	case t == tLocal:
		return tTime
	case t == tLocalNs:
		return tTimeNs
	case t == tClock:
		return tInt
	}
	return t
}

func decTypeOf(dt arrow.DataType) (typ, error) {
	d := dt.(arrow.DecimalType)
	p, s := d.GetPrecision(), d.GetScale()
	if s < 0 || s > maxDecScale || s > p {
		return 0, fmt.Errorf("unsupported column type %s: expressions take decimals of scale 0 to %d (cast it to float or string first)", dt, maxDecScale)
	}
	return decType(p, s), nil
}

// pow10 holds 10^0 .. 10^18.
var pow10 = func() (t [19]int64) {
	t[0] = 1
	for k := 1; k < len(t); k++ {
		t[k] = t[k-1] * 10
	}
	return
}()

// loadDecimal reads a decimal column's values as unscaled int64s into
// the slot's i, and the high words into its hi when some value is beyond
// int64 (hi is nil otherwise). A decimal256 value beyond 128 bits is an
// error naming the column and the row.
func (ev *Evaluator) loadDecimal(s *slot, arr arrow.Array, valid []byte, name string) (lo, hi []int64, err error) {
	n := arr.Len()
	s.i = grow(s.i, n)
	d := s.i
	switch a := arr.(type) {
	case *array.Decimal32:
		for k, x := range a.Values() {
			d[k] = int64(x)
		}
		return d, nil, nil
	case *array.Decimal64:
		for k, x := range a.Values() {
			d[k] = int64(x)
		}
		return d, nil, nil
	case *array.Decimal128:
		wide := false
		for k, x := range a.Values() {
			d[k] = int64(x.LowBits())
			wide = wide || x.HighBits() != d[k]>>63
		}
		if !wide {
			return d, nil, nil
		}
		s.hi = grow(s.hi, n)
		for k, x := range a.Values() {
			s.hi[k] = x.HighBits()
		}
		return d, s.hi, nil
	case *array.Decimal256:
		wide := false
		vals := a.Values()
		for k, x := range vals {
			w := x.Array()
			d[k] = int64(w[0])
			sx := uint64(d[k] >> 63)
			wide = wide || w[1] != sx || w[2] != sx || w[3] != sx
		}
		if !wide {
			return d, nil, nil
		}
		bad := func(r int) bool {
			w := vals[r].Array()
			sx := uint64(int64(w[1]) >> 63)
			return w[2] != sx || w[3] != sx
		}
		if row := ev.overflowRow(valid, n, bad); row >= 0 {
			return nil, nil, wideDecimal(row, name, a.ValueStr(row))
		}
		s.hi = grow(s.hi, n)
		for k, x := range vals {
			s.hi[k] = int64(x.Array()[1])
		}
		return d, s.hi, nil
	}
	return nil, nil, fmt.Errorf("column %q: unsupported type %s", name, arr.DataType())
}

func wideDecimal(row int, name, val string) error {
	return overflowError(row, "column %q: decimal %s has more than the 38 digits expressions compute with", name, val)
}

// decArray builds a decimal array of type t from unscaled values (a
// decimal128 for precisions up to 38, else a decimal256).
func decArray(v vec, t typ, n int, valid *memory.Buffer, nulls int, mem memory.Allocator) arrow.Array {
	dt := t.arrowType()
	w := dt.(arrow.FixedWidthDataType).BitWidth() / 64
	b := memory.NewResizableBuffer(mem)
	b.Resize(n * w * 8)
	words := arrow.Uint64Traits.CastFromBytes(b.Bytes())
	for k, x := range v.i[:n] {
		words[k*w] = uint64(x)
		h := x >> 63
		if v.hi != nil {
			h = v.hi[k]
		}
		if j := 1; j < w {
			words[k*w+j] = uint64(h)
			for j++; j < w; j++ {
				words[k*w+j] = uint64(h >> 63)
			}
		}
	}
	data := array.NewData(dt, n, []*memory.Buffer{valid, b}, nil, nulls, 0)
	b.Release()
	if valid != nil {
		valid.Release()
	}
	arr := array.MakeFromData(data)
	data.Release()
	return arr
}

// appendDec appends the text of unscaled x at scale s: 1.50, -0.05, 0.00.
func appendDec(dst []byte, x int64, s int32) []byte {
	if s == 0 {
		return strconv.AppendInt(dst, x, 10)
	}
	u := uint64(x)
	if x < 0 {
		dst = append(dst, '-')
		u = -u
	}
	var buf [40]byte
	i := len(buf)
	for u > 0 || i > len(buf)-int(s)-1 {
		i--
		buf[i] = byte('0' + u%10)
		u /= 10
	}
	dst = append(dst, buf[i:len(buf)-int(s)]...)
	dst = append(dst, '.')
	return append(dst, buf[len(buf)-int(s):]...)
}
