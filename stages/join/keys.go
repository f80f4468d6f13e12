package join

import (
	"encoding/binary"
	"fmt"
	"math"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/arrowpipe/arrowpipe/stages/internal/arrowtype"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// class is what a key type compares as: keys of one class are compared
// by value whatever their width (int32 against int64, string against
// large_string or a dictionary of strings).
type class int

const (
	classInt    class = iota // int8..int64, uint8..uint32: as int64
	classUint64              // uint64: equal only to uint64
	classFloat               // float32, float64: as float64, -0 = 0, NaN = NaN
	classBool
	classString  // string, large_string
	classBinary  // binary, large_binary
	classTime    // date, timestamp, time, duration: only the same type
	classDecimal // decimal32..256: only the same width and scale, by its bytes
)

// keyClass returns the class of a key column's type; a dictionary's is
// its values'.
func keyClass(dt arrow.DataType) (class, error) {
	if d, ok := dt.(*arrow.DictionaryType); ok {
		dt = d.ValueType
	}
	switch dt.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64, arrow.UINT8, arrow.UINT16, arrow.UINT32:
		return classInt, nil
	case arrow.UINT64:
		return classUint64, nil
	case arrow.FLOAT32, arrow.FLOAT64:
		return classFloat, nil
	case arrow.BOOL:
		return classBool, nil
	case arrow.STRING, arrow.LARGE_STRING:
		return classString, nil
	case arrow.BINARY, arrow.LARGE_BINARY:
		return classBinary, nil
	case arrow.DATE32, arrow.DATE64, arrow.TIMESTAMP, arrow.TIME32, arrow.TIME64, arrow.DURATION:
		return classTime, nil
	case arrow.DECIMAL32, arrow.DECIMAL64, arrow.DECIMAL128, arrow.DECIMAL256:
		return classDecimal, nil
	}
	return 0, verb.TypeLimit("", dt, fmt.Errorf("cannot join on a column of type %s", dt))
}

// valueType is a column's type with any dictionary decoded.
func valueType(dt arrow.DataType) arrow.DataType {
	if d, ok := dt.(*arrow.DictionaryType); ok {
		return d.ValueType
	}
	return dt
}

// compatible checks that a stream key of type s can equal a table key of
// type t.
func compatible(s, t arrow.DataType) error {
	cs, err := keyClass(s)
	if err != nil {
		return err
	}
	ct, err := keyClass(t)
	if err != nil {
		return err
	}
	s, t = valueType(s), valueType(t)
	switch {
	case cs != ct:
		return fmt.Errorf("%s cannot equal %s; cast one side first", s, t)
	case cs == classDecimal && !sameDecimal(s, t):
		return fmt.Errorf("%s cannot equal %s (a different scale or width); cast one side first (cast COL:decimal(p,s))", s, t)
	case cs == classTime && !arrowtype.Same(s, t):
		return fmt.Errorf("%s cannot equal %s (different units or kinds of time); cast one side first", s, t)
	}
	return nil
}

