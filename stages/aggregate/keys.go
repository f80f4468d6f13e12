package aggregate

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// A keyCol stores one key column's value for every group and compares the
// rows of the bound batch column against them. Null is a value of its own.
type keyCol interface {
	// bind makes arr the column that hash, equal and add read; it fails
	// only on text strView cannot read (textSpan).
	bind(arr arrow.Array) error
	// hash folds the hash of each row into h (first: overwrite h).
	hash(h []uint64, first bool)
	equal(g uint32, row int) bool
	// add stores row's value as the key of a new group.
	add(row int)
	// reserve makes room for n groups in all without reallocating.
	reserve(n int)
	build(mem memory.Allocator, order []uint32) arrow.Array
	bytes() int64
}

func newKeyCol(dt arrow.DataType) keyCol {
	switch k, _ := kindOf(dt); k {
	case kindFloat:
		return &intKey{dt: dt, float: true}
	case kindString:
		return &strKey{dt: dt, offs: []int{0}}
	default:
		return &intKey{dt: dt}
	}
}

// intKey holds kindInt keys, and float keys as normalized bits.
type intKey struct {
	dt    arrow.DataType
	float bool
	vals  []int64
	null  []bool

	cur     []int64
	valid   validity
	scratch []int64
}

func (k *intKey) bind(arr arrow.Array) error {
	k.valid = validityOf(arr)
	if !k.float {
		k.cur = int64s(arr, k.scratch)
		if !isZeroCopyInt(arr) {
			k.scratch = k.cur
		}
		return nil
	}
	n := arr.Len()
	k.scratch = grow(k.scratch, n)
	switch a := arr.(type) {
	case *array.Float64:
		for i, f := range a.Float64Values() {
			k.scratch[i] = floatKey(f)
		}
	case *array.Float32:
		for i, f := range a.Float32Values() {
			k.scratch[i] = floatKey(float64(f))
		}
	}
	k.cur = k.scratch
	return nil
}

func isZeroCopyInt(arr arrow.Array) bool {
	switch arr.DataType().ID() {
	case arrow.INT64, arrow.TIMESTAMP, arrow.DATE64, arrow.DURATION, arrow.TIME64:
		return true
	}
	return false
}

func (k *intKey) hash(h []uint64, first bool) {
	cur := k.cur[:len(h)]
	for i, v := range cur {
		x := mix64(uint64(v) ^ hashK1)
		if !k.valid.ok(i) {
			x = hashNull
		}
		if first {
			h[i] = x
		} else {
			h[i] = hashCombine(h[i], x)
		}
	}
}

func (k *intKey) equal(g uint32, row int) bool {
	if !k.valid.ok(row) {
		return k.null[g]
	}
	return !k.null[g] && k.vals[g] == k.cur[row]
}

func (k *intKey) add(row int) {
	null := !k.valid.ok(row)
	v := k.cur[row]
	if null {
		v = 0
	}
	k.vals = append(k.vals, v)
	k.null = append(k.null, null)
}

func (k *intKey) reserve(n int) {
	k.vals = slices.Grow(k.vals, n-len(k.vals))
	k.null = slices.Grow(k.null, n-len(k.null))
}

func (k *intKey) build(mem memory.Allocator, order []uint32) arrow.Array {
	valid := func(g uint32) bool { return !k.null[g] }
	if k.float {
		f := make([]float64, len(k.vals))
		for i, v := range k.vals {
			f[i] = math.Float64frombits(uint64(v))
		}
		return buildFloats(mem, k.dt, order, f, valid)
	}
	return buildInts(mem, k.dt, order, k.vals, valid)
}

func (k *intKey) bytes() int64 { return int64(cap(k.vals))*8 + int64(cap(k.null)) }

// strKey holds string keys in one arena: group g's key is
// arena[offs[g]:offs[g+1]]. Each group also keeps a shortKey: the length
// and first 16 bytes (zero-padded) of its key, so that most comparisons are
// three integer compares and never touch the arena.
//
// The bound column is a string array, or a dictionary of strings with
// int32 indices (a Parquet reader's undecoded text, see
// verb.Verb.DictionaryKeys): curOffs, curBytes and valid then view the
// dictionary's values, and a row's value is the one its code names.
type strKey struct {
	dt    arrow.DataType // utf8 or large_utf8, built so
	arena []byte
	offs  []int
	short []shortKey

	curOffs  []int32
	curBytes []byte
	valid    validity
	// dict is the bound dictionary column's values (nil for a string
	// column), codes its rows' indices and codeValid their validity.
	dict      arrow.ArrayData
	codes     []int32
	codeValid validity
	// scratch holds large_utf8 offsets narrowed by strView.
	scratch []int32
}

type shortKey struct {
	x, y uint64
	n    uint32 // length, or nullLen
}

