package aggregate

import (
	"math"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/arrowpipe/arrowpipe/stages/aggregate/sketch"
)

type groupInt struct {
	g uint32
	v int64
}

type groupStr struct {
	g uint32
	v string
}

// Estimated bytes per entry of the exact distinct sets (Go map overhead
// included).
const (
	distinctIntEntry = 40
	distinctStrEntry = 56
)

// distinctAcc counts the distinct non-null values of each group exactly,
// with one set of (group, value) pairs for all groups. Floats are compared
// as in group keys: -0 equals 0 and all NaNs are one value.
type distinctAcc struct {
	kind     kind
	dt       arrow.DataType // the column's, which a text set is exported as
	ints     map[groupInt]struct{}
	strs     map[groupStr]struct{}
	counts   []int64
	strBytes int64
	iscratch []int64

	// The bound batch (see bind).
	valid    validity
	vals     []int64
	offs     []int32
	oscratch []int32 // large_utf8 offsets narrowed by strView
	data     []byte
}

func newDistinctAcc(dt arrow.DataType) *distinctAcc {
	k, _ := valueKindOf(dt)
	return &distinctAcc{kind: k, dt: dt, ints: map[groupInt]struct{}{}, strs: map[groupStr]struct{}{}}
}

func (a *distinctAcc) grow(n int) { a.counts = growZero(a.counts, n) }

func (a *distinctAcc) bind(col arrow.Array, _ uint64) error {
	a.valid = validityOf(col)
	if a.kind == kindString {
		var err error
		if a.offs, a.data, err = strView(col, a.oscratch); err != nil {
			return err
		}
		if ownsOffsets(col) {
			a.oscratch = a.offs
		}
		return nil
	}
	a.vals = a.ints64(col)
	return nil
}

func (a *distinctAcc) update(gids []uint32, lo int) error {
	v := a.valid.from(lo)
	switch a.kind {
	case kindString:
		offs, data := a.offs[lo:], a.data
		for i, g := range gids {
			if !v.ok(i) {
				continue
			}
			b := data[offs[i]:offs[i+1]]
			if _, ok := a.strs[groupStr{g, string(b)}]; !ok {
				a.strs[groupStr{g, string(b)}] = struct{}{}
				a.strBytes += int64(len(b))
				a.counts[g]++
			}
		}
	default:
		vals := a.vals[lo : lo+len(gids)]
		for i, g := range gids {
			if !v.ok(i) {
				continue
			}
			k := groupInt{g, vals[i]}
			if _, ok := a.ints[k]; !ok {
				a.ints[k] = struct{}{}
				a.counts[g]++
			}
		}
	}
	return nil
}

// ints64 reads a kindInt column, or a float column as group-key bits.
func (a *distinctAcc) ints64(col arrow.Array) []int64 {
	if a.kind == kindInt {
		vals := int64s(col, a.iscratch)
		if !isZeroCopyInt(col) && !isUnsigned(col.DataType()) {
			a.iscratch = vals
		}
		return vals
	}
	f := float64s(col, nil)
	out := grow(a.iscratch, len(f))
	for i, x := range f {
		out[i] = floatKey(x)
	}
	a.iscratch = out
	return out
}

func (a *distinctAcc) merge(src accumulator, gids []uint32) error {
	b := src.(*distinctAcc)
	for k := range b.ints {
		k.g = gids[k.g]
		if _, ok := a.ints[k]; !ok {
			a.ints[k] = struct{}{}
			a.counts[k.g]++
		}
	}
	for k := range b.strs {
		k.g = gids[k.g]
		if _, ok := a.strs[k]; !ok {
			a.strs[k] = struct{}{}
			a.strBytes += int64(len(k.v))
			a.counts[k.g]++
		}
	}
	return nil
}

func (a *distinctAcc) bytes() int64 {
	return int64(cap(a.counts))*8 + int64(len(a.ints))*distinctIntEntry +
		int64(len(a.strs))*distinctStrEntry + a.strBytes
}

// hllAcc estimates distinct non-null values per group with a HyperLogLog
// sketch (sketch.HLL, ~0.81 % standard error). Values are hashed with the
// stage's fixed hash, so estimates do not vary between runs.
type hllAcc struct {
	kind     kind
	sk       []sketch.HLL
	skBytes  int64
	iscratch []int64
	fscratch []float64

	// The bound batch (see bind).
	valid    validity
	ivals    []int64
	fvals    []float64
	offs     []int32
	oscratch []int32 // large_utf8 offsets narrowed by strView
	data     []byte
}

func (a *hllAcc) grow(n int) { a.sk = growZero(a.sk, n) }

func (a *hllAcc) add(g uint32, h uint64) {
	s := &a.sk[g]
	before := s.Bytes()
	s.Add(h)
	a.skBytes += int64(s.Bytes() - before)
}

func (a *hllAcc) bind(col arrow.Array, _ uint64) error {
	a.valid = validityOf(col)
	switch a.kind {
	case kindString:
		var err error
		if a.offs, a.data, err = strView(col, a.oscratch); err != nil {
			return err
		}
		if ownsOffsets(col) {
			a.oscratch = a.offs
		}
	case kindFloat:
		a.fvals = float64s(col, a.fscratch)
		if col.DataType().ID() != arrow.FLOAT64 {
			a.fscratch = a.fvals
		}
	default:
		a.ivals = int64s(col, a.iscratch)
		if !isZeroCopyInt(col) && !isUnsigned(col.DataType()) {
			a.iscratch = a.ivals
		}
	}
	return nil
}

func (a *hllAcc) update(gids []uint32, lo int) error {
	v := a.valid.from(lo)
	switch a.kind {
	case kindString:
		offs, data := a.offs[lo:], a.data
		for i, g := range gids {
			if v.ok(i) {
				a.add(g, hashBytes(data[offs[i]:offs[i+1]]))
			}
		}
	case kindFloat:
		vals := a.fvals[lo : lo+len(gids)]
		for i, g := range gids {
			if v.ok(i) {
				a.add(g, mix64(uint64(floatKey(vals[i]))^hashK1))
			}
		}
	default:
		vals := a.ivals[lo : lo+len(gids)]
		for i, g := range gids {
			if v.ok(i) {
				a.add(g, mix64(uint64(vals[i])^hashK1))
			}
		}
	}
	return nil
}

func (a *hllAcc) merge(src accumulator, gids []uint32) error {
	b := src.(*hllAcc)
	for i := range b.sk {
		s := &a.sk[gids[i]]
		before := s.Bytes()
		s.Merge(&b.sk[i])
		a.skBytes += int64(s.Bytes() - before)
	}
	return nil
}

func (a *hllAcc) bytes() int64 { return int64(cap(a.sk))*56 + a.skBytes }

func (a *hllAcc) estimate(g uint32) int64 { return int64(math.Round(a.sk[g].Estimate())) }
