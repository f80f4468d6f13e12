package sharedmem

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// Sizes is what a batch occupies: Live, the bytes its rows take (for a
// slice, only the sliced part of each buffer); Pinned, the bytes of the
// buffers it keeps alive, at least Live and much more for a small slice of
// a large batch.
type Sizes struct {
	Live, Pinned int64
}

// MeasureSizes returns both sizes of rec in one walk over its columns, so
// that Auto's routing costs little more than the live size alone.
func MeasureSizes(rec arrow.RecordBatch) Sizes {
	var s Sizes
	for _, col := range rec.Columns() {
		live, pinned := columnSizes(col.Data(), true)
		s.Live += live
		s.Pinned += pinned
	}
	return s
}

// LiveBytes is Sizes.Live of rec (~6 ns a column).
func LiveBytes(rec arrow.RecordBatch) int64 {
	var n int64
	for _, col := range rec.Columns() {
		live, _ := columnSizes(col.Data(), false)
		n += live
	}
	return n
}

// PinnedBytes is Sizes.Pinned of rec: the bytes of every buffer its
// columns hold, children included. Stateful verbs count held batches by it.
func PinnedBytes(rec arrow.RecordBatch) int64 {
	var n int64
	for _, col := range rec.Columns() {
		n += pinnedBytes(col.Data())
	}
	return n
}

// columnSizes returns the live bytes of one column and, when wantPinned,
// the bytes its buffers pin. The handoff measures every batch it moves, so
// this works on the concrete *array.Data (every arrow-go array's) and
// switches on the type ID rather than on interfaces.
func columnSizes(ad arrow.ArrayData, wantPinned bool) (live, pinned int64) {
	d, ok := ad.(*array.Data)
	if !ok {
		p := pinnedBytes(ad)
		return p, p
	}
	bufs := d.Buffers()
	if wantPinned {
		for _, b := range bufs {
			if b != nil {
				pinned += int64(b.Len())
			}
		}
	}
	length, offset := int64(d.Len()), int64(d.Offset())
	if len(bufs) > 0 && bufs[0] != nil {
		live += (length + 7) / 8
	}
	dt := d.DataType()
	switch dt.ID() {
	case arrow.INT64, arrow.UINT64, arrow.FLOAT64, arrow.TIMESTAMP, arrow.DATE64, arrow.TIME64, arrow.DURATION:
		return live + length*8, pinned
	case arrow.INT32, arrow.UINT32, arrow.FLOAT32, arrow.DATE32, arrow.TIME32:
		return live + length*4, pinned
	case arrow.BOOL:
		return live + (length+7)/8, pinned
	case arrow.STRING, arrow.BINARY:
		if length == 0 || len(bufs) < 3 || bufs[1] == nil {
			return live, pinned
		}
		offs := arrow.Int32Traits.CastFromBytes(bufs[1].Bytes())
		return live + (length+1)*4 + int64(offs[offset+length]-offs[offset]), pinned
	case arrow.LARGE_STRING, arrow.LARGE_BINARY:
		if length == 0 || len(bufs) < 3 || bufs[1] == nil {
			return live, pinned
		}
		offs := arrow.Int64Traits.CastFromBytes(bufs[1].Bytes())
		return live + (length+1)*8 + offs[offset+length] - offs[offset], pinned
	}
	if fw, ok := dt.(arrow.FixedWidthDataType); ok && len(d.Children()) == 0 {
		return live + length*int64(fw.BitWidth()/8), pinned
	}
	// Nested and other layouts: count what they pin.
	p := pinnedBytes(d)
	return p, p
}

// ArrayPinnedBytes is the bytes of every buffer of one array's data,
// children included.
func ArrayPinnedBytes(d arrow.ArrayData) int64 { return pinnedBytes(d) }

func pinnedBytes(d arrow.ArrayData) int64 {
	var n int64
	for _, b := range d.Buffers() {
		if b != nil {
			n += int64(b.Len())
		}
	}
	for _, c := range d.Children() {
		n += pinnedBytes(c)
	}
	return n
}
