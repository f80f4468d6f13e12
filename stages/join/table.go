package join

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/sharedmem"
)

// table is the build side in memory: its columns concatenated into one
// array each, and an index from key tuples to rows.
//
// For an equality join, index maps a key tuple to its first row and next
// chains the rows of equal keys in table order. For an as-of join, index
// maps the equality keys (all but the first) to a group, and the group's
// rows are listed in groupRows[groupStart[g]:groupStart[g+1]], sorted by
// the first key (onVals), ties in table order.
type table struct {
	cols  []arrow.Array
	rows  int
	ix    *index
	next  []int32
	bytes int64 // Arrow data plus the index's estimate

	groupStart []int32
	groupRows  []int32
	onVals     []int64
}

func (t *table) release() {
	for _, c := range t.cols {
		c.Release()
	}
	t.cols = nil
	t.ix, t.next, t.groupRows, t.onVals = nil, nil, nil, nil
}

// readAll reads src to the end on its own pipeline (so a text file is
// decoded on a pool of workers) and gives each batch, in order, to keep,
// which owns it.
func readAll(ctx context.Context, src pipeline.Source, mem memory.Allocator, keep func(arrow.RecordBatch) error) error {
	p := pipeline.New(src, nil, pipeline.ToFunc(func(ctx context.Context, rec arrow.RecordBatch) error {
		rec.Retain()
		return keep(rec)
	}), pipeline.Config{Mem: mem})
	return p.Run(ctx)
}

// newTable concatenates batches (consumed) of schema into a table and
// indexes it on the key columns keys; for an as-of join (asof) the first
// key orders and the rest group.
func newTable(mem memory.Allocator, schema *arrow.Schema, batches []arrow.RecordBatch, keys []int, asof bool) (*table, error) {
	t := &table{cols: make([]arrow.Array, schema.NumFields())}
	for _, b := range batches {
		t.rows += int(b.NumRows())
	}
	if t.rows > maxTableRows {
		releaseAll(batches)
		return nil, fmt.Errorf("%d rows: a table in memory holds at most %d; set a memory cap to split it", t.rows, maxTableRows)
	}
	// Column by column, so that only one column is held twice at a time.
	parts := make([][]arrow.Array, len(t.cols))
	for _, b := range batches {
		for c := range t.cols {
			col := b.Column(c)
			col.Retain()
			parts[c] = append(parts[c], col)
		}
		b.Release()
	}
	for c := range t.cols {
		var err error
		switch len(parts[c]) {
		case 0:
			t.cols[c] = array.MakeArrayOfNull(mem, schema.Field(c).Type, 0)
		case 1:
			t.cols[c] = parts[c][0]
			parts[c] = nil
		default:
			t.cols[c], err = array.Concatenate(parts[c], mem)
		}
		for _, a := range parts[c] {
			a.Release()
		}
		if err != nil {
			for _, rest := range parts[c+1:] {
				for _, a := range rest {
					a.Release()
				}
			}
			t.release()
			return nil, fmt.Errorf("concatenate column %q: %w", schema.Field(c).Name, err)
		}
		t.bytes += sharedmem.ArrayPinnedBytes(t.cols[c].Data())
	}
	if asof {
		t.indexAsOf(keys)
	} else {
		t.indexEqual(keys)
	}
	return t, nil
}

// maxTableRows keeps row numbers in int32.
const maxTableRows = 1<<31 - 2

func (t *table) keyCols(keys []int) []arrow.Array {
	cols := make([]arrow.Array, len(keys))
	for i, k := range keys {
		cols[i] = t.cols[k]
	}
	return cols
}

func (t *table) indexEqual(keys []int) {
	cols := t.keyCols(keys)
	var k batchKeys
	k.mode = modeOf(classesOf(cols))
	k.load(cols)
	t.ix = newIndex(k.mode, t.rows)
	if k.mode == modeString {
		// The values are rows: the keys need not be copied.
		t.ix.strs, t.ix.rows = nil, newStrTable(k.str, t.rows)
	}
	t.next = make([]int32, t.rows)
	// Backwards, so that each chain lists its rows in table order.
	for i := t.rows - 1; i >= 0; i-- {
		t.next[i] = -1
		if k.isNull(i) {
			continue
		}
		if h, ok := t.ix.get(&k, i); ok {
			t.next[i] = h
		}
		t.ix.put(&k, i, int32(i))
	}
	t.bytes += int64(t.ix.len())*bytesPerEntry + int64(len(k.tuple)) + 4*int64(t.rows)
}

func (t *table) indexAsOf(keys []int) {
	on := t.cols[keys[0]]
	t.onVals = make([]int64, 0, t.rows)
	for _, w := range fixedKeys(on, nil) {
		t.onVals = append(t.onVals, int64(w))
	}
	group := make([]int32, t.rows) // -1: no group (a null key)
	if len(keys) == 1 {
		for i := range group {
			if on.IsNull(i) {
				group[i] = -1
			}
		}
		t.groupStart = []int32{0, 0}
	} else {
		cols := t.keyCols(keys[1:])
		var k batchKeys
		k.mode = modeOf(classesOf(cols))
		k.load(cols)
		t.ix = newIndex(k.mode, 0)
		for i := range t.rows {
			if k.isNull(i) || on.IsNull(i) {
				group[i] = -1
				continue
			}
			g, ok := t.ix.get(&k, i)
			if !ok {
				g = int32(t.ix.len())
				t.ix.put(&k, i, g)
			}
			group[i] = g
		}
		t.groupStart = make([]int32, t.ix.len()+1)
		t.bytes += int64(t.ix.len())*bytesPerEntry + int64(len(k.tuple))
	}
	// Counting sort by group, then each group by its first key.
	for _, g := range group {
		if g >= 0 {
			t.groupStart[g+1]++
		}
	}
	for g := 1; g < len(t.groupStart); g++ {
		t.groupStart[g] += t.groupStart[g-1]
	}
	fill := slices.Clone(t.groupStart[:len(t.groupStart)-1])
	t.groupRows = make([]int32, t.groupStart[len(t.groupStart)-1])
	for i, g := range group {
		if g >= 0 {
			t.groupRows[fill[g]] = int32(i)
			fill[g]++
		}
	}
	for g := range len(t.groupStart) - 1 {
		seg := t.groupRows[t.groupStart[g]:t.groupStart[g+1]]
		slices.SortStableFunc(seg, func(a, b int32) int { return cmp.Compare(t.onVals[a], t.onVals[b]) })
	}
	t.bytes += 16 * int64(t.rows)
}

func classesOf(cols []arrow.Array) []class {
	cs := make([]class, len(cols))
	for i, c := range cols {
		cs[i], _ = keyClass(c.DataType())
	}
	return cs
}

func releaseAll(recs []arrow.RecordBatch) {
	for _, r := range recs {
		if r != nil {
			r.Release()
		}
	}
}
