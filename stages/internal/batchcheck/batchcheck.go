package batchcheck

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// ErrPanic is wrapped by the error for a batch on which arrow-go's own
// check panicked: corrupt in a way Check does not yet catch first.
var ErrPanic = errors.New("batchcheck: arrow-go's validation panicked")

// Check returns nil when every column of rec is consistent, else an error
// naming the first column that is not.
func Check(rec arrow.RecordBatch) error {
	for i, col := range rec.Columns() {
		if err := offsets(col.Data()); err != nil {
			return fmt.Errorf("column %d (%s): %w", i, rec.Schema().Field(i).Name, err)
		}
	}
	return validateFull(rec)
}

// validateFull runs arrow-go's check, containing a panic in it.
func validateFull(rec arrow.RecordBatch) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%w: %v", ErrPanic, p)
		}
	}()
	return array.ValidateRecordFull(rec)
}

// offsets checks the offsets of every string and binary array in d and its
// children: inside the values, never decreasing.
func offsets(d arrow.ArrayData) error {
	width := 0
	switch d.DataType().ID() {
	case arrow.STRING, arrow.BINARY:
		width = 4
	case arrow.LARGE_STRING, arrow.LARGE_BINARY:
		width = 8
	}
	if width > 0 && d.Len() > 0 {
		if err := checkOffsets(d, width); err != nil {
			return err
		}
	}
	for _, c := range d.Children() {
		if c == nil {
			return errors.New("a child array is missing")
		}
		if err := offsets(c); err != nil {
			return err
		}
	}
	// Dictionary returns a typed nil for plain data, so ask the type.
	if d.DataType().ID() == arrow.DICTIONARY {
		if dict, ok := d.Dictionary().(*array.Data); ok && dict != nil {
			if err := offsets(dict); err != nil {
				return fmt.Errorf("dictionary: %w", err)
			}
		}
	}
	return nil
}

func checkOffsets(d arrow.ArrayData, width int) error {
	bufs := d.Buffers()
	if len(bufs) < 3 || bufs[1] == nil || d.Offset() < 0 {
		return fmt.Errorf("%s array of %d values has no offsets", d.DataType(), d.Len())
	}
	offs := bufs[1].Bytes()
	first, n := d.Offset(), d.Len()+1
	if first > len(offs)/width || n > len(offs)/width-first {
		return fmt.Errorf("%s array: %d offsets from %d do not fit a buffer of %d bytes", d.DataType(), n, first, len(offs))
	}
	var size int64
	if bufs[2] != nil {
		size = int64(bufs[2].Len())
	}
	prev := int64(0)
	for i := range n {
		at := (first + i) * width
		var o int64
		if width == 4 {
			o = int64(int32(binary.LittleEndian.Uint32(offs[at:])))
		} else {
			o = int64(binary.LittleEndian.Uint64(offs[at:]))
		}
		if o < prev || o > size {
			return fmt.Errorf("%s array: offset %d of value %d is outside %d..%d", d.DataType(), o, first+i, prev, size)
		}
		prev = o
	}
	return nil
}