// fixedKeys writes the keys of a column of a fixed-width class as 64-bit
// words, equal words for equal keys, into dst[:arr.Len()].
func fixedKeys(arr arrow.Array, dst []uint64) []uint64 {
	n := arr.Len()
	dst = dst[:0]
	switch a := arr.(type) {
	case *array.Int8:
		for i := range n {
			dst = append(dst, uint64(int64(a.Value(i))))
		}
	case *array.Int16:
		for i := range n {
			dst = append(dst, uint64(int64(a.Value(i))))
		}
	case *array.Int32:
		for _, v := range a.Int32Values() {
			dst = append(dst, uint64(int64(v)))
		}
	case *array.Int64:
		for _, v := range a.Int64Values() {
			dst = append(dst, uint64(v))
		}
	case *array.Uint8:
		for i := range n {
			dst = append(dst, uint64(a.Value(i)))
		}
	case *array.Uint16:
		for i := range n {
			dst = append(dst, uint64(a.Value(i)))
		}
	case *array.Uint32:
		for i := range n {
			dst = append(dst, uint64(a.Value(i)))
		}
	case *array.Uint64:
		dst = append(dst, a.Uint64Values()...)
	case *array.Float32:
		for i := range n {
			dst = append(dst, floatKey(float64(a.Value(i))))
		}
	case *array.Float64:
		for _, v := range a.Float64Values() {
			dst = append(dst, floatKey(v))
		}
	case *array.Boolean:
		for i := range n {
			if a.Value(i) {
				dst = append(dst, 1)
			} else {
				dst = append(dst, 0)
			}
		}
	case *array.Date32:
		for i := range n {
			dst = append(dst, uint64(int64(a.Value(i))))
		}
	case *array.Date64:
		for i := range n {
			dst = append(dst, uint64(int64(a.Value(i))))
		}
	case *array.Timestamp:
		for i := range n {
			dst = append(dst, uint64(int64(a.Value(i))))
		}
	case *array.Time32:
		for i := range n {
			dst = append(dst, uint64(int64(a.Value(i))))
		}
	case *array.Time64:
		for i := range n {
			dst = append(dst, uint64(int64(a.Value(i))))
		}
	case *array.Duration:
		for i := range n {
			dst = append(dst, uint64(int64(a.Value(i))))
		}
	default:
		panic(fmt.Sprintf("join: fixedKeys of %T", arr)) // Build checked the types
	}
	return dst
}

// floatKey makes -0 equal 0 and every NaN one key (DuckDB's semantics).
func floatKey(f float64) uint64 {
	switch {
	case f == 0:
		return 0
	case f != f:
		return 0x7ff8000000000001
	}
	return math.Float64bits(f)
}

// bytesAt returns the i-th value of a string or binary column.
type bytesAt func(i int) string

func bytesOf(arr arrow.Array) bytesAt {
	switch a := arr.(type) {
	case *array.String:
		return a.Value
	case *array.LargeString:
		return a.Value
	case *array.Binary:
		return a.ValueString
	case *array.LargeBinary:
		return func(i int) string { return string(a.Value(i)) }
	}
	if at, ok := decimalBytes(arr); ok {
		return at
	}
	panic(fmt.Sprintf("join: bytesOf %T", arr))
}

// keyMode is how a batch's key tuple becomes one map key.
type keyMode int

const (
	modeWord   keyMode = iota // one fixed-width key: its 64-bit word
	modeString                // one string or binary key: its bytes
	modeTuple                 // several keys: their words and length-prefixed bytes
)

func modeOf(classes []class) keyMode {
	switch {
	case len(classes) != 1:
		return modeTuple
	case classes[0] == classString || classes[0] == classBinary || classes[0] == classDecimal:
		return modeString
	}
	return modeWord
}

// batchKeys holds one batch's keys in the form its keyMode looks up, and
// which rows have a null key (never equal to anything). Its buffers are
// reused from batch to batch.
type batchKeys struct {
	mode  keyMode
	n     int
	null  []bool // nil when no key is null
	words []uint64
	str   bytesAt
	tuple []byte
	ends  []int
	// scratch per key column for tuples
	scratch [][]uint64
}

