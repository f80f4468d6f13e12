package jsonin

import (
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
)

// kind is how a column reads JSON values.
type kind uint8

const (
	kString kind = iota
	kLargeString
	kInt64
	kInt32
	kInt16
	kInt8
	kUint64
	kUint32
	kUint16
	kUint8
	kFloat64
	kFloat32
	kBool
	kTimestamp
	kDate32
	kList // of kString, kInt64, kFloat64 or kBool elements
	kDecimal128
	kStructElem // the object elements of a list<struct> column
)

func kindOf(t arrow.DataType) (kind, bool) {
	switch t.ID() {
	case arrow.STRING:
		return kString, true
	case arrow.LARGE_STRING:
		return kLargeString, true
	case arrow.INT64:
		return kInt64, true
	case arrow.INT32:
		return kInt32, true
	case arrow.INT16:
		return kInt16, true
	case arrow.INT8:
		return kInt8, true
	case arrow.UINT64:
		return kUint64, true
	case arrow.UINT32:
		return kUint32, true
	case arrow.UINT16:
		return kUint16, true
	case arrow.UINT8:
		return kUint8, true
	case arrow.FLOAT64:
		return kFloat64, true
	case arrow.FLOAT32:
		return kFloat32, true
	case arrow.BOOL:
		return kBool, true
	case arrow.TIMESTAMP:
		return kTimestamp, true
	case arrow.DATE32:
		return kDate32, true
	case arrow.DECIMAL128:
		return kDecimal128, true
	case arrow.LIST:
		_, ok := listElem(t)
		return kList, ok
	}
	return 0, false
}

// A node is one JSON object level of the schema: its known keys.
type node struct {
	prefix string // dotted path of this object, with a trailing dot
	id     int    // this object's presence slot (Decoder.objs); -1 for the line
	fields []field
	index  map[string]int
}

// A field is a known key: a column (col >= 0) or a nested object (obj).
type field struct {
	key string
	col int
	obj *node
}

// lookup finds key, trying first the k-th field: lines usually repeat the
// key order of the schema.
func (n *node) lookup(k int, key []byte) *field {
	if k < len(n.fields) && n.fields[k].key == string(key) {
		return &n.fields[k]
	}
	if j, ok := n.index[string(key)]; ok {
		return &n.fields[j]
	}
	return nil
}

// Observed value kinds, as bits.
const (
	seenNull uint16 = 1 << iota
	seenBool
	seenInt
	seenFloat
	seenString
	seenObject
	seenArray
	seenNonTimestamp // a string that is neither a date nor a date-time
	seenNanos        // a date-time string with more than 6 fractional digits
	seenBeyondNanos  // a date or date-time string beyond timestamp[ns]'s range
	seenBigNumber    // an integer beyond int64 or a number beyond float64
	seenDateTime     // a date-time string (textval.ParseDateTime)
	seenZoned        // a date-time string that names its zone
)

// An inode gathers what the sample shows about one key.
type inode struct {
	key      string
	seen     uint16
	elems    uint16 // the kinds of the elements of its arrays
	elem     *inode // the keys of its arrays' object elements
	override arrow.DataType
	declared bool // some descendant has an override
	children []*inode
	index    map[string]*inode
}

func (n *inode) child(key string) *inode {
	if c, ok := n.index[key]; ok {
		return c
	}
	if n.index == nil {
		n.index = make(map[string]*inode)
	}
	c := &inode{key: key}
	n.index[key] = c
	n.children = append(n.children, c)
	return c
}

// declare applies a schema override.
func (n *inode) declare(f Field) error {
	parts := strings.Split(f.Name, ".")
	cur := n
	for _, p := range parts {
		if cur.override != nil {
			return fmt.Errorf("jsonin: schema field %q is inside declared column of type %s", f.Name, cur.override)
		}
		cur.declared = true
		cur = cur.child(p)
	}
	if cur.override != nil || cur.declared {
		return fmt.Errorf("jsonin: schema field %q declared twice or with declared sub-fields", f.Name)
	}
	cur.override = f.Type
	return nil
}

// isObject says whether the key is read as a nested object.
func (n *inode) isObject() bool {
	if n.override != nil {
		return false
	}
	if n.declared {
		return true
	}
	return n.seen&^seenNull == seenObject && len(n.children) > 0
}

// leafType resolves the column type of a key from what the sample showed.
func (n *inode) leafType() arrow.DataType {
	if n.override != nil {
		return n.override
	}
	if n.seen&^seenNull == seenArray {
		if t := structListType(n); t != nil {
			return t
		}
		if t := listType(n.elems); t != nil {
			return t
		}
	}
	switch n.seen &^ (seenNull | seenNonTimestamp | seenNanos | seenBeyondNanos | seenDateTime | seenZoned) {
	case seenBool:
		return arrow.FixedWidthTypes.Boolean
	case seenInt:
		return arrow.PrimitiveTypes.Int64
	case seenFloat, seenInt | seenFloat:
		return arrow.PrimitiveTypes.Float64
	case seenString:
		switch {
		case n.seen&seenNonTimestamp != 0:
		case n.seen&seenDateTime == 0:
			return arrow.FixedWidthTypes.Date32
		case n.seen&seenNanos == 0:
			return &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: n.zone()}
		case n.seen&seenBeyondNanos == 0:
			return &arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: n.zone()}
		}
		// Not all date-times, or some need nanoseconds and some are
		// beyond their range: the text keeps them all.
	}
	return arrow.BinaryTypes.String
}

// zone is the time zone of a date-time column: UTC when a sampled value
// named its zone, else none (wall-clock times), as csvin infers it.
func (n *inode) zone() string {
	if n.seen&seenZoned != 0 {
		return "UTC"
	}
	return ""
}

// build turns the inference tree into the decode tree and the leaf
// columns' fields (dotted names), depth first in order of first
// appearance; objs counts the nested objects, which get presence slots.
func build(in *inode, prefix string, fields *[]arrow.Field, kinds *[]kind, objs *int) *node {
	n := &node{prefix: prefix, id: -1, index: make(map[string]int, len(in.children))}
	if prefix != "" {
		n.id = *objs
		*objs++
	}
	for _, c := range in.children {
		f := field{key: c.key, col: -1}
		if c.isObject() {
			f.obj = build(c, prefix+c.key+".", fields, kinds, objs)
		} else {
			t := c.leafType()
			k, _ := kindOf(t)
			f.col = len(*fields)
			*fields = append(*fields, arrow.Field{Name: prefix + c.key, Type: t, Nullable: true})
			*kinds = append(*kinds, k)
		}
		n.index[c.key] = len(n.fields)
		n.fields = append(n.fields, f)
	}
	return n
}
