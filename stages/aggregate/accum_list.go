package aggregate

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// listAcc keeps every value of its column (nulls too) for list(col): one
// flat store per worker, each value with its group id, appended in the
// order the worker reads them, and one run per batch naming the batch's
// sequence number and its values' range in the store. A worker reads its
// batches in input order, but the batches of the input are spread over the
// workers; merging appends stores, and the list of a group is made at the
// end by walking the runs in sequence order, so that every list is in
// input order whatever the worker count.
type listAcc struct {
	kind kind
	dt   arrow.DataType

	gids   []uint32 // per value, its group
	ints   []int64
	floats []float64
	ends   []int // string values end at ends[i] in arena
	arena  []byte
	nulls  []bool // per value; nil while there is no null
	runs   []listRun
	groups int

	iscratch []int64
	fscratch []float64

	// The bound batch (see bind).
	valid    validity
	ivals    []int64
	fvals    []float64
	offs     []int32
	oscratch []int32 // large_utf8 offsets narrowed by strView
	data     []byte

	// layout is the values of each group in input order, made by the
	// first build.
	layout *listLayout
}

// listRun is the values of one batch: store[start:end], batch seq.
type listRun struct {
	seq        uint64
	start, end int
}

// listLayout lists the values of group g as vals[at[g]:at[g+1]].
type listLayout struct {
	at   []int
	vals []uint32
}

func newListAcc(dt arrow.DataType) *listAcc {
	k, _ := valueKindOf(dt)
	return &listAcc{kind: k, dt: dt}
}

func (a *listAcc) grow(n int) { a.groups = max(a.groups, n) }

func (a *listAcc) bind(col arrow.Array, seq uint64) error {
	a.valid = validityOf(col)
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
	n := len(a.gids)
	a.runs = append(a.runs, listRun{seq, n, n})
	return nil
}

func (a *listAcc) update(gids []uint32, lo int) error {
	start := len(a.gids)
	a.gids = append(a.gids, gids...)
	switch a.kind {
	case kindInt:
		a.ints = append(a.ints, a.ivals[lo:lo+len(gids)]...)
	case kindFloat:
		a.floats = append(a.floats, a.fvals[lo:lo+len(gids)]...)
	default:
		offs := a.offs[lo:]
		a.arena = append(a.arena, a.data[offs[0]:offs[len(gids)]]...)
		base := len(a.arena) - int(offs[len(gids)])
		for i := range gids {
			a.ends = append(a.ends, base+int(offs[i+1]))
		}
	}
	if v := a.valid.from(lo); v.bits != nil || a.nulls != nil {
		a.nulls = growZero(a.nulls, len(a.gids))
		for i := range gids {
			a.nulls[start+i] = !v.ok(i)
		}
	}
	a.runs[len(a.runs)-1].end = len(a.gids)
	return nil
}

// merge appends src's values, their groups renumbered, and its runs.
func (a *listAcc) merge(src accumulator, gids []uint32) error {
	b := src.(*listAcc)
	base := len(a.gids)
	for _, g := range b.gids {
		a.gids = append(a.gids, gids[g])
	}
	a.ints = append(a.ints, b.ints...)
	a.floats = append(a.floats, b.floats...)
	arenaBase := len(a.arena)
	a.arena = append(a.arena, b.arena...)
	for _, e := range b.ends {
		a.ends = append(a.ends, arenaBase+e)
	}
	if b.nulls != nil || a.nulls != nil {
		a.nulls = growZero(a.nulls, len(a.gids))
		copy(a.nulls[base:], b.nulls)
	}
	for _, r := range b.runs {
		a.runs = append(a.runs, listRun{r.seq, base + r.start, base + r.end})
	}
	return nil
}

func (a *listAcc) bytes() int64 {
	return int64(cap(a.gids))*4 + int64(cap(a.ints))*8 + int64(cap(a.floats))*8 + int64(cap(a.ends))*8 +
		int64(cap(a.arena)) + int64(cap(a.nulls)) + int64(cap(a.runs))*24
}

// lay orders the values by group, each group's in input order: the runs
// by sequence, then a counting sort on the group ids, which keeps that
// order within each group.
func (a *listAcc) lay(groups int) *listLayout {
	runs := slices.Clone(a.runs)
	slices.SortStableFunc(runs, func(x, y listRun) int { return cmp.Compare(x.seq, y.seq) })
	l := &listLayout{at: make([]int, groups+1), vals: make([]uint32, len(a.gids))}
	for _, g := range a.gids {
		l.at[g+1]++
	}
	for g := range groups {
		l.at[g+1] += l.at[g]
	}
	next := slices.Clone(l.at[:groups])
	for _, r := range runs {
		for v := r.start; v < r.end; v++ {
			g := a.gids[v]
			l.vals[next[g]] = uint32(v)
			next[g]++
		}
	}
	return l
}

// build makes the list<dt> column of the groups in order; a group with no
// value (an empty stream's single group) is null.
func (a *listAcc) build(mem memory.Allocator, order []uint32) (arrow.Array, error) {
	if len(a.gids) > 1<<32-1 {
		return nil, fmt.Errorf("list: %d values, over the 2^32 one stage can list", len(a.gids))
	}
	if a.layout == nil {
		a.layout = a.lay(a.groups)
	}
	l := a.layout
	valid := func(v uint32) bool { return a.nulls == nil || !a.nulls[v] }
	b := array.NewListBuilder(mem, a.dt)
	defer b.Release()
	vb := b.ValueBuilder()
	for _, g := range order {
		vals := l.vals[l.at[g]:l.at[g+1]]
		if len(vals) == 0 {
			b.AppendNull()
			continue
		}
		b.Append(true)
		vb.Reserve(len(vals))
		switch a.kind {
		case kindInt:
			appendInts(vb, vals, a.ints, valid)
		case kindFloat:
			appendFloats(vb, vals, a.floats, valid)
		default:
			sb := textBuilder(vb)
			for _, v := range vals {
				if !valid(v) {
					sb.AppendNull()
					continue
				}
				start := 0
				if v > 0 {
					start = a.ends[v-1]
				}
				sb.Append(a.arena[start:a.ends[v]])
			}
		}
	}
	return b.NewArray(), nil
}

// appendFloats appends vals[i] for i in idx to b, a float64 or float32
// builder with room for them.
func appendFloats(b array.Builder, idx []uint32, vals []float64, valid validFunc) {
	for _, i := range idx {
		switch {
		case !isValid(valid, i):
			b.AppendNull()
		case b.Type().ID() == arrow.FLOAT32:
			b.(*array.Float32Builder).UnsafeAppend(float32(vals[i]))
		default:
			b.(*array.Float64Builder).UnsafeAppend(vals[i])
		}
	}
}
