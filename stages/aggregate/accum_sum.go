package aggregate

import (
	"fmt"
	"math"
	"math/big"
	"math/bits"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// isumAcc sums integers into 128 bits: it serves sum and mean of integer
// columns. It keeps two words of the state rows, the sum's low and high
// words, and for mean a third, the count of values; for sum, "has a
// value" is a bitmap beside the rows (1 bit per group, not a word: 128
// KiB for a million groups, which stays in L2; the wider rows cost
// BenchmarkGroupByManyKeys ~15 %).
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
	ext uint64
	// counted: the third word counts the values (mean); else has does.
	counted bool
	has     []uint64
	vals    []int64
	valid   validity
	scratch []int64
}

// isumWords is the width of an isumAcc's state: 3 with counted, else 2.
func isumWords(counted bool) int {
	if counted {
		return 3
	}
	return 2
}

func newIsumAcc(at rowSlot, dt arrow.DataType, counted bool) *isumAcc {
	a := &isumAcc{rowSlot: at, ext: math.MaxUint64, counted: counted}
	if isUnsigned(dt) {
		a.ext = 0
	}
	return a
}

// isum is a 128-bit two's complement sum (lo, hi) and a count of values
// (for mean; 1 when a sum has a value).
type isum struct {
	lo, hi, n uint64
}

func (a *isumAcc) grow(n int) {
	if !a.counted {
		a.has = growZero(a.has, (n+63)/64)
	}
}

func (a *isumAcc) hasValue(g uint32) bool { return a.has[g/64]&(1<<(g%64)) != 0 }

func (a *isumAcc) bind(col arrow.Array, _ uint64) error {
	a.vals = int64s(col, a.scratch)
	if !isZeroCopyInt(col) && !isUnsigned(col.DataType()) {
		a.scratch = a.vals
	}
	a.valid = validityOf(col)
	return nil
}

func (a *isumAcc) update(gids []uint32, lo int) error {
	w, stride, ext, has := a.rows.w[a.off:], a.rows.stride, a.ext, a.has
	vals := a.vals[lo : lo+len(gids)]
	v := a.valid.from(lo)
	if a.counted {
		for i, g := range gids {
			if !v.ok(i) {
				continue
			}
			o, x := int(g)*stride, vals[i]
			var c uint64
			w[o], c = bits.Add64(w[o], uint64(x), 0)
			w[o+1] += uint64(x>>63)&ext + c
			w[o+2]++
		}
		return nil
	}
	for i, g := range gids {
		if !v.ok(i) {
			continue
		}
		o, x := int(g)*stride, vals[i]
		var c uint64
		w[o], c = bits.Add64(w[o], uint64(x), 0)
		w[o+1] += uint64(x>>63)&ext + c
		has[g/64] |= 1 << (g % 64)
	}
	return nil
}

func (a *isumAcc) merge(src accumulator, gids []uint32) error { return a.mergeRows(src, gids, 0) }

func (a *isumAcc) mergeRows(src accumulator, gids []uint32, lo int) error {
	b := src.(*isumAcc)
	w, stride := a.rows.w[a.off:], a.rows.stride
	bw, bstride := b.rows.w[b.off:], b.rows.stride
	for i, g := range gids {
		o, p := int(g)*stride, (lo+i)*bstride
		var c uint64
		w[o], c = bits.Add64(w[o], bw[p], 0)
		w[o+1] += bw[p+1] + c
		if a.counted {
			w[o+2] += bw[p+2]
		} else if b.hasValue(uint32(lo + i)) {
			a.has[g/64] |= 1 << (g % 64)
		}
	}
	return nil
}

func (a *isumAcc) bytes() int64 { return int64(cap(a.has)) * 8 }

func (a *isumAcc) at(g uint32) isum {
	w := a.rows.w[int(g)*a.rows.stride+a.off:]
	s := isum{lo: w[0], hi: w[1]}
	if a.counted {
		s.n = w[2]
	} else if a.hasValue(g) {
		s.n = 1
	}
	return s
}

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
