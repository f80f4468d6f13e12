package aggregate

import (
	"math"

	"github.com/arrowpipe/arrowpipe/stages/internal/rawview"
)

// fsumAcc is a compensated float sum with a count of values: it serves
// sum of floats (null when the count is 0) and mean of floats (sum/count).
// Its three words of the state rows are an fsum.
type fsumAcc struct {
	rowSlot
	floatInput
}

// fsum is a Neumaier compensated sum (sum + comp) of the finite values
// added, and their count with flags in its top bits.
//
// The result follows IEEE 754 for the exact sum of the values: NaN if any
// value is NaN or if both +Inf and -Inf occur, else ±Inf if one of them
// occurs, else the sum of the finite values rounded once, which is ±Inf
// when it overflows. A compensated sum whose partial sum overflows would
// turn its correction into -Inf and the result into NaN; instead the group
// switches to a scaled sum (values times 2^-64, exact for all but values
// under 2^-958, which cannot matter next to a sum that large), so that the
// result does not depend on the order of the values either: 1.7e308,
// 1.7e308, -1.7e308 sums to 1.7e308 in any order, and their mean is
// finite.
type fsum struct {
	sum, comp float64
	n         uint64
}

const (
	fsumNaN    = 1 << 60 // a NaN was added
	fsumNegInf = 1 << 61 // a -Inf was added
	fsumPosInf = 1 << 62 // a +Inf was added
	fsumScaled = 1 << 63 // sum and comp are in units of 2^64
	fsumCount  = fsumNaN - 1
	// fsumScale is the unit of a scaled sum; fsumUnscale its inverse.
	fsumScale   = 0x1p-64
	fsumUnscale = 0x1p64
)

// fsumFrom reads an fsum from its three state words: the bits of sum and
// comp, then n.
func fsumFrom(ws *[3]uint64) fsum {
	return fsum{sum: rawview.Float64(&ws[0]), comp: rawview.Float64(&ws[1]), n: ws[2]}
}

func (s *fsum) to(ws *[3]uint64) {
	ws[0], ws[1], ws[2] = math.Float64bits(s.sum), math.Float64bits(s.comp), s.n
}

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

func (a *fsumAcc) grow(int) {}

func (a *fsumAcc) update(gids []uint32, lo int) error {
	w, stride := a.rows.w[a.off:], a.rows.stride
	vals := a.vals[lo : lo+len(gids)]
	v := a.valid.from(lo)
	for i, g := range gids {
		if !v.ok(i) {
			continue
		}
		ws := words3(w, int(g), stride)
		x := vals[i]
		// The common case: no flag, x finite and no overflow.
		sum, n := rawview.Float64(&ws[0]), ws[2]
		if t := sum + x; n < fsumNaN && t-t == 0 {
			comp := rawview.Float64(&ws[1])
			if math.Abs(sum) >= math.Abs(x) {
				comp += (sum - t) + x
			} else {
				comp += (x - t) + sum
			}
			ws[0], ws[1], ws[2] = math.Float64bits(t), math.Float64bits(comp), n+1
			continue
		}
		s := fsumFrom(ws)
		s.add(x)
		s.to(ws)
	}
	return nil
}

// add is update's path for a value that is not finite, a sum that
// overflows or a group with a flag.
func (s *fsum) add(x float64) {
	s.n++
	switch {
	case x != x:
		s.n |= fsumNaN
	case math.IsInf(x, 1):
		s.n |= fsumPosInf
	case math.IsInf(x, -1):
		s.n |= fsumNegInf
	default:
		s.addFinite(x, 0)
	}
}

// addFinite adds the compensated sum (x, cx) of finite values, scaling
// the sum when it would overflow.
func (s *fsum) addFinite(x, cx float64) {
	if s.n&fsumScaled == 0 {
		t, c := neumaier(s.sum, s.comp, x)
		t, c = neumaier(t, c, cx)
		if t-t == 0 && c-c == 0 {
			s.sum, s.comp = t, c
			return
		}
		s.sum, s.comp = s.sum*fsumScale, s.comp*fsumScale
		s.n |= fsumScaled
	}
	s.sum, s.comp = neumaier(s.sum, s.comp, x*fsumScale)
	s.sum, s.comp = neumaier(s.sum, s.comp, cx*fsumScale)
}

// merge adds t's values to s.
func (s *fsum) merge(t *fsum) {
	s.n = (s.n|t.n)&^(fsumCount|fsumScaled) | s.n&fsumScaled | (s.n+t.n)&fsumCount
	sum, comp := t.sum, t.comp
	if t.n&fsumScaled != 0 {
		if s.n&fsumScaled == 0 {
			s.sum, s.comp = s.sum*fsumScale, s.comp*fsumScale
			s.n |= fsumScaled
		}
		// Already in the unit of s: add as is.
		s.sum, s.comp = neumaier(s.sum, s.comp, sum)
		s.sum, s.comp = neumaier(s.sum, s.comp, comp)
		return
	}
	s.addFinite(sum, comp)
}

// special returns the result that the flags decide, if they do.
func (s *fsum) special() (float64, bool) {
	switch {
	case s.n&fsumNaN != 0 || s.n&(fsumPosInf|fsumNegInf) == fsumPosInf|fsumNegInf:
		return math.NaN(), true
	case s.n&fsumPosInf != 0:
		return math.Inf(1), true
	case s.n&fsumNegInf != 0:
		return math.Inf(-1), true
	}
	return 0, false
}

func (s *fsum) count() int64 { return int64(s.n & fsumCount) }

// total is the sum of the values added.
func (s *fsum) total() float64 {
	if v, ok := s.special(); ok {
		return v
	}
	if s.n&fsumScaled != 0 {
		return (s.sum + s.comp) * fsumUnscale
	}
	return s.sum + s.comp
}

// mean is the total over the count, without overflow in between.
func (s *fsum) mean() float64 {
	if v, ok := s.special(); ok {
		return v
	}
	m := (s.sum + s.comp) / float64(s.count())
	if s.n&fsumScaled != 0 {
		return m * fsumUnscale
	}
	return m
}

func (a *fsumAcc) merge(src accumulator, gids []uint32) error { return a.mergeRows(src, gids, 0) }

func (a *fsumAcc) mergeRows(src accumulator, gids []uint32, lo int) error {
	b := src.(*fsumAcc)
	w, stride := a.rows.w[a.off:], a.rows.stride
	bw, bstride := b.rows.w[b.off:], b.rows.stride
	for i, g := range gids {
		ws := words3(w, int(g), stride)
		s, t := fsumFrom(ws), fsumFrom(words3(bw, lo+i, bstride))
		s.merge(&t)
		s.to(ws)
	}
	return nil
}

func (a *fsumAcc) bytes() int64 { return 0 }

func (a *fsumAcc) at(g uint32) fsum {
	return fsumFrom(words3(a.rows.w[a.off:], int(g), a.rows.stride))
}
