package aggregate

import "github.com/apache/arrow-go/v18/arrow"

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
	// It fails only on text strView cannot read (textSpan).
	bind(col arrow.Array, seq uint64) error
	// update adds rows lo, lo+1, ... of the bound column to the groups
	// gids[0], gids[1], ...
	update(gids []uint32, lo int) error
	// merge adds the state of src's group i to group gids[i]. src is an
	// accumulator of the same type; it is not used afterwards.
	merge(src accumulator, gids []uint32) error
	// bytes estimates the memory held (not counting shared state rows).
	bytes() int64
}

// countAcc counts rows (all) or non-null values, in one word of the state
// rows.
type countAcc struct {
	rowSlot
	all   bool
	valid validity
}

func (a *countAcc) grow(int) {}

func (a *countAcc) bind(col arrow.Array, _ uint64) error {
	a.valid = validity{}
	if !a.all {
		a.valid = validityOf(col)
	}
	return nil
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

// floatInput is a bound column's values as float64 (converted from
// integers into scratch kept from batch to batch) and its validity.
type floatInput struct {
	vals     []float64
	valid    validity
	fscratch []float64
	iscratch []int64
}

func (in *floatInput) bind(col arrow.Array, _ uint64) error {
	in.vals = numbers(col, in.fscratch, in.iscratch)
	if col.DataType().ID() != arrow.FLOAT64 {
		in.fscratch = in.vals
	}
	in.valid = validityOf(col)
	return nil
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
