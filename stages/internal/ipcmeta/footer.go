package ipcmeta

import (
	"encoding/binary"
	"errors"
)

// errFooterLayout is returned for a footer not laid out as arrow-go's
// writer lays out that of a file without batches.
var errFooterLayout = errors.New("ipcmeta: unexpected footer layout")

// FooterWithBlocks returns footer, that of a file without record batches
// as arrow-go writes it, listing recs as its record batches: their
// blocks are inserted into its empty list, and the offsets that cross
// the insertion moved. arrow-go builds the footer's parts before the
// footer table, so they lie after it in the buffer, the list of record
// batches first: only the footer table's own offsets cross.
func FooterWithBlocks(footer []byte, recs []Block) ([]byte, error) {
	b := fbuf(footer)
	root, ok := b.u32(0)
	if !ok || root >= len(b) || len(b)%8 != 0 {
		return nil, errFooterLayout
	}
	v, ok := b.ref(root, footerRecordBatches)
	if !ok || v <= root {
		return nil, errFooterLayout
	}
	if n, ok := b.u32(v); !ok || n != 0 {
		return nil, errFooterLayout
	}
	at := v + 4 // where the blocks go: 8-byte aligned, as Block's int64s need
	if at%8 != 0 {
		return nil, errFooterLayout
	}
	delta := blockSize * len(recs)
	out := make([]byte, 0, len(footer)+delta)
	out = append(out, footer[:at]...)
	for _, r := range recs {
		out = binary.LittleEndian.AppendUint64(out, uint64(r.Offset))
		out = binary.LittleEndian.AppendUint32(out, uint32(r.Meta))
		out = binary.LittleEndian.AppendUint32(out, 0) // padding
		out = binary.LittleEndian.AppendUint64(out, uint64(r.Body))
	}
	out = append(out, footer[at:]...)
	binary.LittleEndian.PutUint32(out[v:], uint32(len(recs)))
	// The footer table's vtable, when shared with a table after at.
	if vt := root - int(int32(binary.LittleEndian.Uint32(footer[root:]))); vt >= at {
		binary.LittleEndian.PutUint32(out[root:], uint32(int32(root-(vt+delta))))
	} else if vt < 0 || vt+2 > len(footer) || vt+int(binary.LittleEndian.Uint16(footer[vt:])) > at {
		return nil, errFooterLayout
	}
	for _, id := range []int{footerSchema, footerDictionaries, footerCustomMetadata} {
		p, ok := b.field(root, id)
		if !ok {
			return nil, errFooterLayout
		}
		if p == 0 {
			continue
		}
		if p+4 > at {
			return nil, errFooterLayout
		}
		off, _ := b.u32(p)
		if p+off >= at {
			binary.LittleEndian.PutUint32(out[p:], uint32(off+delta))
		}
	}
	return out, nil
}
