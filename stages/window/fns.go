package window

import (
	"fmt"
	"math"
	"math/bits"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
)

// rows is what a function sees of one batch: its columns, each row's
// group, and where the batch sits in the hold queue (for lead).
type rows struct {
	rec    arrow.RecordBatch
	gids   []uint32
	groups int    // groups so far, for growing per-group state
	id     uint64 // the batch's number in the worker, for lead's positions
	start  int64  // the input row of the batch's first row
	seq    uint64
}

// fn is one bound window function: its per-group state and the step that
// fills its output column for a batch.
type fn interface {
	step(r *rows, out *column) error
	// bytes estimates the state held.
	bytes() int64
}

// growTo extends per-group state s to n groups, new entries zero.
func growTo[T any](s []T, n int) []T {
	if len(s) >= n {
		return s
	}
	return append(s, make([]T, n-len(s))...)
}

type rowNumberFn struct{ n []int64 }

func (f *rowNumberFn) step(r *rows, out *column) error {
	f.n = growTo(f.n, r.groups)
	for i, g := range r.gids {
		f.n[g]++
		out.ints[i], out.valid[i] = f.n[g], true
	}
	return nil
}

func (f *rowNumberFn) bytes() int64 { return int64(len(f.n)) * 8 }

// lagFn keeps each group's last n values in a ring.
type lagFn struct {
	col  int
	kind kind
	n    int
	def  cell
	v    view
	ring []cell  // group g's ring is ring[g*n : g*n+n]
	seen []int64 // rows seen per group
	size int64
	// lag(col, 1) of numbers: the group's previous value.
	prevI  []int64
	prevF  []float64
	prevOK []bool
}

func (f *lagFn) step(r *rows, out *column) error {
	f.v.load(f.kind, r.rec.Column(f.col))
	if f.n == 0 {
		for i := range r.gids {
			out.set(i, f.v.cell(i))
		}
		return nil
	}
	if f.n == 1 && (f.kind == kindInt || f.kind == kindFloat) {
		f.stepPrev(r, out)
		return nil
	}
	f.seen = growTo(f.seen, r.groups)
	f.ring = growTo(f.ring, r.groups*f.n)
	n := int64(f.n)
	for i, g := range r.gids {
		s := f.seen[g]
		at := int64(g)*n + s%n
		if s >= n {
			out.set(i, f.ring[at])
		} else {
			out.set(i, f.def)
		}
		c := f.v.cell(i)
		if f.kind == kindString {
			f.size += int64(len(c.s) - len(f.ring[at].s))
			c = keep(c)
		}
		f.ring[at] = c
		f.seen[g] = s + 1
	}
	return nil
}

// stepPrev is lag(col, 1) of numbers: the group's previous value is one
// word and a validity flag, and the default stands in for it before the
// group's first row.
func (f *lagFn) stepPrev(r *rows, out *column) {
	for len(f.prevOK) < r.groups {
		f.prevI = append(f.prevI, f.def.i)
		f.prevF = append(f.prevF, f.def.f)
		f.prevOK = append(f.prevOK, f.def.ok)
	}
	v := &f.v
	if f.kind == kindInt {
		for i, g := range r.gids {
			out.ints[i], out.valid[i] = f.prevI[g], f.prevOK[g]
			f.prevI[g], f.prevOK[g] = v.ints[i], v.valid(i)
		}
		return
	}
	for i, g := range r.gids {
		out.flts[i], out.valid[i] = f.prevF[g], f.prevOK[g]
		f.prevF[g], f.prevOK[g] = v.flts[i], v.valid(i)
	}
}

func (f *lagFn) bytes() int64 {
	return int64(len(f.ring))*48 + int64(len(f.seen))*8 + f.size + int64(len(f.prevOK))*17
}

// leadFn keeps each group's last n rows, whose leads are not known yet, in
// a ring of positions; the n-th row after one resolves it.
type leadFn struct {
	col     int
	kind    kind
	n       int
	def     cell
	v       view
	ring    []pos // group g's ring is ring[g*n : g*n+n]
	seen    []int64
	resolve func(p pos, c cell)
	// pend registers a row whose lead is pending.
	pend func(id uint64)
}

