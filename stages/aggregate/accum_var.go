package aggregate

import (
	"math"

	"github.com/arrowpipe/arrowpipe/stages/internal/rawview"
)

// varAcc keeps count, mean and sum of squared deviations (Welford), merged
// with Chan et al.'s pairwise formula: three words of the state rows, a
// welford. var and stddev are the sample variance and deviation (DuckDB's
// var_samp and stddev_samp, which its var and stddev mean): null under two
// values, never negative.
type varAcc struct {
	rowSlot
	floatInput
}

// welford is one group's state; n has flags in its top bits.
//
// With values over ~1e154 the deviations or their squares overflow, which
// made m2 -Inf or NaN; the group then switches to values scaled by 2^-600,
// so that var is +Inf only when the variance itself overflows and stddev
// stays finite when it does not. A NaN or infinite value makes both NaN,
// as IEEE 754 arithmetic on the definition would (DuckDB raises an "out of
// range" error instead).
type welford struct {
	n        uint64
	mean, m2 float64
}

const (
	welfordNaN    = 1 << 62 // a NaN or an infinity was added
	welfordScaled = 1 << 63 // mean is in units of 2^600, m2 of 2^1200
	welfordCount  = welfordNaN - 1
	welfordScale  = 0x1p-600
	// welfordUnscale is the unit of a scaled mean (and the square root of
	// the unit of a scaled m2, which is not a float64).
	welfordUnscale = 0x1p600
)

// welfordFrom reads a welford from its three state words: n, then the
// bits of mean and m2.
func welfordFrom(ws *[3]uint64) welford {
	return welford{n: ws[0], mean: rawview.Float64(&ws[1]), m2: rawview.Float64(&ws[2])}
}

func (s *welford) to(ws *[3]uint64) {
	ws[0], ws[1], ws[2] = s.n, math.Float64bits(s.mean), math.Float64bits(s.m2)
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
		ws := words3(w, int(g), stride)
		x := vals[i]
		if sn := ws[0]; sn < welfordNaN {
			n := sn + 1
			smean := rawview.Float64(&ws[1])
			d := x - smean
			mean := smean + d/float64(n)
			m2 := rawview.Float64(&ws[2]) + d*(x-mean)
			// A non-finite m2 is a non-finite x or an overflow.
			if m2-m2 == 0 {
				ws[0], ws[1], ws[2] = n, math.Float64bits(mean), math.Float64bits(m2)
				continue
			}
		}
		s := welfordFrom(ws)
		s.add(x)
		s.to(ws)
	}
	return nil
}

// add is update's path for a value that is not finite, an overflow or a
// group with a flag.
func (s *welford) add(x float64) {
	if x-x != 0 {
		s.n = (s.n + 1) | welfordNaN
		return
	}
	s.merge(&welford{n: 1, mean: x})
}

// merge adds t's values to s (Chan et al.), scaling both when the
// unscaled result would overflow.
func (s *welford) merge(t *welford) {
	flags := (s.n | t.n) & welfordNaN
	sn, tn := s.n&welfordCount, t.n&welfordCount
	if tn == 0 {
		s.n |= flags
		return
	}
	if sn == 0 {
		*s = *t
		s.n |= flags
		return
	}
	if flags != 0 {
		s.n = (sn + tn) | flags | s.n&welfordScaled
		return
	}
	scaled := (s.n | t.n) & welfordScaled
	a, b := s.scaledTo(scaled), t.scaledTo(scaled)
	n := float64(sn + tn)
	d := b.mean - a.mean
	mean := a.mean + d*float64(tn)/n
	m2 := a.m2 + b.m2 + d*d*float64(sn)*float64(tn)/n
	if scaled == 0 && (m2-m2 != 0 || mean-mean != 0) {
		scaled = welfordScaled
		a, b = s.scaledTo(scaled), t.scaledTo(scaled)
		d = b.mean - a.mean
		mean = a.mean + d*float64(tn)/n
		m2 = a.m2 + b.m2 + d*d*float64(sn)*float64(tn)/n
	}
	*s = welford{n: (sn + tn) | scaled, mean: mean, m2: m2}
}

// scaledTo returns s's mean and m2 in the units that scaled says.
func (s *welford) scaledTo(scaled uint64) welford {
	if scaled == 0 || s.n&welfordScaled != 0 {
		return *s
	}
	return welford{mean: s.mean * welfordScale, m2: s.m2 * welfordScale * welfordScale}
}

func (a *varAcc) merge(src accumulator, gids []uint32) error { return a.mergeRows(src, gids, 0) }

func (a *varAcc) mergeRows(src accumulator, gids []uint32, lo int) error {
	b := src.(*varAcc)
	w, stride := a.rows.w[a.off:], a.rows.stride
	bw, bstride := b.rows.w[b.off:], b.rows.stride
	for i, g := range gids {
		ws := words3(w, int(g), stride)
		s, t := welfordFrom(ws), welfordFrom(words3(bw, lo+i, bstride))
		s.merge(&t)
		s.to(ws)
	}
	return nil
}

func (a *varAcc) bytes() int64 { return 0 }

// variance is the sample variance of group g, or with std its square
// root; ok is false under two values.
func (a *varAcc) variance(g uint32, std bool) (float64, bool) {
	s := welfordFrom(words3(a.rows.w[a.off:], int(g), a.rows.stride))
	n := s.n & welfordCount
	if n < 2 {
		return 0, false
	}
	if s.n&welfordNaN != 0 {
		return math.NaN(), true
	}
	v := max(s.m2/float64(n-1), 0)
	switch {
	case std && s.n&welfordScaled != 0:
		return math.Sqrt(v) * welfordUnscale, true
	case std:
		return math.Sqrt(v), true
	case s.n&welfordScaled != 0:
		return v * welfordUnscale * welfordUnscale, true
	}
	return v, true
}
