package aggregate

import "math/bits"

// intBucket is one cache line of the table for a single integer key: up
// to five keys and their group ids, filled in order (n is how many).
//
// Probing a bucket compares all five keys without branching on which one
// matches, and a key is in its home bucket 87 % of the time even at the
// highest load (TestIntTableHomeBucket), so the one branch that depends on
// the probe, found here or not, is mostly predicted right. The table of
// 16-byte slots this replaced had a quarter of the keys past their first
// slot at a million groups: a mispredicted branch each, waiting on a cache
// miss. Buckets also hold more groups per byte (80 % of 5 slots against
// half of the 16-byte slots): 16 MiB for a million groups, not 32.
type intBucket struct {
	keys [5]int64
	gids [5]uint32
	n    uint32
}

// intBucketLoad is how many groups per bucket the table holds before it
// doubles (80 % of the slots).
const intBucketLoad = 4

// intKey returns the table's key column when it is a single integer (or
// float) key, the case that uses ibuckets.
func (t *table) intKey() (*intKey, bool) {
	if len(t.keys) != 1 {
		return nil, false
	}
	k, ok := t.keys[0].(*intKey)
	return k, ok
}

// matches returns a bit mask of the used slots of b that hold key v.
func (b *intBucket) matches(v int64) uint32 {
	m := b2u(b.keys[0] == v) | b2u(b.keys[1] == v)<<1 | b2u(b.keys[2] == v)<<2 |
		b2u(b.keys[3] == v)<<3 | b2u(b.keys[4] == v)<<4
	return m & (1<<b.n - 1)
}

func b2u(b bool) uint32 {
	if b {
		return 1
	}
	return 0
}

// findInt is groups for a single integer key bound in k: the key is
// compared in the bucket itself. With a table larger than the cache, each
// probe is a cache (and TLB) miss, and what bounds the rate is how many
// misses are in flight at once. A probe loop holds few rows in the CPU's
// reorder window, so findInt first touches the buckets of probeBlock rows
// in a loop of a few instructions a row, whose loads overlap by the dozen,
// and then probes those rows in cache.
func (t *table) findInt(k *intKey, seq uint64, gids []uint32) {
	cur := k.cur[:len(gids)]
	hs := grow(t.hs, len(cur))
	t.hs = hs
	for i, v := range cur {
		hs[i] = mix64(uint64(v) ^ hashK1)
	}
	var touched uint32
	for lo := 0; lo < len(cur); lo += probeBlock {
		hi := min(lo+probeBlock, len(cur))
		if len(t.ibuckets) >= touchMinBuckets {
			bs, mask := t.ibuckets, t.mask
			for _, h := range hs[lo:hi] {
				touched += bs[h&mask].n
			}
		}
		for i := lo; i < hi; i++ {
			v := cur[i]
			if !k.valid.ok(i) {
				gids[i] = t.nullGroup(i, seq)
				continue
			}
			b := &t.ibuckets[hs[i]&t.mask]
			if m := b.matches(v); m != 0 {
				gids[i] = b.gids[bits.TrailingZeros32(m)]
				continue
			}
			gids[i] = t.findIntSlow(v, i, seq)
		}
	}
	t.touched = touched
}

// findIntSlow finds or adds the key v of row i when it is not in its home
// bucket: further along the probe sequence, or new.
func (t *table) findIntSlow(v int64, i int, seq uint64) uint32 {
	s := t.hs[i] & t.mask
	for {
		b := &t.ibuckets[s]
		if m := b.matches(v); m != 0 {
			return b.gids[bits.TrailingZeros32(m)]
		}
		if b.n < uint32(len(b.keys)) {
			g := t.newGroup(0, i, seq)
			b.keys[b.n], b.gids[b.n] = v, g
			b.n++
			if t.n > intBucketLoad*len(t.ibuckets) {
				t.rehashInt(2 * len(t.ibuckets))
			}
			return g
		}
		s = (s + 1) & t.mask
	}
}

func (t *table) nullGroup(i int, seq uint64) uint32 {
	if t.nullG == 0 {
		t.nullG = t.newGroup(hashNull, i, seq) + 1
	}
	return t.nullG - 1
}

// probeBlock is how many rows findInt touches before it probes them: the
// lines of 512 rows (32 KiB) stay in L1.
const probeBlock = 512

// touchMinBuckets: smaller tables (4 MiB) stay in the cache, and touching
// their buckets first would only cost instructions.
const touchMinBuckets = 64 << 10

// rehashInt rebuilds ibuckets with nb buckets. It walks the old buckets in
// order and recomputes each hash from the key: with the mask one bit
// wider, a key moves from bucket s to s or s+old size, so the writes stream
// through two regions instead of landing at random (which cost ~100 ns a
// group with a million groups).
func (t *table) rehashInt(nb int) {
	t.reserveGroups(intBucketLoad*nb + 1)
	old := t.ibuckets
	t.ibuckets = make([]intBucket, nb)
	t.mask = uint64(nb - 1)
	for i := range old {
		b := &old[i]
		for j := range b.n {
			v := b.keys[j]
			s := mix64(uint64(v)^hashK1) & t.mask
			for t.ibuckets[s].n == uint32(len(b.keys)) {
				s = (s + 1) & t.mask
			}
			d := &t.ibuckets[s]
			d.keys[d.n], d.gids[d.n] = v, b.gids[j]
			d.n++
		}
	}
}