// pos is a row of a held batch: its batch's number and its row there,
// and its row in the input (for a batch spilled to disk).
type pos struct {
	batch uint64
	row   int32
	at    int64
}

func (f *leadFn) step(r *rows, out *column) error {
	f.v.load(f.kind, r.rec.Column(f.col))
	if f.n == 0 {
		for i := range r.gids {
			out.set(i, f.v.cell(i))
		}
		return nil
	}
	f.seen = growTo(f.seen, r.groups)
	f.ring = growTo(f.ring, r.groups*f.n)
	n := int64(f.n)
	for i, g := range r.gids {
		s := f.seen[g]
		at := int64(g)*n + s%n
		if s >= n {
			f.resolve(f.ring[at], f.v.cell(i))
		}
		f.ring[at] = pos{r.id, int32(i), r.start + int64(i)}
		f.pend(r.id)
		f.seen[g] = s + 1
	}
	return nil
}

// finish gives every row still pending the default.
func (f *leadFn) finish() {
	n := int64(f.n)
	for g, s := range f.seen {
		for k := max(s-n, 0); k < s; k++ {
			f.resolve(f.ring[int64(g)*n+k%n], f.def)
		}
	}
}

func (f *leadFn) bytes() int64 { return int64(len(f.ring))*24 + int64(len(f.seen))*8 }

// runSumFn sums integers exactly (an overflow of int64 is an error) and
// floats in input order.
type runSumFn struct {
	name string
	col  int
	kind kind
	v    view
	is   []int64
	fs   []float64
	has  []bool
}

func (f *runSumFn) step(r *rows, out *column) error {
	f.v.load(f.kind, r.rec.Column(f.col))
	f.has = growTo(f.has, r.groups)
	if f.kind == kindFloat {
		f.fs = growTo(f.fs, r.groups)
		for i, g := range r.gids {
			if f.v.valid(i) {
				f.fs[g] += f.v.flts[i]
				f.has[g] = true
			}
			out.flts[i], out.valid[i] = f.fs[g], f.has[g]
		}
		return nil
	}
	f.is = growTo(f.is, r.groups)
	for i, g := range r.gids {
		if f.v.valid(i) {
			s, ok := addInt(f.is[g], f.v.ints[i])
			if !ok {
				return overflow(f.name, r, i)
			}
			f.is[g], f.has[g] = s, true
		}
		out.ints[i], out.valid[i] = f.is[g], f.has[g]
	}
	return nil
}

func (f *runSumFn) bytes() int64 { return int64(len(f.has)) * 9 }

func addInt(a, b int64) (int64, bool) {
	s := a + b
	return s, (a >= 0) != (b >= 0) || (s >= 0) == (a >= 0)
}

func subInt(a, b int64) (int64, bool) {
	d := a - b
	return d, (a >= 0) == (b >= 0) || (d >= 0) == (a >= 0)
}

func overflow(name string, r *rows, i int) error {
	return fmt.Errorf("%w: %s overflows int64 at row %d of batch %d", ErrOverflow, name, i+1, r.seq)
}

// runCountFn counts non-null values (col < 0: rows).
type runCountFn struct {
	col int
	n   []int64
}

func (f *runCountFn) step(r *rows, out *column) error {
	f.n = growTo(f.n, r.groups)
	var c arrow.Array
	if f.col >= 0 {
		c = r.rec.Column(f.col)
	}
	for i, g := range r.gids {
		if c == nil || c.IsValid(i) {
			f.n[g]++
		}
		out.ints[i], out.valid[i] = f.n[g], true
	}
	return nil
}

func (f *runCountFn) bytes() int64 { return int64(len(f.n)) * 8 }

// runMeanFn divides a float64 sum by the count of non-null values.
type runMeanFn struct {
	col  int
	kind kind
	v    view
	sum  []float64
	n    []int64
}

func (f *runMeanFn) step(r *rows, out *column) error {
	f.v.load(f.kind, r.rec.Column(f.col))
	f.sum = growTo(f.sum, r.groups)
	f.n = growTo(f.n, r.groups)
	for i, g := range r.gids {
		if f.v.valid(i) {
			f.sum[g] += number(&f.v, i)
			f.n[g]++
		}
		if f.n[g] > 0 {
			out.flts[i], out.valid[i] = f.sum[g]/float64(f.n[g]), true
		} else {
			out.valid[i] = false
		}
	}
	return nil
}

