package aggregate

import (
	"fmt"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/arrowpipe/arrowpipe/stages/internal/rawview"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// gatherDict copies refs of a dictionary column. The indices are gathered
// like any fixed-width column. When every source referenced holds the
// same dictionary (one array, or equal values: each distinct dictionary is
// compared once) the result keeps it as is. Otherwise the sources'
// dictionaries are unified once and the result's dictionary holds only
// the values its rows use, in order of first use, so it is never larger
// than the batch. 8192 one-row runs from 16 sources (BenchmarkGatherDict):
// ~45 µs with one shared 8K-value dictionary, ~14 ms with 16 of their own
// (concatenating the runs, which compares and unifies dictionaries per
// run, took 73 ms and 9 s). A result needing more values than the index
// type can count is a TypeError. Sources stay borrowed.
func gatherDict(mem memory.Allocator, dt *arrow.DictionaryType, srcs []arrow.Array, refs []rowRef) (arrow.Array, error) {
	idxs := make([]arrow.Array, len(srcs))
	dicts := make([]arrow.ArrayData, len(srcs))
	for _, r := range refs {
		if dicts[r.src] == nil {
			d := srcs[r.src].(*array.Dictionary)
			idxs[r.src], dicts[r.src] = d.Indices(), d.Data().Dictionary()
		}
	}
	idx, err := gatherColumn(mem, dt.IndexType, idxs, refs)
	if err != nil {
		return nil, err
	}
	defer idx.Release()
	shared, err := sharedDict(dicts)
	if err != nil {
		return nil, err
	}
	dict := shared
	if dict == nil {
		u, err := array.NewDictionaryUnifier(mem, dt.ValueType)
		if err != nil {
			// A value type the unifier cannot hash (large_utf8, nested):
			// concatenating runs unifies them, slowly but correctly.
			return gatherRuns(mem, dt, srcs, refs)
		}
		defer u.Release()
		unified, err := unifyDicts(mem, u, dt, dicts, idx, refs)
		if err != nil {
			return nil, err
		}
		defer unified.Release()
		dict = unified.Data()
	}
	d := idx.Data()
	data := array.NewDataWithDictionary(dt, d.Len(), d.Buffers(), d.NullN(), 0, dict.(*array.Data))
	defer data.Release()
	return array.MakeFromData(data), nil
}

// sharedDict returns the one dictionary all non-nil dicts hold, or nil
// when they differ. Each distinct array is compared with the first once.
func sharedDict(dicts []arrow.ArrayData) (arrow.ArrayData, error) {
	var first arrow.ArrayData
	var firstArr arrow.Array
	defer func() {
		if firstArr != nil {
			firstArr.Release()
		}
	}()
	same := map[arrow.ArrayData]bool{}
	for _, d := range dicts {
		if d == nil || d == first {
			continue
		}
		if first == nil {
			first = d
			continue
		}
		eq, seen := same[d]
		if !seen {
			if firstArr == nil {
				firstArr = array.MakeFromData(first)
			}
			a := array.MakeFromData(d)
			eq = array.Equal(firstArr, a)
			a.Release()
			same[d] = eq
		}
		if !eq {
			return nil, nil
		}
	}
	return first, nil
}

// unifyDicts maps the gathered indices idx (rows refs) in place onto a new
// dictionary of the values they use, unified across dicts, and returns
// that dictionary.
func unifyDicts(mem memory.Allocator, u array.DictionaryUnifier, dt *arrow.DictionaryType, dicts []arrow.ArrayData, idx arrow.Array, refs []rowRef) (arrow.Array, error) {
	// trans[s] maps source s's dictionary positions to unified ones; a
	// dictionary several sources share is unified once.
	trans := make([][]int32, len(dicts))
	memo := map[arrow.ArrayData][]int32{}
	var bufs []*memory.Buffer
	defer func() {
		for _, b := range bufs {
			b.Release()
		}
	}()
	arrs := make([]arrow.Array, len(dicts))
	defer func() {
		for _, a := range arrs {
			if a != nil {
				a.Release()
			}
		}
	}()
	unified := 0
	for s, d := range dicts {
		if d == nil {
			continue
		}
		arrs[s] = array.MakeFromData(d)
		if t, ok := memo[d]; ok {
			trans[s] = t
			continue
		}
		b, err := u.UnifyAndTranspose(arrs[s])
		if err != nil {
			return nil, err
		}
		bufs = append(bufs, b)
		t := rawview.Slice[int32](b.Bytes())[:d.Len()]
		for _, v := range t {
			unified = max(unified, int(v)+1)
		}
		trans[s], memo[d] = t, t
	}
	m := remap{trans: trans, slot: make([]int32, unified), refs: refs, valid: idx}
	for i := range m.slot {
		m.slot[i] = -1
	}
	raw := idx.Data().Buffers()[1].Bytes()
	var err error
	switch dt.IndexType.ID() {
	case arrow.INT8:
		err = remapAll(&m, rawview.Slice[int8](raw), math.MaxInt8)
	case arrow.UINT8:
		err = remapAll(&m, rawview.Slice[uint8](raw), math.MaxUint8)
	case arrow.INT16:
		err = remapAll(&m, rawview.Slice[int16](raw), math.MaxInt16)
	case arrow.UINT16:
		err = remapAll(&m, rawview.Slice[uint16](raw), math.MaxUint16)
	case arrow.INT32:
		err = remapAll(&m, rawview.Slice[int32](raw), math.MaxInt32)
	case arrow.UINT32:
		err = remapAll(&m, rawview.Slice[uint32](raw), math.MaxUint32)
	case arrow.INT64:
		err = remapAll(&m, rawview.Slice[int64](raw), math.MaxInt64)
	case arrow.UINT64:
		err = remapAll(&m, rawview.Slice[uint64](raw), math.MaxInt64)
	default:
		err = fmt.Errorf("dictionary indices of type %s", dt.IndexType)
	}
	if err != nil {
		return nil, err
	}
	return gatherColumn(mem, dt.ValueType, arrs, m.firsts)
}

// remap holds the mapping of source dictionary positions to the result's.
type remap struct {
	trans  [][]int32   // source → unified position
	slot   []int32     // unified → result position, -1 while unused
	firsts []rowRef    // result position → its value's first source entry
	refs   []rowRef    // the gathered rows
	valid  arrow.Array // the gathered indices, for their nulls
}

// remapAll rewrites vals, the gathered indices, as positions in the
// result's dictionary; limit is the largest the index type holds.
func remapAll[T int8 | uint8 | int16 | uint16 | int32 | uint32 | int64 | uint64](m *remap, vals []T, limit uint64) error {
	for i, r := range m.refs {
		if m.valid.IsNull(i) {
			vals[i] = 0
			continue
		}
		v := vals[i]
		t := m.trans[r.src]
		if uint64(v) >= uint64(len(t)) {
			return fmt.Errorf("dictionary index %d out of range (%d values)", v, len(t))
		}
		u := t[v]
		n := m.slot[u]
		if n < 0 {
			if uint64(len(m.firsts)) > limit {
				return dictOverflow(len(m.firsts)+1, limit)
			}
			n = int32(len(m.firsts))
			m.slot[u] = n
			m.firsts = append(m.firsts, rowRef{r.src, uint32(v)})
		}
		vals[i] = T(n)
	}
	return nil
}

// dictOverflow is the error for a batch whose rows use more dictionary
// values (at least need) than indices up to limit can number.
func dictOverflow(need int, limit uint64) error {
	return &verb.TypeError{
		Err:  fmt.Errorf("the rows of one output batch use at least %d values of differing dictionaries, more than its indices hold (%d)", need, limit+1),
		Hint: "cast the column to string (cast COL:string) before this verb, or write it with wider dictionary indices",
	}
}