// nullLen marks the null key in shortKey.n; real lengths fit in 31 bits
// (Arrow string offsets are int32).
const nullLen = 1 << 31

func (k *strKey) bind(arr arrow.Array) error {
	d, ok := arr.(*array.Dictionary)
	if !ok {
		k.dict, k.codes = nil, nil
		return k.bindValues(arr)
	}
	idx, ok := d.Indices().(*array.Int32)
	if !ok {
		panic(fmt.Sprintf("aggregate: a dictionary key with %s indices, not int32", d.Indices().DataType()))
	}
	vals := d.Dictionary()
	k.dict, k.codes, k.codeValid = vals.Data(), idx.Int32Values(), validityOf(arr)
	return k.bindValues(vals)
}

// bindValues makes the strings of arr, utf8 or large_utf8, the entries
// that valueWords reads (see strView).
func (k *strKey) bindValues(arr arrow.Array) error {
	k.valid = validityOf(arr)
	offs, data, err := strView(arr, k.scratch)
	if err != nil {
		return err
	}
	k.curOffs, k.curBytes = offs, data
	if ownsOffsets(arr) {
		k.scratch = k.curOffs
	}
	return nil
}

// words returns row's shortKey and value: the value its code names when
// the bound column is a dictionary.
func (k *strKey) words(row int) (shortKey, []byte) {
	if k.codes != nil {
		if !k.codeValid.ok(row) {
			return shortKey{n: nullLen}, nil
		}
		row = int(k.codes[row])
	}
	return k.valueWords(row)
}

// valueWords returns the shortKey and value of entry i of the bound
// strings (the column's rows, or the dictionary's values). Entries with
// 16 bytes of buffer after their start are read with two loads and
// masks, without branches on the length.
func (k *strKey) valueWords(row int) (shortKey, []byte) {
	if !k.valid.ok(row) {
		return shortKey{n: nullLen}, nil
	}
	o, e := int(k.curOffs[row]), int(k.curOffs[row+1])
	v := k.curBytes[o:e]
	n := e - o
	var x, y uint64
	if o+16 <= len(k.curBytes) {
		x = binary.LittleEndian.Uint64(k.curBytes[o:])
		y = binary.LittleEndian.Uint64(k.curBytes[o+8:])
	} else {
		var b [16]byte
		copy(b[:], v)
		x = binary.LittleEndian.Uint64(b[:])
		y = binary.LittleEndian.Uint64(b[8:])
	}
	nx := min(n, 8)
	ny := max(min(n-8, 8), 0)
	x &= ^uint64(0) >> (64 - 8*uint(nx))
	y &= ^uint64(0) >> (64 - 8*uint(ny))
	return shortKey{x, y, uint32(n)}, v
}

// hashOf hashes a key from its shortKey, and its bytes beyond 16.
func hashOf(s shortKey, v []byte) uint64 {
	if s.n == nullLen {
		return hashNull
	}
	if s.n > 16 {
		return hashBytes(v)
	}
	return mum(mum(s.x^hashK1, s.y^hashK2)^hashK0, uint64(s.n)^hashK1)
}

// matches compares group g's key with a row's shortKey and bytes.
func (k *strKey) matches(g uint32, s shortKey, v []byte) bool {
	if k.short[g] != s {
		return false
	}
	return s.n <= 16 || s.n == nullLen || string(k.arena[k.offs[g]:k.offs[g+1]]) == string(v)
}

func (k *strKey) hash(h []uint64, first bool) {
	for i := range h {
		x := hashOf(k.words(i))
		if first {
			h[i] = x
		} else {
			h[i] = hashCombine(h[i], x)
		}
	}
}

func (k *strKey) equal(g uint32, row int) bool {
	s, v := k.words(row)
	return k.matches(g, s, v)
}

func (k *strKey) add(row int) {
	s, v := k.words(row)
	k.arena = append(k.arena, v...)
	k.offs = append(k.offs, len(k.arena))
	k.short = append(k.short, s)
}

func (k *strKey) reserve(n int) {
	k.offs = slices.Grow(k.offs, n+1-len(k.offs))
	k.short = slices.Grow(k.short, n-len(k.short))
	if len(k.short) > 0 && cap(k.arena)-len(k.arena) < len(k.arena) {
		// Assume new keys as long as the old ones on average.
		k.arena = slices.Grow(k.arena, len(k.arena)/len(k.short)*(n-len(k.short)))
	}
}

func (k *strKey) build(mem memory.Allocator, order []uint32) arrow.Array {
	valid := func(g uint32) bool { return k.short[g].n != nullLen }
	value := func(g uint32) []byte { return k.arena[k.offs[g]:k.offs[g+1]] }
	return buildStrings(mem, k.dt, order, value, valid)
}

func (k *strKey) bytes() int64 {
	return int64(cap(k.arena)) + int64(cap(k.offs))*8 + int64(cap(k.short))*24
}
