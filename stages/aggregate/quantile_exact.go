package aggregate

import (
	"math"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/arrowpipe/arrowpipe/stages/aggregate/sketch"
)

// quantAcc keeps every value of one column per group, for the exact
// quantiles over that column (median, pNN, quantile(col, q)); every such
// output shares it.
//
// The definition is DuckDB's quantile_cont (and numpy's default): the
// values sorted, position q·(n-1), linear interpolation between the two
// values around it, so the median of an even count is the mean of the
// middle two, p0 is the minimum and p100 the maximum. Nulls are ignored;
// NaN counts as a value greater than +Inf (DuckDB's order), so that a
// quantile whose position reaches the NaNs is NaN. Interpolation follows
// IEEE 754 without overflowing (see sketch.Lerp).
//
// Values take 8 bytes each, plus slice growth. Beyond the stage's spill
// limit (see quantSpill) an accumulator writes its values to a sorted run
// on disk and starts again; at Finish the runs are merged (k-way, by
// group then value) and each group's quantiles are read off the merged
// stream, so memory stays bounded whatever the group sizes. Without a
// spill, Finish finds each needed rank by quickselect (see selectRank):
// linear time, no sort.
type quantAcc struct {
	vals     [][]float64 // per group: values held in memory, NaN excepted
	nans     []int64     // per group: NaN count
	spilled  []int64     // per group: values in runs (nil before a spill)
	valBytes int64       // bytes of vals' arrays
	spill    *quantSpill // nil: never spill
	runs     []string    // this accumulator's runs, in its own group ids
	// qs are the fractions asked of this column, in the order of the
	// outputs that read them (see plan.add).
	qs      []float64
	results []float64 // per group, len(qs) each, once computed
	present []bool    // per group: has a value, once computed
	done    bool
	in      floatInput
}

func (a *quantAcc) grow(n int) {
	a.vals = growZero(a.vals, n)
	a.nans = growZero(a.nans, n)
	if a.spilled != nil {
		a.spilled = growZero(a.spilled, n)
	}
}

func (a *quantAcc) bind(col arrow.Array, seq uint64) error { return a.in.bind(col, seq) }

func (a *quantAcc) update(gids []uint32, lo int) error {
	vals := a.in.vals[lo : lo+len(gids)]
	v := a.in.valid.from(lo)
	for i, g := range gids {
		if !v.ok(i) {
			continue
		}
		if x := vals[i]; x == x {
			a.push(g, x)
		} else {
			a.nans[g]++
		}
	}
	return a.maybeSpill()
}

// push adds x (not NaN) to group g's values. -0 becomes 0, which it
// equals: otherwise which of the two a quantile returns would depend on
// the order the selection met them in, that is on the worker count.
func (a *quantAcc) push(g uint32, x float64) {
	x += 0
	r := a.vals[g]
	if len(r) == cap(r) {
		old := cap(r)
		r = append(r, x)
		a.valBytes += int64(cap(r)-old) * 8
	} else {
		r = append(r, x)
	}
	a.vals[g] = r
}

func (a *quantAcc) maybeSpill() error {
	if a.spill != nil && a.valBytes > a.spill.limit {
		return a.spillValues()
	}
	return nil
}