// load reads the key columns cols of one batch (dictionary-free).
func (k *batchKeys) load(cols []arrow.Array) {
	n := cols[0].Len()
	k.n = n
	k.null = k.null[:0]
	hasNull := false
	for _, c := range cols {
		if c.NullN() > 0 {
			hasNull = true
		}
	}
	if hasNull {
		k.null = append(k.null, make([]bool, n)...)
		for _, c := range cols {
			if c.NullN() == 0 {
				continue
			}
			for i := range n {
				if c.IsNull(i) {
					k.null[i] = true
				}
			}
		}
	} else {
		k.null = nil
	}
	switch k.mode {
	case modeWord:
		k.words = fixedKeys(cols[0], k.words)
	case modeString:
		k.str = bytesOf(cols[0])
	case modeTuple:
		if len(k.scratch) < len(cols) {
			k.scratch = make([][]uint64, len(cols))
		}
		strs := make([]bytesAt, len(cols))
		for c, col := range cols {
			switch col.DataType().ID() {
			case arrow.STRING, arrow.LARGE_STRING, arrow.BINARY, arrow.LARGE_BINARY,
				arrow.DECIMAL32, arrow.DECIMAL64, arrow.DECIMAL128, arrow.DECIMAL256:
				strs[c] = bytesOf(col)
			default:
				k.scratch[c] = fixedKeys(col, k.scratch[c])
			}
		}
		k.tuple, k.ends = k.tuple[:0], k.ends[:0]
		for i := range n {
			for c := range cols {
				if strs[c] != nil {
					s := strs[c](i)
					k.tuple = binary.AppendUvarint(k.tuple, uint64(len(s)))
					k.tuple = append(k.tuple, s...)
				} else {
					k.tuple = binary.LittleEndian.AppendUint64(k.tuple, k.scratch[c][i])
				}
			}
			k.ends = append(k.ends, len(k.tuple))
		}
	}
}

func (k *batchKeys) isNull(i int) bool { return k.null != nil && k.null[i] }

// tupleAt returns the encoded tuple of row i (valid until the next load).
func (k *batchKeys) tupleAt(i int) []byte {
	lo := 0
	if i > 0 {
		lo = k.ends[i-1]
	}
	return k.tuple[lo:k.ends[i]]
}

// index maps key tuples to int32 values (the first row of a chain, or a
// group number). Lookups are safe for concurrent use once it is built.
type index struct {
	mode  keyMode
	words *wordTable
	rows  *strTable // a single string key whose values are table rows
	strs  map[string]int32
}

func newIndex(mode keyMode, hint int) *index {
	ix := &index{mode: mode}
	if mode == modeWord {
		ix.words = newWordTable(hint)
	} else {
		ix.strs = make(map[string]int32, hint)
	}
	return ix
}

// get looks up row i of k.
func (ix *index) get(k *batchKeys, i int) (int32, bool) {
	switch ix.mode {
	case modeWord:
		return ix.words.get(k.words[i])
	case modeString:
		if ix.rows != nil {
			return ix.rows.get(k.str(i))
		}
		v, ok := ix.strs[k.str(i)]
		return v, ok
	}
	v, ok := ix.strs[string(k.tupleAt(i))]
	return v, ok
}

// heads appends the value of each of the n rows of k, -1 for a row
// with a null key or none. The lookups run in a loop of their own, so
// that the cache misses of a large table overlap.
func (ix *index) heads(k *batchKeys, dst []int32, n int) []int32 {
	if ix.len() == 0 {
		for range n {
			dst = append(dst, -1)
		}
		return dst
	}
	if ix.mode == modeWord {
		dst = ix.words.getAll(k.words[:n], dst)
	} else {
		for i := range n {
			v, ok := ix.get(k, i)
			if !ok {
				v = -1
			}
			dst = append(dst, v)
		}
	}
	if k.null != nil {
		for i, null := range k.null[:n] {
			if null {
				dst[i] = -1
			}
		}
	}
	return dst
}

// put sets row i's value, copying the key.
func (ix *index) put(k *batchKeys, i int, v int32) {
	switch ix.mode {
	case modeWord:
		ix.words.put(k.words[i], v)
	case modeString:
		if ix.rows != nil {
			ix.rows.put(k.str(i), v)
			return
		}
		ix.strs[strings.Clone(k.str(i))] = v
	default:
		ix.strs[string(k.tupleAt(i))] = v
	}
}

func (ix *index) len() int {
	switch {
	case ix.mode == modeWord:
		return ix.words.n
	case ix.rows != nil:
		return ix.rows.n
	}
	return len(ix.strs)
}

// bytesPerEntry estimates a map entry's memory beyond the key's own bytes.
const bytesPerEntry = 48