func (f *runMeanFn) bytes() int64 { return int64(len(f.n)) * 16 }

// number is row i of a number column as a float64.
func number(v *view, i int) float64 {
	if v.kind == kindInt {
		return float64(v.ints[i])
	}
	return v.flts[i]
}

// runExtremeFn keeps the least (or greatest) value so far.
type runExtremeFn struct {
	col  int
	kind kind
	max  bool
	v    view
	best []cell
	size int64
}

func (f *runExtremeFn) step(r *rows, out *column) error {
	f.v.load(f.kind, r.rec.Column(f.col))
	f.best = growTo(f.best, r.groups)
	for i, g := range r.gids {
		c := f.v.cell(i)
		if c.ok {
			b := &f.best[g]
			if !b.ok || f.better(c, *b) {
				if f.kind == kindString {
					f.size += int64(len(c.s) - len(b.s))
					c = keep(c)
				}
				*b = c
			}
		}
		out.set(i, f.best[g])
	}
	return nil
}

// better reports whether c replaces the best so far b.
func (f *runExtremeFn) better(c, b cell) bool {
	switch f.kind {
	case kindInt:
		return (c.i > b.i) == f.max && c.i != b.i
	case kindFloat:
		if f.max {
			return maxFloat(c.f, b.f) != b.f && !math.IsNaN(b.f)
		}
		return minFloat(c.f, b.f) != b.f || (math.IsNaN(b.f) && !math.IsNaN(c.f))
	case kindString:
		return (c.s > b.s) == f.max && c.s != b.s
	default:
		return (c.b && !b.b) == f.max && c.b != b.b
	}
}

func (f *runExtremeFn) bytes() int64 { return int64(len(f.best))*48 + f.size }

// movingFn keeps each group's last n values in a ring; integer sums move
// by adding the new value and taking off the one leaving, float sums are
// added up again in row order for each row, so that they are what a sum
// over the frame gives (n additions a row).
type movingFn struct {
	name string
	col  int
	kind kind
	mean bool
	n    int
	v    view
	ring []cell
	seen []int64
	isum []int128
	cnt  []int64
}

// int128 is an exact sum of int64s: a window's sum may fit when a sum of
// part of it does not.
type int128 struct {
	lo uint64
	hi int64
}

func (s *int128) add(v int64) {
	var carry uint64
	s.lo, carry = bits.Add64(s.lo, uint64(v), 0)
	s.hi += v>>63 + int64(carry)
}

func (s *int128) sub(v int64) {
	var borrow uint64
	s.lo, borrow = bits.Sub64(s.lo, uint64(v), 0)
	s.hi -= v>>63 + int64(borrow)
}

// int64 returns s and whether it fits.
func (s int128) int64() (int64, bool) { return int64(s.lo), s.hi == int64(s.lo)>>63 }

func (s int128) float64() float64 {
	if v, ok := s.int64(); ok {
		return float64(v)
	}
	return float64(s.hi)*(1<<64) + float64(s.lo)
}

func (f *movingFn) step(r *rows, out *column) error {
	f.v.load(f.kind, r.rec.Column(f.col))
	f.seen = growTo(f.seen, r.groups)
	f.ring = growTo(f.ring, r.groups*f.n)
	f.isum = growTo(f.isum, r.groups)
	f.cnt = growTo(f.cnt, r.groups)
	n := int64(f.n)
	for i, g := range r.gids {
		s := f.seen[g]
		base := int64(g) * n
		at := base + s%n
		if old := f.ring[at]; s >= n && old.ok {
			f.cnt[g]--
			f.isum[g].sub(old.i)
		}
		c := f.v.cell(i)
		f.ring[at] = c
		if c.ok {
			f.cnt[g]++
			f.isum[g].add(c.i)
		}
		f.seen[g] = s + 1
		if f.cnt[g] == 0 {
			out.valid[i] = false
			continue
		}
		out.valid[i] = true
		var sum float64
		if f.kind == kindFloat {
			for k := max(s+1-n, 0); k <= s; k++ {
				if c := f.ring[base+k%n]; c.ok {
					sum += c.f
				}
			}
		}
		switch {
		case f.mean && f.kind == kindInt:
			out.flts[i] = f.isum[g].float64() / float64(f.cnt[g])
		case f.mean:
			out.flts[i] = sum / float64(f.cnt[g])
		case f.kind == kindInt:
			v, ok := f.isum[g].int64()
			if !ok {
				return overflow(f.name, r, i)
			}
			out.ints[i] = v
		default:
			out.flts[i] = sum
		}
	}
	return nil
}

