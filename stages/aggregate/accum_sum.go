package aggregate

import (
	"fmt"
	"math"
	"math/big"
	"math/bits"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// isumAcc sums integers into 128 bits, with the count of values added: it
// serves sum and mean of integer columns. Its three words of the state
// rows are an isum.
//
// 128 bits cannot overflow (2^63 values of at most 2^64 each stay under
// 2^127), so the total does not depend on the order of the rows or on how
// the workers split them, as in DuckDB, which sums BIGINT into a HUGEINT.
// Only the result is checked: a sum whose total does not fit the output
// type is an error at Finish (see total), never a wrapped value.
type isumAcc struct {
	rowSlot
	// ext is the sign extension mask: all ones for signed input (the high
	// word gets the sign of each value), zero for uint64 input.
	ext     uint64
	vals    []int64
	valid   validity
	scratch []int64
}

func newIsumAcc(at rowSlot, dt arrow.DataType) *isumAcc {
	a := &isumAcc{rowSlot: at, ext: math.MaxUint64}
	if isUnsigned(dt) {
		a.ext = 0
	}
	return a
}

// isum is a 128-bit two's complement sum (lo, hi) and a count of values.
type isum struct {
	lo, hi, n uint64
}

func isumAt(w []uint64, g, stride int) *isum {
	return (*isum)(unsafe.Pointer((*[3]uint64)(w[g*stride : g*stride+3])))
}

func (a *isumAcc) grow(int) {}

func (a *isumAcc) bind(col arrow.Array, _ uint64) {
	a.vals = int64s(col, a.scratch)
	if !isZeroCopyInt(col) && !isUnsigned(col.DataType()) {
		a.scratch = a.vals
	}
	a.valid = validityOf(col)
}

func (a *isumAcc) update(gids []uint32, lo int) error {
	w, stride, ext := a.rows.w[a.off:], a.rows.stride, a.ext
	vals := a.vals[lo : lo+len(gids)]
	v := a.valid.from(lo)
	for i, g := range gids {
		if !v.ok(i) {
			continue
		}
		s := isumAt(w, int(g), stride)
		x := vals[i]
		var c uint64
		s.lo, c = bits.Add64(s.lo, uint64(x), 0)
		s.hi += uint64(x>>63)&ext + c
		s.n++
	}
	return nil
}

func (a *isumAcc) merge(src accumulator, gids []uint32) error { return a.mergeRows(src, gids, 0) }

func (a *isumAcc) mergeRows(src accumulator, gids []uint32, lo int) error {
	b := src.(*isumAcc)
	w, stride := a.rows.w[a.off:], a.rows.stride
	bw, bstride := b.rows.w[b.off:], b.rows.stride
	for i, g := range gids {
		s, t := isumAt(w, int(g), stride), isumAt(bw, lo+i, bstride)
		var c uint64
		s.lo, c = bits.Add64(s.lo, t.lo, 0)
		s.hi += t.hi + c
		s.n += t.n
	}
	return nil
}

func (a *isumAcc) bytes() int64 { return 0 }

func (a *isumAcc) at(g uint32) *isum { return isumAt(a.rows.w[a.off:], int(g), a.rows.stride) }

// total returns group g's sum as int64 bits (uint64 bits for uint64
// input); ok is false for a group without values. A total outside the
// output type is an error.
func (a *isumAcc) total(g uint32) (v int64, ok bool, err error) {
	s := a.at(g)
	if s.n == 0 {
		return 0, false, nil
	}
	fits := s.hi == uint64(int64(s.lo)>>63) // the high word only extends the sign
	typ := "int64"
	if a.ext == 0 {
		fits, typ = s.hi == 0, "uint64"
	}
	if !fits {
		return 0, false, fmt.Errorf("the total %s is outside the %s range", s.bigInt(), typ)
	}
	return int64(s.lo), true, nil
}

// mean returns group g's mean as a float64 (the 128-bit total rounded
// once, then divided); ok is false for a group without values.
func (a *isumAcc) mean(g uint32) (float64, bool) {
	s := a.at(g)
	if s.n == 0 {
		return 0, false
	}
	return s.float() / float64(s.n), true
}

// float returns the total as the nearest float64.
func (s *isum) float() float64 {
	if s.hi == uint64(int64(s.lo)>>63) {
		return float64(int64(s.lo))
	}
	f, _ := new(big.Float).SetInt(s.bigInt()).Float64()
	return f
}

func (s *isum) bigInt() *big.Int {
	hi := new(big.Int).SetInt64(int64(s.hi))
	return hi.Lsh(hi, 64).Add(hi, new(big.Int).SetUint64(s.lo))
}

// build makes the sum column (of type dt: int64, or uint64 for uint64
// input) for the groups in order. A total outside dt is a *groupError.
func (a *isumAcc) build(mem memory.Allocator, dt arrow.DataType, order []uint32) (arrow.Array, error) {
	for _, g := range order {
		if _, _, err := a.total(g); err != nil {
			return nil, &groupError{g: g, err: err}
		}
	}
	total := func(g uint32) (int64, bool) {
		v, ok, _ := a.total(g)
		return v, ok
	}
	if dt.ID() == arrow.UINT64 {
		return computed[uint64](array.NewUint64Builder(mem), order, func(g uint32) (uint64, bool) {
			v, ok := total(g)
			return uint64(v), ok
		}), nil
	}
	return computedInts(mem, order, total), nil
}
