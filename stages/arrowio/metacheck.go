package arrowio

import (
	"encoding/binary"
	"errors"
)

// errBadMetadata is returned for a schema message whose lists claim more
// entries than its bytes can hold. arrow-go sizes slices by those claims
// before it reads the entries, so a few corrupt bytes could make it
// allocate gigabytes and kill the process instead of failing.
var errBadMetadata = errors.New("arrowio: corrupt schema message: a list is longer than the message")

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
	fieldChildren         = 5
	fieldCustomMetadata   = 6
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
	if o+2 > vtSize || vt+o+2 > len(b) {
		return 0, true
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

// checkMetadata checks the list lengths of a schema message's metadata
// (the flatbuffer after the length prefix); other messages pass.
func checkMetadata(meta []byte) error {
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
	if !b.checkVector(root, messageCustomMetadata, 4) || !b.checkVector(schema, schemaCustomMetadata, 4) ||
		!b.checkVector(schema, schemaFeatures, 8) || !b.checkFields(schema, schemaFields, 0, new(int)) {
		return errBadMetadata
	}
	return nil
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
		p := start + 4*i
		off, _ := b.u32(p)
		f := p + off
		if f >= len(b) || !b.checkVector(f, fieldCustomMetadata, 4) || !b.checkFields(f, fieldChildren, depth+1, visited) {
			return false
		}
	}
	return true
}
