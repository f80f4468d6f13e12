package ipcmeta

import (
	"encoding/binary"
	"errors"
)

// ErrCorrupt is returned for a schema message whose lists claim more
// entries than its bytes can hold.
var ErrCorrupt = errors.New("corrupt Arrow schema message: a list is longer than the message")

// Flatbuffer field ids of the IPC metadata tables (format/Message.fbs,
// format/Schema.fbs).
const (
	messageHeaderType     = 1
	messageHeader         = 2
	messageCustomMetadata = 4
	headerSchema          = 1
	schemaFields          = 1
	schemaCustomMetadata  = 2
	schemaFeatures        = 3
	fieldName             = 0
	fieldChildren         = 5
	fieldCustomMetadata   = 6
	keyValueKey           = 0
	keyValueValue         = 1
	footerSchema          = 1
	footerDictionaries    = 2
	footerRecordBatches   = 3
	footerCustomMetadata  = 4
	blockSize             = 24 // a Block struct: offset, metadata length, body length
	maxFieldDepth         = 64 // deeper nesting is refused as corrupt
)

// fbuf is a flatbuffer whose every offset is checked before use.
type fbuf []byte

func (b fbuf) u32(pos int) (int, bool) {
	if pos < 0 || pos+4 > len(b) {
		return 0, false
	}
	return int(binary.LittleEndian.Uint32(b[pos:])), true
}

// field returns the position of field id of the table at tab, 0 when the
// field is absent.
func (b fbuf) field(tab, id int) (int, bool) {
	soff, ok := b.u32(tab)
	if !ok {
		return 0, false
	}
	vt := tab - int(int32(uint32(soff)))
	if vt < 0 || vt+4 > len(b) {
		return 0, false
	}
	vtSize := int(binary.LittleEndian.Uint16(b[vt:]))
	o := 4 + 2*id
	if o >= vtSize {
		// Absent, by flatbuffers' rule (an entry that starts inside the
		// vtable's size is read, even when the size is odd).
		return 0, true
	}
	if vt+o+2 > len(b) {
		return 0, false
	}
	fo := int(binary.LittleEndian.Uint16(b[vt+o:]))
	if fo == 0 {
		return 0, true
	}
	return tab + fo, tab+fo < len(b)
}

// ref follows the offset stored at field id of the table at tab; 0 when
// the field is absent.
func (b fbuf) ref(tab, id int) (int, bool) {
	p, ok := b.field(tab, id)
	if !ok || p == 0 {
		return 0, ok
	}
	off, ok := b.u32(p)
	if !ok || p+off >= len(b) {
		return 0, false
	}
	return p + off, true
}

// vector returns the element count and the first element's position of
// the vector at field id, checking that n elements of size bytes fit.
func (b fbuf) vector(tab, id, size int) (n, start int, ok bool) {
	v, ok := b.ref(tab, id)
	if !ok || v == 0 {
		return 0, 0, ok
	}
	n, ok = b.u32(v)
	if !ok || n > (len(b)-v-4)/size {
		return 0, 0, false
	}
	return n, v + 4, true
}

// Check checks the list lengths of a schema message's metadata (the
// flatbuffer after the length prefix); other messages pass. Only the
// lists are checked: arrow-go reports the rest.
func Check(meta []byte) error {
	b := fbuf(meta)
	root, ok := b.u32(0)
	if !ok {
		return nil // arrow-go reports it
	}
	ht, ok := b.field(root, messageHeaderType)
	if !ok || ht == 0 || b[ht] != headerSchema {
		return nil
	}
	schema, ok := b.ref(root, messageHeader)
	if !ok || schema == 0 {
		return nil
	}
	if !b.checkKeyValues(root, messageCustomMetadata) || !b.checkSchema(schema) {
		return ErrCorrupt
	}
	return nil
}

// CheckFooter checks the footer of the IPC file format (the flatbuffer
// before its length and the closing magic): its schema as Check does, and
// that its lists of blocks fit. Unlike a message, arrow-go decodes the
// footer without containing a panic, so a footer whose root table is out
// of bounds is refused too.
func CheckFooter(footer []byte) error {
	b := fbuf(footer)
	root, ok := b.u32(0)
	if !ok || root >= len(b) {
		return ErrCorrupt
	}
	schema, ok := b.ref(root, footerSchema)
	if !ok || (schema != 0 && !b.checkSchema(schema)) || !b.checkVector(root, footerDictionaries, blockSize) ||
		!b.checkVector(root, footerRecordBatches, blockSize) || !b.checkKeyValues(root, footerCustomMetadata) {
		return ErrCorrupt
	}
	return nil
}

func (b fbuf) checkSchema(schema int) bool {
	return b.checkKeyValues(schema, schemaCustomMetadata) && b.checkVector(schema, schemaFeatures, 8) &&
		b.checkFields(schema, schemaFields, 0, new(int))
}

// checkKeyValues checks a vector of KeyValue tables and their strings.
func (b fbuf) checkKeyValues(tab, id int) bool {
	n, start, ok := b.vector(tab, id, 4)
	if !ok {
		return false
	}
	for i := range n {
		kv, ok := b.elem(start, i)
		if !ok || !b.checkVector(kv, keyValueKey, 1) || !b.checkVector(kv, keyValueValue, 1) {
			return false
		}
	}
	return true
}

// elem follows the i-th offset of a vector of tables starting at start.
func (b fbuf) elem(start, i int) (int, bool) {
	p := start + 4*i
	off, ok := b.u32(p)
	if !ok || p+off >= len(b) {
		return 0, false
	}
	return p + off, true
}

func (b fbuf) checkVector(tab, id, size int) bool {
	_, _, ok := b.vector(tab, id, size)
	return ok
}

// checkFields checks the vector of Field tables at field id of tab, and
// their children, recursively. visited counts the fields seen: a schema
// lists each field once, so more visits than the buffer has 4-byte entries
// mean tables shared or looped to make arrow-go's walk explode.
func (b fbuf) checkFields(tab, id, depth int, visited *int) bool {
	n, start, ok := b.vector(tab, id, 4)
	if !ok || depth > maxFieldDepth {
		return false
	}
	for i := range n {
		if *visited++; *visited > len(b)/4 {
			return false
		}
		f, ok := b.elem(start, i)
		if !ok || !b.checkVector(f, fieldName, 1) || !b.checkKeyValues(f, fieldCustomMetadata) ||
			!b.checkFields(f, fieldChildren, depth+1, visited) {
			return false
		}
	}
	return true
}

// CheckMessage checks a whole encapsulated message, as pqarrow stores the
// Arrow schema in a Parquet footer: an optional continuation token, the
// metadata's length, then the metadata, which Check checks. A message too
// short for its length prefix passes: arrow-go reports it.
func CheckMessage(msg []byte) error {
	if len(msg) >= 4 && binary.LittleEndian.Uint32(msg) == 0xffffffff {
		msg = msg[4:]
	}
	if len(msg) < 4 {
		return nil
	}
	n := int(binary.LittleEndian.Uint32(msg))
	if msg = msg[4:]; n > len(msg) {
		return nil
	}
	return Check(msg[:n])
}
