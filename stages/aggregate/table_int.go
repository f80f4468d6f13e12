package aggregate

// intSlot is a slot of the table for a single integer key: the key and
// its group id + 1 (0: empty).
type intSlot struct {
	key int64
	gid uint32
}

// intKey returns the table's key column when it is a single integer (or
// float) key, the case that uses islots.
func (t *table) intKey() (*intKey, bool) {
	if len(t.keys) != 1 {
		return nil, false
	}
	k, ok := t.keys[0].(*intKey)
	return k, ok
}

// findInt is groups for a single integer key bound in k: the key is
// compared in the slot itself. The hashes are computed first, column at a
// time, so that the probe loop can touch the slot of a row probeAhead rows
// on: with a table larger than the cache, those loads overlap instead of
// each probe waiting for its own miss.
func (t *table) findInt(k *intKey, seq uint64, gids []uint32) {
	cur := k.cur[:len(gids)]
	hs := grow(t.hs, len(cur))
	t.hs = hs
	for i, v := range cur {
		hs[i] = mix64(uint64(v) ^ hashK1)
	}
	var touched uint32
	for i, v := range cur {
		if j := i + probeAhead; j < len(hs) {
			touched += t.islots[hs[j]&t.mask].gid
		}
		if !k.valid.ok(i) {
			if t.nullG == 0 {
				t.nullG = t.newGroup(hashNull, i, seq) + 1
			}
			gids[i] = t.nullG - 1
			continue
		}
		h := hs[i]
		s := h & t.mask
		for {
			e := t.islots[s]
			if e.gid == 0 {
				g := t.newGroup(h, i, seq)
				t.islots[s] = intSlot{v, g + 1}
				gids[i] = g
				if 2*t.n > len(t.islots) {
					t.rehash(2 * len(t.islots))
				}
				break
			}
			if e.key == v {
				gids[i] = e.gid - 1
				break
			}
			s = (s + 1) & t.mask
		}
	}
	t.touched = touched
}

// probeAhead is how many rows ahead findInt touches a slot.
const probeAhead = 8

// rehashInt rebuilds islots with size slots (t.mask already set). It walks
// the old slots in order and recomputes each hash from the key: with the
// mask one bit wider, a key moves from slot s to s or s+old size, so the
// writes stream through two regions instead of landing at random (which
// cost ~100 ns a group with a million groups).
func (t *table) rehashInt(size int) {
	old := t.islots
	t.islots = make([]intSlot, size)
	for _, e := range old {
		if e.gid == 0 {
			continue
		}
		s := mix64(uint64(e.key)^hashK1) & t.mask
		for t.islots[s].gid != 0 {
			s = (s + 1) & t.mask
		}
		t.islots[s] = e
	}
}
