package aggregate

// With a million groups, every per-group array is larger than the cache,
// and an aggregate that kept its state in a slice of its own cost a cache
// (and TLB) miss a row on top of the table's probe. The fixed-size states
// of the simple accumulators (counts, sums, means, variances) therefore
// live side by side, one row of words per group, and a batch is updated a
// block of updateBlock rows at a time: touch builds the block's rows into
// the cache in a loop tight enough to keep dozens of misses in flight,
// then every accumulator in turn updates the block from the cache.

// stateRows holds the fixed-size state of several accumulators of one
// partial: group g's words are w[g*stride : (g+1)*stride], and each
// accumulator owns the words at its offset in the row, and may copy them
// in and out as a struct of 8-byte fields (fsum, welford), loading floats
// with rawview.Float64: through math.Float64frombits each float moved from
// an integer register, which made mean() with one group ~20 % slower. New
// groups start all zero. Rows are not padded to cache lines:
// 5 words (count, sum, mean) in 64-byte rows took more memory and page
// faults for no gain in BenchmarkGroupByManyKeys.
type stateRows struct {
	w      []uint64
	stride int
	// touched keeps touch's loads from being optimized away.
	touched uint64
}

func (r *stateRows) grow(n int) {
	if r.stride > 0 {
		r.w = growZero(r.w, n*r.stride)
	}
}

func (r *stateRows) bytes() int64 { return int64(cap(r.w)) * 8 }

// touch loads the first word of the rows of gids, so that the
// accumulators' updates that follow find them in the cache. Rows that fit
// in the cache anyway are left alone.
func (r *stateRows) touch(gids []uint32) {
	if len(r.w) < touchMinWords {
		return
	}
	w, stride := r.w, r.stride
	var t uint64
	for _, g := range gids {
		t += w[int(g)*stride]
	}
	r.touched = t
}

// touchMinWords: 4 MiB of rows stays in L2 and L3 between batches.
const touchMinWords = 512 << 10

// rowSlot is one accumulator's place in the rows: its first word's offset.
type rowSlot struct {
	rows *stateRows
	off  int
}

// updateBlock is how many rows of a batch are touched and go through every
// accumulator before the next block. 1024 rows touch at most 1024 rows'
// lines (~100 KiB for 5 words), which stay in L2 while the accumulators
// read them; 512 to 2048 measured the same, 4096 slower.
const updateBlock = 1024

// words3 are group g's three state words in w (from an accumulator's
// offset on), for the states kept in three words (fsum, welford).
func words3(w []uint64, g, stride int) *[3]uint64 {
	return (*[3]uint64)(w[g*stride : g*stride+3])
}