// merge adds src's values to a: in memory, then from src's runs (read
// back, renumbered and spilled again as a's memory fills).
func (a *quantAcc) merge(src accumulator, gids []uint32) error {
	b := src.(*quantAcc)
	for i, r := range b.vals {
		g := gids[i]
		a.nans[g] += b.nans[i]
		if len(r) == 0 {
			continue
		}
		if len(a.vals[g]) == 0 {
			a.valBytes += int64(cap(r)-cap(a.vals[g])) * 8
			a.vals[g] = r
		} else {
			for _, x := range r {
				a.push(g, x)
			}
		}
		b.vals[i] = nil
		if err := a.maybeSpill(); err != nil {
			return err
		}
	}
	defer b.removeRuns()
	for _, path := range b.runs {
		err := b.spill.readQuantRun(path, func(i uint32, x float64) error {
			a.push(gids[i], x)
			return a.maybeSpill()
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func (a *quantAcc) removeRuns() {
	for _, p := range a.runs {
		a.spill.remove(p)
	}
	a.runs = nil
}

func (a *quantAcc) bytes() int64 {
	return int64(cap(a.vals))*24 + int64(cap(a.nans)+cap(a.spilled))*8 + a.valBytes + int64(cap(a.results))*8 + int64(cap(a.present))
}

// result returns output qi of group g (the fraction a.qs[qi]); ok is
// false for a group without values. finish must have run.
func (a *quantAcc) result(g uint32, qi int) (float64, bool) {
	nq := len(a.qs)
	return a.results[int(g)*nq+qi], a.present[g]
}

// count is group g's number of values, NaN included.
func (a *quantAcc) count(g uint32) int64 {
	n := int64(len(a.vals[g])) + a.nans[g]
	if a.spilled != nil {
		n += a.spilled[g]
	}
	return n
}

// finish computes every group's quantiles, once.
func (a *quantAcc) finish() error {
	if a.done {
		return nil
	}
	a.done = true
	nq := len(a.qs)
	a.results = make([]float64, len(a.vals)*nq)
	a.present = make([]bool, len(a.vals))
	for g := range a.vals {
		a.present[g] = a.count(uint32(g)) > 0
	}
	if len(a.runs) == 0 {
		var ranks []int
		var got []float64
		for g, vals := range a.vals {
			n := int(a.count(uint32(g)))
			if n == 0 {
				continue
			}
			ranks = neededRanks(n, a.qs, ranks[:0])
			got = grow(got, len(ranks))
			pickRanks(vals, ranks, got)
			interpolateAll(n, a.qs, ranks, got, a.results[g*nq:(g+1)*nq])
			a.vals[g] = nil
		}
		a.valBytes = 0
		return nil
	}
	return a.finishFromRuns()
}

// neededRanks appends to ranks, in increasing order and once each, the
// 0-based ranks that the quantiles qs of n values interpolate between.
func neededRanks(n int, qs []float64, ranks []int) []int {
	for _, q := range qs {
		k, frac := position(n, q)
		ranks = append(ranks, k)
		if frac > 0 {
			ranks = append(ranks, k+1)
		}
	}
	slices.Sort(ranks)
	return slices.Compact(ranks)
}

// position is the rank below the q-quantile of n values and the fraction
// of the way to the next rank: q·(n-1) split into integer and fraction.
func position(n int, q float64) (int, float64) {
	p := q * float64(n-1)
	k := math.Floor(p)
	return int(k), p - k
}

// interpolateAll writes the quantiles qs of n values into out, from the
// values got at ranks (see neededRanks).
func interpolateAll(n int, qs []float64, ranks []int, got []float64, out []float64) {
	value := func(r int) float64 {
		i, _ := slices.BinarySearch(ranks, r)
		return got[i]
	}
	for i, q := range qs {
		k, frac := position(n, q)
		if frac == 0 {
			out[i] = value(k)
			continue
		}
		out[i] = sketch.Lerp(value(k), value(k+1), frac)
	}
}

// pickRanks writes into got the values of the given ranks (increasing) of
// vals plus any number of NaNs after them: a rank past vals is NaN. It
// reorders vals.
func pickRanks(vals []float64, ranks []int, got []float64) {
	start := 0
	for i, r := range ranks {
		switch {
		case r >= len(vals):
			got[i] = math.NaN()
			continue
		case i > 0 && r == ranks[i-1]+1:
			// The next rank is the least of the rest.
			m := r
			for j := r + 1; j < len(vals); j++ {
				if vals[j] < vals[m] {
					m = j
				}
			}
			vals[r], vals[m] = vals[m], vals[r]
		default:
			selectRank(vals[start:], r-start)
		}
		got[i] = vals[r]
		start = r + 1
	}
}

// selectRank reorders v (no NaN) so that v[k] is its value of rank k, no
// greater value before it and no smaller one after (Hoare's quickselect,
// median-of-three pivots; after 2·log2(n)+8 rounds it sorts what is left,
// so the worst case is O(n log n)).
func selectRank(v []float64, k int) {
	lo, hi := 0, len(v)-1
	budget := 8
	for n := len(v); n > 0; n >>= 1 {
		budget += 2
	}
	for hi > lo {
		if budget == 0 {
			slices.Sort(v[lo : hi+1])
			return
		}
		budget--
		mid := lo + (hi-lo)/2
		if v[mid] < v[lo] {
			v[mid], v[lo] = v[lo], v[mid]
		}
		if v[hi] < v[lo] {
			v[hi], v[lo] = v[lo], v[hi]
		}
		if v[hi] < v[mid] {
			v[hi], v[mid] = v[mid], v[hi]
		}
		pivot := v[mid]
		i, j := lo, hi
		for i <= j {
			for v[i] < pivot {
				i++
			}
			for pivot < v[j] {
				j--
			}
			if i <= j {
				v[i], v[j] = v[j], v[i]
				i++
				j--
			}
		}
		// v[lo..j] ≤ pivot, v[i..hi] ≥ pivot, v[j+1..i-1] = pivot.
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return
		}
	}
}
