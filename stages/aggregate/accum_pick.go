package aggregate

import (
	"bytes"
	"cmp"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

type pickMode uint8

const (
	pickMin pickMode = iota
	pickMax
	pickFirst
	pickLast
)

// pickAcc keeps one input value per group: the least, the greatest, or
// the one at the earliest or latest input position. Nulls are skipped, and
// NaN is skipped by min and max. The result has the input's type.
type pickAcc struct {
	mode pickMode
	kind kind
	dt   arrow.DataType
	// flip is xored into int64 bits before they are compared: the sign
	// bit for uint64 input, so that its bits order as unsigned.
	flip int64

	has      []bool
	at       []pos // for first and last
	ints     []int64
	floats   []float64
	strs     [][]byte
	strBytes int64

	iscratch []int64
	fscratch []float64

	// The bound batch (see bind).
	seq      uint64
	valid    validity
	ivals    []int64
	fvals    []float64
	offs     []int32
	oscratch []int32 // large_utf8 offsets narrowed by strView
	data     []byte
}

func newPickAcc(mode pickMode, dt arrow.DataType) *pickAcc {
	k, _ := valueKindOf(dt)
	a := &pickAcc{mode: mode, kind: k, dt: dt}
	if isUnsigned(dt) {
		a.flip = math.MinInt64
	}
	return a
}

func (a *pickAcc) grow(n int) {
	a.has = growZero(a.has, n)
	if a.mode >= pickFirst {
		a.at = growZero(a.at, n)
	}
	switch a.kind {
	case kindInt:
		a.ints = growZero(a.ints, n)
	case kindFloat:
		a.floats = growZero(a.floats, n)
	default:
		a.strs = growZero(a.strs, n)
	}
}

// wins reports whether a candidate replaces group g's value; c compares the
// candidate with the current value (min and max only), p is its position.
func (a *pickAcc) wins(g uint32, c int, p pos) bool {
	if !a.has[g] {
		return true
	}
	switch a.mode {
	case pickMin:
		return c < 0
	case pickMax:
		return c > 0
	case pickFirst:
		return p.before(a.at[g])
	default:
		return a.at[g].before(p)
	}
}

func (a *pickAcc) take(g uint32, p pos) {
	a.has[g] = true
	if a.mode >= pickFirst {
		a.at[g] = p
	}
}

func (a *pickAcc) setStr(g uint32, s []byte) {
	old := cap(a.strs[g])
	a.strs[g] = append(a.strs[g][:0], s...)
	a.strBytes += int64(cap(a.strs[g]) - old)
}

func (a *pickAcc) bind(col arrow.Array, seq uint64) error {
	a.seq, a.valid = seq, validityOf(col)
	switch a.kind {
	case kindInt:
		a.ivals = int64s(col, a.iscratch)
		if !isZeroCopyInt(col) && !isUnsigned(col.DataType()) {
			a.iscratch = a.ivals
		}
	case kindFloat:
		a.fvals = float64s(col, a.fscratch)
		if col.DataType().ID() != arrow.FLOAT64 {
			a.fscratch = a.fvals
		}
	default:
		var err error
		if a.offs, a.data, err = strView(col, a.oscratch); err != nil {
			return err
		}
		if ownsOffsets(col) {
			a.oscratch = a.offs
		}
	}
	return nil
}

func (a *pickAcc) update(gids []uint32, lo int) error {
	v := a.valid.from(lo)
	compare := a.mode <= pickMax
	seq := a.seq
	switch a.kind {
	case kindInt:
		vals, flip := a.ivals[lo:lo+len(gids)], a.flip
		for i, g := range gids {
			if !v.ok(i) {
				continue
			}
			c := 0
			if compare {
				c = cmp.Compare(vals[i]^flip, a.ints[g]^flip)
			}
			if p := (pos{seq, uint32(lo + i)}); a.wins(g, c, p) {
				a.ints[g] = vals[i]
				a.take(g, p)
			}
		}
	case kindFloat:
		vals := a.fvals[lo : lo+len(gids)]
		for i, g := range gids {
			x := vals[i]
			if !v.ok(i) || compare && x != x {
				continue
			}
			c := 0
			if compare {
				c = cmp.Compare(x, a.floats[g])
			}
			if p := (pos{seq, uint32(lo + i)}); a.wins(g, c, p) {
				a.floats[g] = x
				a.take(g, p)
			}
		}
	default:
		offs, data := a.offs[lo:], a.data
		for i, g := range gids {
			if !v.ok(i) {
				continue
			}
			x := data[offs[i]:offs[i+1]]
			c := 0
			if compare {
				c = bytes.Compare(x, a.strs[g])
			}
			if p := (pos{seq, uint32(lo + i)}); a.wins(g, c, p) {
				a.setStr(g, x)
				a.take(g, p)
			}
		}
	}
	return nil
}

func (a *pickAcc) merge(src accumulator, gids []uint32) error {
	b := src.(*pickAcc)
	for i, has := range b.has {
		if !has {
			continue
		}
		g := gids[i]
		var p pos
		if a.mode >= pickFirst {
			p = b.at[i]
		}
		c := 0
		switch a.kind {
		case kindInt:
			c = cmp.Compare(b.ints[i]^a.flip, a.ints[g]^a.flip)
		case kindFloat:
			c = cmp.Compare(b.floats[i], a.floats[g])
		default:
			c = bytes.Compare(b.strs[i], a.strs[g])
		}
		if !a.wins(g, c, p) {
			continue
		}
		switch a.kind {
		case kindInt:
			a.ints[g] = b.ints[i]
		case kindFloat:
			a.floats[g] = b.floats[i]
		default:
			a.setStr(g, b.strs[i])
		}
		a.take(g, p)
	}
	return nil
}

func (a *pickAcc) bytes() int64 {
	return int64(cap(a.has)) + int64(cap(a.at))*16 + int64(cap(a.ints))*8 +
		int64(cap(a.floats))*8 + int64(cap(a.strs))*24 + a.strBytes
}

func (a *pickAcc) build(mem memory.Allocator, order []uint32) arrow.Array {
	valid := func(g uint32) bool { return a.has[g] }
	switch a.kind {
	case kindInt:
		return buildInts(mem, a.dt, order, a.ints, valid)
	case kindFloat:
		return buildFloats(mem, a.dt, order, a.floats, valid)
	default:
		return buildStrings(mem, a.dt, order, func(g uint32) []byte { return a.strs[g] }, valid)
	}
}
