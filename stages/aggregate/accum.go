package aggregate

import (
	"errors"
	"math"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
)

// An accumulator holds one aggregate's state for every group of one
// worker, indexed by group id, and updates it a batch at a time: bind
// once, then update over the batch's rows in blocks (see updateBlock).
type accumulator interface {
	// grow makes room for groups 0..n-1; new groups start empty. (The
	// shared state rows are grown by their partial, not here.)
	grow(n int)
	// bind makes col (nil for count()) the column that update reads; seq
	// is its batch's sequence number. The accumulator may keep views of
	// col's buffers, used only by the updates before the batch is released.
	bind(col arrow.Array, seq uint64)
	// update adds rows lo, lo+1, ... of the bound column to the groups
	// gids[0], gids[1], ...
	update(gids []uint32, lo int) error
	// merge adds the state of src's group i to group gids[i]. src is an
	// accumulator of the same type; it is not used afterwards.
	merge(src accumulator, gids []uint32) error
	// bytes estimates the memory held (not counting shared state rows).
	bytes() int64
}

var errIntOverflow = errors.New("integer overflow in sum")

// countAcc counts rows (all) or non-null values, in one word of the state
// rows.
type countAcc struct {
	rowSlot
	all   bool
	valid validity
}

func (a *countAcc) grow(int) {}

func (a *countAcc) bind(col arrow.Array, _ uint64) {
	a.valid = validity{}
	if !a.all {
		a.valid = validityOf(col)
	}
}

func (a *countAcc) update(gids []uint32, lo int) error {
	w, stride := a.rows.w[a.off:], a.rows.stride
	if a.valid.bits == nil {
		for _, g := range gids {
			w[int(g)*stride]++
		}
		return nil
	}
	v := a.valid.from(lo)
	for i, g := range gids {
		if v.ok(i) {
			w[int(g)*stride]++
		}
	}
	return nil
}

func (a *countAcc) merge(src accumulator, gids []uint32) error { return a.mergeRows(src, gids, 0) }

func (a *countAcc) mergeRows(src accumulator, gids []uint32, lo int) error {
	b := src.(*countAcc)
	w, stride := a.rows.w[a.off:], a.rows.stride
	for i, g := range gids {
		w[int(g)*stride] += uint64(b.count(uint32(lo + i)))
	}
	return nil
}

func (a *countAcc) bytes() int64 { return 0 }

func (a *countAcc) count(g uint32) int64 { return int64(a.rows.w[int(g)*a.rows.stride+a.off]) }

// sumIntAcc sums integers exactly, in one word of the state rows; overflow
// is an error. A group without a non-null value sums to null: "has a
// value" is a bitmap beside the rows (1 bit, not a word, per group; 128
// KiB for a million groups, which stays in L2).
type sumIntAcc struct {
	rowSlot
	has     []uint64
	vals    []int64
	valid   validity
	scratch []int64
}

func (a *sumIntAcc) grow(n int) { a.has = growZero(a.has, (n+63)/64) }

func (a *sumIntAcc) hasValue(g uint32) bool { return a.has[g/64]&(1<<(g%64)) != 0 }

func (a *sumIntAcc) sum(g uint32) int64 { return int64(a.rows.w[int(g)*a.rows.stride+a.off]) }

func (a *sumIntAcc) bind(col arrow.Array, _ uint64) {
	a.vals = int64s(col, a.scratch)
	if !isZeroCopyInt(col) {
		a.scratch = a.vals
	}
	a.valid = validityOf(col)
}

func (a *sumIntAcc) update(gids []uint32, lo int) error {
	w, stride := a.rows.w[a.off:], a.rows.stride
	vals, has := a.vals[lo:lo+len(gids)], a.has
	v := a.valid.from(lo)
	var ovf int64
	for i, g := range gids {
		if !v.ok(i) {
			continue
		}
		x, old := vals[i], int64(w[int(g)*stride])
		r := old + x
		ovf |= (old ^ r) & (x ^ r)
		w[int(g)*stride] = uint64(r)
		has[g/64] |= 1 << (g % 64)
	}
	if ovf < 0 {
		return errIntOverflow
	}
	return nil
}

func (a *sumIntAcc) merge(src accumulator, gids []uint32) error { return a.mergeRows(src, gids, 0) }

func (a *sumIntAcc) mergeRows(src accumulator, gids []uint32, lo int) error {
	b := src.(*sumIntAcc)
	w, stride := a.rows.w[a.off:], a.rows.stride
	var ovf int64
	for i, g := range gids {
		x, old := b.sum(uint32(lo+i)), int64(w[int(g)*stride])
		r := old + x
		ovf |= (old ^ r) & (x ^ r)
		w[int(g)*stride] = uint64(r)
		if b.hasValue(uint32(lo + i)) {
			a.has[g/64] |= 1 << (g % 64)
		}
	}
	if ovf < 0 {
		return errIntOverflow
	}
	return nil
}

func (a *sumIntAcc) bytes() int64 { return int64(cap(a.has)) * 8 }

// neumaier adds x to the compensated sum (s, c): the rounding error of
// each addition is kept in c, so the result s+c does not depend on the
// order of additions beyond the last bit.
func neumaier(s, c, x float64) (float64, float64) {
	t := s + x
	if math.Abs(s) >= math.Abs(x) {
		c += (s - t) + x
	} else {
		c += (x - t) + s
	}
	return t, c
}

