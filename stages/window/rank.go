package window

import (
	"cmp"
	"slices"
)

// rank fills the rank columns of every held batch: the rows of each group
// sorted stably by the rank's order, ties (equal in every key, nulls
// equal to nulls) sharing a rank.
func (w *worker) rank() {
	type at struct {
		h   int32
		row int32
	}
	var rows []at
	for hi, h := range w.queue {
		for i := range h.gids {
			rows = append(rows, at{int32(hi), int32(i)})
		}
	}
	for k, b := range w.p.fns {
		if b.order == nil {
			continue
		}
		dense := b.f.Op == OpDenseRank
		keys := make([][]cell, len(b.order))
		views := make([]view, len(b.order))
		for j, ok := range b.order {
			keys[j] = make([]cell, 0, len(rows))
			for _, h := range w.queue {
				views[j].load(ok.kind, h.rec.Column(ok.col))
				for i := range h.gids {
					keys[j] = append(keys[j], views[j].cell(i))
				}
			}
		}
		gid := func(r int32) uint32 { a := rows[r]; return w.queue[a.h].gids[a.row] }
		compare := func(a, b2 int32) int {
			for j, ok := range b.order {
				if c := compareCells(keys[j][a], keys[j][b2], ok); c != 0 {
					return c
				}
			}
			return 0
		}
		idx := make([]int32, len(rows))
		for i := range idx {
			idx[i] = int32(i)
		}
		slices.SortStableFunc(idx, func(a, b2 int32) int {
			if c := cmp.Compare(gid(a), gid(b2)); c != 0 {
				return c
			}
			return compare(a, b2)
		})
		var rank, pos int64
		for j, r := range idx {
			switch {
			case j == 0 || gid(r) != gid(idx[j-1]):
				rank, pos = 1, 1
			default:
				pos++
				if compare(r, idx[j-1]) != 0 {
					if dense {
						rank++
					} else {
						rank = pos
					}
				}
			}
			a := rows[r]
			c := &w.queue[a.h].cols[k]
			c.ints[a.row], c.valid[a.row] = rank, true
		}
	}
}

// compareCells orders two values of a rank key: nulls last (or first),
// then values ascending (or descending); NaN after every number, as
// DuckDB orders it.
func compareCells(a, b cell, k orderKey) int {
	switch {
	case !a.ok && !b.ok:
		return 0
	case !a.ok || !b.ok:
		c := 1
		if a.ok {
			c = -1
		}
		if k.nullsFirst {
			c = -c
		}
		return c
	}
	var c int
	switch k.kind {
	case kindInt:
		c = cmp.Compare(a.i, b.i)
	case kindFloat:
		c = compareFloats(a.f, b.f)
	case kindString:
		c = cmp.Compare(a.s, b.s)
	default:
		c = cmp.Compare(boolInt(a.b), boolInt(b.b))
	}
	if k.desc {
		c = -c
	}
	return c
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// compareFloats orders NaN after every number and equal to itself.
func compareFloats(a, b float64) int {
	an, bn := a != a, b != b
	switch {
	case an || bn:
		return boolInt(an) - boolInt(bn)
	}
	return cmp.Compare(a, b)
}
