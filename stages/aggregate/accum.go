package aggregate

import (
	"errors"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
)

// An accumulator holds one aggregate's state for every group of one worker,
// in slices indexed by group id, and updates it a batch at a time.
type accumulator interface {
	// grow makes room for groups 0..n-1; new groups start empty.
	grow(n int)
	// update adds the rows of col (nil for count()) to the groups in gids;
	// seq is the batch's sequence number.
	update(gids []uint32, col arrow.Array, seq uint64) error
	// merge adds the state of src's group i to group gids[i]. src is an
	// accumulator of the same type; it is not used afterwards.
	merge(src accumulator, gids []uint32) error
	// bytes estimates the memory held.
	bytes() int64
}

var errIntOverflow = errors.New("integer overflow in sum")

// countAcc counts rows (all) or non-null values.
type countAcc struct {
	all    bool
	counts []int64
}

func (a *countAcc) grow(n int) { a.counts = growZero(a.counts, n) }

func (a *countAcc) update(gids []uint32, col arrow.Array, _ uint64) error {
	c := a.counts
	if a.all || col.NullN() == 0 {
		for _, g := range gids {
			c[g]++
		}
		return nil
	}
	v := validityOf(col)
	for i, g := range gids {
		if v.ok(i) {
			c[g]++
		}
	}
	return nil
}

func (a *countAcc) merge(src accumulator, gids []uint32) error {
	for i, c := range src.(*countAcc).counts {
		a.counts[gids[i]] += c
	}
	return nil
}

func (a *countAcc) bytes() int64 { return int64(cap(a.counts)) * 8 }

// sumIntAcc sums integers exactly; overflow is an error. A group without
// a non-null value sums to null. The sums are a flat slice and "has a
// value" a bitmap beside it (1 bit, not a padded 8 bytes, per group), so
// with a million groups the state is 8 MB rather than 16.
type sumIntAcc struct {
	sums    []int64
	has     []uint64
	scratch []int64
}

func (a *sumIntAcc) grow(n int) {
	a.sums = growZero(a.sums, n)
	a.has = growZero(a.has, (n+63)/64)
}

func (a *sumIntAcc) hasValue(g uint32) bool { return a.has[g/64]&(1<<(g%64)) != 0 }

func (a *sumIntAcc) update(gids []uint32, col arrow.Array, _ uint64) error {
	vals := int64s(col, a.scratch)
	if !isZeroCopyInt(col) {
		a.scratch = vals
	}
	sums, has := a.sums, a.has
	var ovf int64
	v := validityOf(col)
	for i, g := range gids {
		if !v.ok(i) {
			continue
		}
		x, old := vals[i], sums[g]
		r := old + x
		ovf |= (old ^ r) & (x ^ r)
		sums[g] = r
		has[g/64] |= 1 << (g % 64)
	}
	if ovf < 0 {
		return errIntOverflow
	}
	return nil
}

func (a *sumIntAcc) merge(src accumulator, gids []uint32) error {
	b := src.(*sumIntAcc)
	var ovf int64
	for i, x := range b.sums {
		g := gids[i]
		old := a.sums[g]
		r := old + x
		ovf |= (old ^ r) & (x ^ r)
		a.sums[g] = r
		if b.hasValue(uint32(i)) {
			a.has[g/64] |= 1 << (g % 64)
		}
	}
	if ovf < 0 {
		return errIntOverflow
	}
	return nil
}

func (a *sumIntAcc) bytes() int64 { return int64(cap(a.sums))*8 + int64(cap(a.has))*8 }

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
// sum of floats (null when n is 0) and mean (sum/n).
type fsumAcc struct {
	st       []fsum
	fscratch []float64
	iscratch []int64
}

type fsum struct {
	sum, comp float64
	n         int64
}

func (a *fsumAcc) grow(n int) { a.st = growZero(a.st, n) }

func (a *fsumAcc) update(gids []uint32, col arrow.Array, _ uint64) error {
	vals := numbers(col, a.fscratch, a.iscratch)
	if col.DataType().ID() != arrow.FLOAT64 {
		a.fscratch = vals
	}
	st := a.st
	v := validityOf(col)
	for i, g := range gids {
		if !v.ok(i) {
			continue
		}
		s := &st[g]
		s.sum, s.comp = neumaier(s.sum, s.comp, vals[i])
		s.n++
	}
	return nil
}

func (a *fsumAcc) merge(src accumulator, gids []uint32) error {
	for i, b := range src.(*fsumAcc).st {
		s := &a.st[gids[i]]
		s.sum, s.comp = neumaier(s.sum, s.comp, b.sum)
		s.sum, s.comp = neumaier(s.sum, s.comp, b.comp)
		s.n += b.n
	}
	return nil
}

func (a *fsumAcc) bytes() int64 { return int64(cap(a.st)) * 24 }

func (a *fsumAcc) total(g uint32) float64 { return a.st[g].sum + a.st[g].comp }

func (a *fsumAcc) count(g uint32) int64 { return a.st[g].n }

// varAcc keeps count, mean and sum of squared deviations (Welford), merged
// with Chan et al.'s pairwise formula.
type varAcc struct {
	st       []welford
	fscratch []float64
	iscratch []int64
}

type welford struct {
	n        int64
	mean, m2 float64
}

func (a *varAcc) grow(n int) { a.st = growZero(a.st, n) }

func (a *varAcc) update(gids []uint32, col arrow.Array, _ uint64) error {
	vals := numbers(col, a.fscratch, a.iscratch)
	if col.DataType().ID() != arrow.FLOAT64 {
		a.fscratch = vals
	}
	v := validityOf(col)
	for i, g := range gids {
		if !v.ok(i) {
			continue
		}
		s := &a.st[g]
		x := vals[i]
		s.n++
		d := x - s.mean
		s.mean += d / float64(s.n)
		s.m2 += d * (x - s.mean)
	}
	return nil
}

func (a *varAcc) merge(src accumulator, gids []uint32) error {
	for i, b := range src.(*varAcc).st {
		if b.n == 0 {
			continue
		}
		s := &a.st[gids[i]]
		if s.n == 0 {
			*s = b
			continue
		}
		n := float64(s.n + b.n)
		d := b.mean - s.mean
		s.mean += d * float64(b.n) / n
		s.m2 += b.m2 + d*d*float64(s.n)*float64(b.n)/n
		s.n += b.n
	}
	return nil
}

func (a *varAcc) bytes() int64 { return int64(cap(a.st)) * 24 }

// variance is the sample variance; ok is false under two values.
func (a *varAcc) variance(g uint32) (float64, bool) {
	s := a.st[g]
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