// fsumAcc is a compensated float sum with a count of values: it serves
// sum of floats (null when the count is 0) and mean (sum/count). Its
// three words of the state rows are an fsum.
type fsumAcc struct {
	rowSlot
	floatInput
}

// floatInput is a bound column's values as float64 (converted from
// integers into scratch kept from batch to batch) and its validity.
type floatInput struct {
	vals     []float64
	valid    validity
	fscratch []float64
	iscratch []int64
}

func (in *floatInput) bind(col arrow.Array, _ uint64) {
	in.vals = numbers(col, in.fscratch, in.iscratch)
	if col.DataType().ID() != arrow.FLOAT64 {
		in.fscratch = in.vals
	}
	in.valid = validityOf(col)
}

type fsum struct {
	sum, comp float64
	n         uint64
}

// fsumAt is group g's state in words w (from the accumulator's offset on).
func fsumAt(w []uint64, g, stride int) *fsum {
	return (*fsum)(unsafe.Pointer((*[3]uint64)(w[g*stride : g*stride+3])))
}

func (a *fsumAcc) grow(int) {}

func (a *fsumAcc) update(gids []uint32, lo int) error {
	w, stride := a.rows.w[a.off:], a.rows.stride
	vals := a.vals[lo : lo+len(gids)]
	v := a.valid.from(lo)
	for i, g := range gids {
		if !v.ok(i) {
			continue
		}
		s := fsumAt(w, int(g), stride)
		s.sum, s.comp = neumaier(s.sum, s.comp, vals[i])
		s.n++
	}
	return nil
}

func (a *fsumAcc) merge(src accumulator, gids []uint32) error { return a.mergeRows(src, gids, 0) }

func (a *fsumAcc) mergeRows(src accumulator, gids []uint32, lo int) error {
	b := src.(*fsumAcc)
	w, stride := a.rows.w[a.off:], a.rows.stride
	bw, bstride := b.rows.w[b.off:], b.rows.stride
	for i, g := range gids {
		s, t := fsumAt(w, int(g), stride), fsumAt(bw, lo+i, bstride)
		s.sum, s.comp = neumaier(s.sum, s.comp, t.sum)
		s.sum, s.comp = neumaier(s.sum, s.comp, t.comp)
		s.n += t.n
	}
	return nil
}

func (a *fsumAcc) bytes() int64 { return 0 }

func (a *fsumAcc) total(g uint32) float64 {
	s := fsumAt(a.rows.w[a.off:], int(g), a.rows.stride)
	return s.sum + s.comp
}

func (a *fsumAcc) count(g uint32) int64 {
	return int64(fsumAt(a.rows.w[a.off:], int(g), a.rows.stride).n)
}

// varAcc keeps count, mean and sum of squared deviations (Welford), merged
// with Chan et al.'s pairwise formula: three words of the state rows, a
// welford.
type varAcc struct {
	rowSlot
	floatInput
}

type welford struct {
	n        uint64
	mean, m2 float64
}

func welfordAt(w []uint64, g, stride int) *welford {
	return (*welford)(unsafe.Pointer((*[3]uint64)(w[g*stride : g*stride+3])))
}

func (a *varAcc) grow(int) {}

func (a *varAcc) update(gids []uint32, lo int) error {
	w, stride := a.rows.w[a.off:], a.rows.stride
	vals := a.vals[lo : lo+len(gids)]
	v := a.valid.from(lo)
	for i, g := range gids {
		if !v.ok(i) {
			continue
		}
		s := welfordAt(w, int(g), stride)
		x := vals[i]
		s.n++
		d := x - s.mean
		s.mean += d / float64(s.n)
		s.m2 += d * (x - s.mean)
	}
	return nil
}

func (a *varAcc) merge(src accumulator, gids []uint32) error { return a.mergeRows(src, gids, 0) }

func (a *varAcc) mergeRows(src accumulator, gids []uint32, lo int) error {
	b := src.(*varAcc)
	w, stride := a.rows.w[a.off:], a.rows.stride
	bw, bstride := b.rows.w[b.off:], b.rows.stride
	for i, g := range gids {
		t := welfordAt(bw, lo+i, bstride)
		if t.n == 0 {
			continue
		}
		s := welfordAt(w, int(g), stride)
		if s.n == 0 {
			*s = *t
			continue
		}
		n := float64(s.n + t.n)
		d := t.mean - s.mean
		s.mean += d * float64(t.n) / n
		s.m2 += t.m2 + d*d*float64(s.n)*float64(t.n)/n
		s.n += t.n
	}
	return nil
}

func (a *varAcc) bytes() int64 { return 0 }

// variance is the sample variance; ok is false under two values.
func (a *varAcc) variance(g uint32) (float64, bool) {
	s := welfordAt(a.rows.w[a.off:], int(g), a.rows.stride)
	if s.n < 2 {
		return 0, false
	}
	return s.m2 / float64(s.n-1), true
}

// growZero extends s to n elements, the new ones zero. Past its capacity
// it doubles: Go's append grows large slices by 1.25×, which for a million
// groups copied each accumulator's state about four times over.
func growZero[T any](s []T, n int) []T {
	old := len(s)
	if n <= old {
		return s
	}
	if n > cap(s) {
		t := make([]T, n, max(n, 2*cap(s)))
		copy(t, s)
		return t
	}
	s = s[:n]
	clear(s[old:])
	return s
}
