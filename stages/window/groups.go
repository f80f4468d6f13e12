package window

import (
	"encoding/binary"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// groups numbers the distinct key combinations 0, 1, 2, ... in order of
// first appearance. One key of integer kind takes a slice (small keys)
// and a map; one string key takes a shortKeys table (values of up to 16
// bytes) and a map; several keys are encoded into bytes for a map. Nulls are a group of
// their own, as PARTITION BY makes them; NaN is one group, and -0 and 0 are one.
type groups struct {
	kinds []kind
	views []view
	n     int // groups so far

	ints    map[int64]uint32
	small   []uint32 // group+1 of the integer keys 0..len-1, 0 for none yet
	strs    map[string]uint32
	short   *shortKeys // one string key's values of up to 16 bytes
	nullGID uint32     // for one key: the null key's group, or noGroup
	buf     []byte
	size    int64 // bytes the maps hold, estimated
}

const noGroup = ^uint32(0)

func newGroups(kinds []kind) *groups {
	return &groups{
		kinds: kinds, views: make([]view, len(kinds)), nullGID: noGroup,
		ints: map[int64]uint32{}, strs: map[string]uint32{}, short: newShortKeys(),
	}
}

// ids returns each row's group in dst, for the key columns of one batch.
func (g *groups) ids(keys []arrow.Array, rows int, dst []uint32) []uint32 {
	dst = grow(dst, rows)
	if len(keys) == 0 {
		if rows > 0 && g.n == 0 {
			g.n = 1
		}
		clear(dst)
		return dst
	}
	for k, col := range keys {
		g.views[k].load(g.kinds[k], col)
	}
	if len(keys) == 1 && g.kinds[0] == kindInt {
		v := &g.views[0]
		for i := range rows {
			if !v.valid(i) {
				dst[i] = g.null()
				continue
			}
			if k := v.ints[i]; uint64(k) < smallKeys {
				dst[i] = g.smallID(k)
				continue
			}
			id, ok := g.ints[v.ints[i]]
			if !ok {
				id = g.next()
				g.ints[v.ints[i]] = id
				g.size += 24
			}
			dst[i] = id
		}
		return dst
	}
	if len(keys) == 1 && g.kinds[0] == kindString {
		switch a := keys[0].(type) {
		case *array.String:
			return stringIDs(g, &g.views[0], a.ValueOffsets(), a.ValueBytes(), dst)
		case *array.LargeString:
			return stringIDs(g, &g.views[0], a.ValueOffsets(), a.ValueBytes(), dst)
		}
	}
	for i := range rows {
		g.buf = g.encode(g.buf[:0], i)
		dst[i] = g.long(g.buf)
	}
	return dst
}

// long returns the group of key, looked up in the map.
func (g *groups) long(key []byte) uint32 {
	id, ok := g.strs[string(key)]
	if !ok {
		id = g.next()
		g.strs[string(key)] = id
		g.size += int64(len(key)) + 40
	}
	return id
}

// stringIDs numbers the rows of one string key column, read straight
// from its offsets and bytes.
func stringIDs[O int32 | int64](g *groups, v *view, offs []O, data []byte, dst []uint32) []uint32 {
	base := offs[0]
	for i := range dst {
		if !v.valid(i) {
			dst[i] = g.null()
			continue
		}
		lo, hi := int(offs[i]-base), int(offs[i+1]-base)
		if hi-lo > 16 {
			dst[i] = g.long(data[lo:hi])
			continue
		}
		a, b := words(data, lo, hi)
		id, grew := g.short.find(a, b, uint32(hi-lo), g.next)
		g.size += grew
		dst[i] = id
	}
	return dst
}

// smallKeys bounds the integer keys looked up in a slice instead of the
// map (ids, codes, years): the slice grows to the largest seen, up to
// 256 KiB.
const smallKeys = 1 << 16

func (g *groups) smallID(k int64) uint32 {
	if int(k) >= len(g.small) {
		n := min(max(2*len(g.small), int(k)+1, 64), smallKeys)
		g.size += int64(n-len(g.small)) * 4
		g.small = append(g.small, make([]uint32, n-len(g.small))...)
	}
	id := g.small[k]
	if id == 0 {
		id = g.next() + 1
		g.small[k] = id
	}
	return id - 1
}

func (g *groups) next() uint32 {
	g.n++
	return uint32(g.n - 1)
}

func (g *groups) null() uint32 {
	if g.nullGID == noGroup {
		g.nullGID = g.next()
	}
	return g.nullGID
}

// encode appends row i's keys: a null or value tag, then the value,
// strings length-prefixed, so that distinct key tuples never collide.
func (g *groups) encode(dst []byte, i int) []byte {
	for k := range g.views {
		c := g.views[k].cell(i)
		if !c.ok {
			dst = append(dst, 0)
			continue
		}
		dst = append(dst, 1)
		switch g.kinds[k] {
		case kindInt:
			dst = binary.LittleEndian.AppendUint64(dst, uint64(c.i))
		case kindFloat:
			f := c.f
			switch {
			case math.IsNaN(f):
				f = math.NaN()
			case f == 0:
				f = 0 // -0 too
			}
			dst = binary.LittleEndian.AppendUint64(dst, math.Float64bits(f))
		case kindString:
			dst = binary.AppendUvarint(dst, uint64(len(c.s)))
			dst = append(dst, c.s...)
		case kindBool:
			if c.b {
				dst = append(dst, 1)
			} else {
				dst = append(dst, 0)
			}
		}
	}
	return dst
}
