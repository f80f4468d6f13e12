package aggregate

import "github.com/apache/arrow-go/v18/arrow"

// A dictMemo maps the codes of one dictionary to the table's groups: a
// single string key bound to a dictionary column (a Parquet row group's
// undecoded text) is looked up in the table once per value of the
// dictionary that a row uses, and every other row only indexes gids by
// its code. A group-by of 10M rows on a 7-value column thus hashes a few
// strings per row group instead of every row's.
type dictMemo struct {
	// of is the dictionary the memo is for, by identity: a reader hands
	// every batch of a row group the same one.
	of arrow.ArrayData
	// gids[c] is the group of code c plus one, 0 before the first row of
	// c; the last entry is the null key's.
	gids []int32
}

// findDict is groups for a single string key bound to a dictionary column
// (k.dict set). Groups are created in row order, as findStr creates them,
// so the first row of each group (and the output order) is the same.
func (t *table) findDict(k *strKey, seq uint64, gids []uint32) {
	m := &t.dict
	if m.of != k.dict {
		m.of = k.dict
		m.gids = grow(m.gids, k.dict.Len()+1)
		clear(m.gids)
	}
	null := len(m.gids) - 1
	codes := k.codes[:len(gids)]
	for i, c := range codes {
		at := int(c)
		if !k.codeValid.ok(i) {
			at = null
		}
		g := m.gids[at]
		if g == 0 {
			g = int32(t.probeStr(k, i, seq)) + 1
			m.gids[at] = g
		}
		gids[i] = uint32(g - 1)
	}
}

// probeStr finds or adds the key of row i of the bound column, a single
// string key: findStr's probe for one row.
func (t *table) probeStr(k *strKey, i int, seq uint64) uint32 {
	sk, v := k.words(i)
	h := hashOf(sk, v)
	tag, s := h&tagMask, h&t.mask
	for {
		e := t.slots[s]
		if e == 0 {
			return t.insert(h, i, seq, s)
		}
		if e&tagMask == tag && k.matches(uint32(e)-1, sk, v) {
			return uint32(e) - 1
		}
		s = (s + 1) & t.mask
	}
}