func (f *movingFn) bytes() int64 { return int64(len(f.ring))*48 + int64(len(f.seen))*24 }

// stepFn is delta and ratio: the row's value against the group's previous
// row's, null when either is null or there is no previous row.
type stepFn struct {
	name  string
	col   int
	kind  kind
	ratio bool
	v     view
	prev  []cell
	seen  []bool
}

func (f *stepFn) step(r *rows, out *column) error {
	f.v.load(f.kind, r.rec.Column(f.col))
	f.prev = growTo(f.prev, r.groups)
	f.seen = growTo(f.seen, r.groups)
	for i, g := range r.gids {
		c, p := f.v.cell(i), f.prev[g]
		f.prev[g] = c
		ok := c.ok && p.ok && f.seen[g]
		f.seen[g] = true
		out.valid[i] = ok
		if !ok {
			continue
		}
		switch {
		case f.ratio && f.kind == kindInt:
			out.flts[i] = float64(c.i) / float64(p.i)
		case f.ratio:
			out.flts[i] = c.f / p.f
		case f.kind == kindInt:
			d, fine := subInt(c.i, p.i)
			if !fine {
				return overflow(f.name, r, i)
			}
			out.ints[i] = d
		default:
			out.flts[i] = c.f - p.f
		}
	}
	return nil
}

func (f *stepFn) bytes() int64 { return int64(len(f.prev)) * 49 }

type ewmaFn struct {
	col   int
	kind  kind
	alpha float64
	v     view
	s     []float64
	has   []bool
}

func (f *ewmaFn) step(r *rows, out *column) error {
	f.v.load(f.kind, r.rec.Column(f.col))
	f.s = growTo(f.s, r.groups)
	f.has = growTo(f.has, r.groups)
	for i, g := range r.gids {
		if f.v.valid(i) {
			x := number(&f.v, i)
			if f.has[g] {
				f.s[g] = f.alpha*x + (1-f.alpha)*f.s[g]
			} else {
				f.s[g], f.has[g] = x, true
			}
		}
		out.flts[i], out.valid[i] = f.s[g], f.has[g]
	}
	return nil
}

func (f *ewmaFn) bytes() int64 { return int64(len(f.s)) * 9 }

// rankFn computes nothing per batch: the ranks are known at the end.
type rankFn struct{}

func (rankFn) step(*rows, *column) error { return nil }
func (rankFn) bytes() int64              { return 0 }

// parseDefault converts lag's and lead's default to a cell of kind k.
func parseDefault(def any, k kind) (cell, error) {
	switch d := def.(type) {
	case nil:
		return cell{}, nil
	case int:
		return parseDefault(int64(d), k)
	case int64:
		switch k {
		case kindInt:
			return cell{i: d, ok: true}, nil
		case kindFloat:
			return cell{f: float64(d), ok: true}, nil
		}
	case float64:
		if k == kindFloat {
			return cell{f: d, ok: true}, nil
		}
	case bool:
		if k == kindBool {
			return cell{b: d, ok: true}, nil
		}
	case string:
		var c cell
		var err error
		switch k {
		case kindInt:
			c.i, err = strconv.ParseInt(strings.TrimSpace(d), 10, 64)
		case kindFloat:
			c.f, err = strconv.ParseFloat(strings.TrimSpace(d), 64)
		case kindBool:
			c.b, err = strconv.ParseBool(strings.TrimSpace(d))
		case kindString:
			c.s = d
		}
		if err != nil {
			return cell{}, fmt.Errorf("the default %q is not a value of the column's type", d)
		}
		c.ok = true
		return c, nil
	}
	return cell{}, fmt.Errorf("the default %v (%T) is not a value of the column's type", def, def)
}
