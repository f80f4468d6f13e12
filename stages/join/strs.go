package join

import "hash/maphash"

// strTable maps string keys to the first table row that has them, by
// open addressing on a seeded hash. A slot keeps the hash and the row;
// the key itself is read from the table's key column (key), so building
// copies no strings. It is filled to at most half; a slot whose val is 0
// is empty (rows are stored plus one).
type strTable struct {
	seed  maphash.Seed
	key   bytesAt
	slots []strSlot
	shift uint
	n     int
}

type strSlot struct {
	hash uint64
	val  int32
}

func newStrTable(key bytesAt, hint int) *strTable {
	t := &strTable{seed: maphash.MakeSeed(), key: key}
	t.resize(max(hint*2, 16))
	return t
}

func (t *strTable) resize(size int) {
	bits := uint(4)
	for 1<<bits < size {
		bits++
	}
	old := t.slots
	t.slots = make([]strSlot, 1<<bits)
	t.shift = 64 - bits
	t.n = 0
	for _, s := range old {
		if s.val != 0 {
			t.insert(s.hash, s.val)
		}
	}
}

// insert puts a slot known not to be there.
func (t *strTable) insert(h uint64, val int32) {
	mask := uint64(len(t.slots) - 1)
	for i := h >> t.shift; ; i = (i + 1) & mask {
		if t.slots[i].val == 0 {
			t.slots[i] = strSlot{h, val}
			t.n++
			return
		}
	}
}

func (t *strTable) get(s string) (int32, bool) {
	h := maphash.String(t.seed, s)
	mask := uint64(len(t.slots) - 1)
	for i := h >> t.shift; ; i = (i + 1) & mask {
		sl := &t.slots[i]
		if sl.val == 0 {
			return 0, false
		}
		if sl.hash == h && t.key(int(sl.val-1)) == s {
			return sl.val - 1, true
		}
	}
}

// put maps s, the key of table row row, to v.
func (t *strTable) put(s string, v int32) {
	if 2*(t.n+1) > len(t.slots) {
		t.resize(2 * len(t.slots))
	}
	h := maphash.String(t.seed, s)
	mask := uint64(len(t.slots) - 1)
	for i := h >> t.shift; ; i = (i + 1) & mask {
		sl := &t.slots[i]
		if sl.val == 0 {
			*sl = strSlot{h, v + 1}
			t.n++
			return
		}
		if sl.hash == h && t.key(int(sl.val-1)) == s {
			sl.val = v + 1
			return
		}
	}
}
