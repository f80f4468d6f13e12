package aggregate

import "github.com/apache/arrow-go/v18/arrow/memory"

// absorb adds src's groups to t, keeping each group's earliest row, and
// returns, for each of src's groups, its id in t. Finish merges the
// workers' tables with it (group-by, top per group). It fails only when
// src's large_utf8 keys pass 2 GiB (textSpan).
func (t *table) absorb(mem memory.Allocator, src *table) ([]uint32, error) {
	n := src.n
	if len(t.keys) == 0 {
		if t.n == 0 {
			t.n = 1
			t.hashes = append(t.hashes, 0)
			t.first = append(t.first, src.first[0])
		} else {
			t.keepFirst(0, src.first[0])
		}
		return make([]uint32, n), nil
	}
	keys := src.keyArrays(mem, identity(n))
	defer func() {
		for _, k := range keys {
			k.Release()
		}
	}()
	before := uint32(t.n)
	// Positions come from src below, not from a batch sequence.
	t.sawSeq = false
	gids, err := t.groups(keys, n, 0, nil)
	if err != nil {
		return nil, err
	}
	for i, g := range gids {
		if g >= before {
			t.first[g] = src.first[i]
		} else {
			t.keepFirst(g, src.first[i])
		}
	}
	return gids, nil
}
