package join

import (
	"context"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/compute"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/arrowpipe/arrowpipe/stages/internal/kernelmem"
)

// take copies rows idx of arr into a new array owned by the caller; an
// index of -1 makes a null. Booleans, fixed-width types of whole bytes and
// (large) strings and binaries are copied here; any other type goes
// through arrow's Take kernel.
func take(ctx context.Context, mem memory.Allocator, arr arrow.Array, idx []int32) (arrow.Array, error) {
	n := len(idx)
	dt := arr.DataType()
	valid, nulls := takeValidity(mem, arr, idx)
	switch a := arr.(type) {
	case *array.String:
		return takeBinary(mem, dt, valid, nulls, n, a.ValueOffsets(), valueBuffer(a), idx), nil
	case *array.Binary:
		return takeBinary(mem, dt, valid, nulls, n, a.ValueOffsets(), valueBuffer(a), idx), nil
	case *array.LargeString:
		return takeLargeBinary(mem, dt, valid, nulls, n, a.ValueOffsets(), valueBuffer(a), idx), nil
	case *array.LargeBinary:
		return takeLargeBinary(mem, dt, valid, nulls, n, a.ValueOffsets(), valueBuffer(a), idx), nil
	case *array.Boolean:
		buf := memory.NewResizableBuffer(mem)
		buf.Resize(int(bitutil.BytesForBits(int64(n))))
		bits := buf.Bytes()
		clear(bits)
		for i, r := range idx {
			if r >= 0 && a.Value(int(r)) {
				bitutil.SetBit(bits, i)
			}
		}
		return finish(dt, n, nulls, valid, buf), nil
	}
	if fw, ok := dt.(arrow.FixedWidthDataType); ok && fw.BitWidth()%8 == 0 && dt.ID() != arrow.DICTIONARY && dt.ID() != arrow.EXTENSION {
		w := fw.BitWidth() / 8
		src := arr.Data().Buffers()[1].Bytes()[arr.Data().Offset()*w:]
		buf := memory.NewResizableBuffer(mem)
		buf.Resize(n * w)
		dst := buf.Bytes()
		switch w {
		case 8:
			for i, r := range idx {
				if r >= 0 {
					copy(dst[i*8:i*8+8], src[int(r)*8:int(r)*8+8])
				} else {
					clear(dst[i*8 : i*8+8])
				}
			}
		default:
			for i, r := range idx {
				if r >= 0 {
					copy(dst[i*w:i*w+w], src[int(r)*w:int(r)*w+w])
				} else {
					clear(dst[i*w : i*w+w])
				}
			}
		}
		return finish(dt, n, nulls, valid, buf), nil
	}
	if valid != nil {
		valid.Release()
	}
	return takeKernel(ctx, mem, arr, idx)
}

// valueBuffer is the whole value buffer of a string or binary array,
// which its offsets index (ValueBytes starts at the first offset).
func valueBuffer(a arrow.Array) []byte {
	if b := a.Data().Buffers()[2]; b != nil {
		return b.Bytes()
	}
	return nil
}

// takeKernel is take through arrow's kernel, for the other types.
func takeKernel(ctx context.Context, mem memory.Allocator, arr arrow.Array, idx []int32) (arrow.Array, error) {
	b := array.NewInt32Builder(mem)
	defer b.Release()
	for _, r := range idx {
		if r < 0 {
			b.AppendNull()
		} else {
			b.Append(r)
		}
	}
	ix := b.NewArray()
	defer ix.Release()
	ctx = compute.WithAllocator(ctx, kernelmem.Allocator(mem))
	out, err := compute.TakeArray(ctx, arr, ix)
	if err != nil {
		return nil, fmt.Errorf("take %s: %w", arr.DataType(), err)
	}
	return out, nil
}

// takeValidity builds the validity bitmap of the rows idx of arr (nil
// when none is null) and counts the nulls.
func takeValidity(mem memory.Allocator, arr arrow.Array, idx []int32) (*memory.Buffer, int) {
	hasNull := arr.NullN() > 0
	if !hasNull {
		for _, r := range idx {
			if r < 0 {
				hasNull = true
				break
			}
		}
	}
	if !hasNull {
		return nil, 0
	}
	buf := memory.NewResizableBuffer(mem)
	buf.Resize(int(bitutil.BytesForBits(int64(len(idx)))))
	bits := buf.Bytes()
	clear(bits)
	nulls := 0
	for i, r := range idx {
		if r >= 0 && arr.IsValid(int(r)) {
			bitutil.SetBit(bits, i)
		} else {
			nulls++
		}
	}
	return buf, nulls
}

func finish(dt arrow.DataType, n, nulls int, valid *memory.Buffer, bufs ...*memory.Buffer) arrow.Array {
	data := array.NewData(dt, n, append([]*memory.Buffer{valid}, bufs...), nil, nulls, 0)
	out := array.MakeFromData(data)
	data.Release()
	if valid != nil {
		valid.Release()
	}
	for _, b := range bufs {
		b.Release()
	}
	return out
}

func takeBinary(mem memory.Allocator, dt arrow.DataType, valid *memory.Buffer, nulls, n int, offs []int32, data []byte, idx []int32) arrow.Array {
	total := 0
	for _, r := range idx {
		if r >= 0 {
			total += int(offs[r+1] - offs[r])
		}
	}
	ob := memory.NewResizableBuffer(mem)
	ob.Resize((n + 1) * 4)
	o := arrow.Int32Traits.CastFromBytes(ob.Bytes())
	vb := memory.NewResizableBuffer(mem)
	vb.Resize(total)
	v := vb.Bytes()
	at := int32(0)
	for i, r := range idx {
		o[i] = at
		if r >= 0 {
			at += int32(copy(v[at:], data[offs[r]:offs[r+1]]))
		}
	}
	o[n] = at
	return finish(dt, n, nulls, valid, ob, vb)
}

func takeLargeBinary(mem memory.Allocator, dt arrow.DataType, valid *memory.Buffer, nulls, n int, offs []int64, data []byte, idx []int32) arrow.Array {
	total := int64(0)
	for _, r := range idx {
		if r >= 0 {
			total += offs[r+1] - offs[r]
		}
	}
	ob := memory.NewResizableBuffer(mem)
	ob.Resize((n + 1) * 8)
	o := arrow.Int64Traits.CastFromBytes(ob.Bytes())
	vb := memory.NewResizableBuffer(mem)
	vb.Resize(int(total))
	v := vb.Bytes()
	at := int64(0)
	for i, r := range idx {
		o[i] = at
		if r >= 0 {
			at += int64(copy(v[at:], data[offs[r]:offs[r+1]]))
		}
	}
	o[n] = at
	return finish(dt, n, nulls, valid, ob, vb)
}

// undict returns rec with every dictionary column decoded to its value
// type, consuming rec. A batch without dictionaries comes back as it is.
func undict(ctx context.Context, mem memory.Allocator, schema *arrow.Schema, rec arrow.RecordBatch) (arrow.RecordBatch, error) {
	hasDict := false
	for _, c := range rec.Columns() {
		if c.DataType().ID() == arrow.DICTIONARY {
			hasDict = true
		}
	}
	if !hasDict {
		return rec, nil
	}
	defer rec.Release()
	cols := make([]arrow.Array, rec.NumCols())
	defer func() {
		for _, c := range cols {
			if c != nil {
				c.Release()
			}
		}
	}()
	ctx = compute.WithAllocator(ctx, kernelmem.Allocator(mem))
	for i, c := range rec.Columns() {
		d, ok := c.(*array.Dictionary)
		if !ok {
			c.Retain()
			cols[i] = c
			continue
		}
		out, err := compute.TakeArray(ctx, d.Dictionary(), d.Indices())
		if err != nil {
			return nil, fmt.Errorf("decode dictionary column %q: %w", rec.ColumnName(i), err)
		}
		cols[i] = out
	}
	return array.NewRecordBatch(schema, cols, rec.NumRows()), nil
}

// plainSchema is s with dictionary columns as their value types.
func plainSchema(s *arrow.Schema) *arrow.Schema {
	fields := make([]arrow.Field, s.NumFields())
	for i, f := range s.Fields() {
		f.Type = valueType(f.Type)
		fields[i] = f
	}
	md := s.Metadata()
	return arrow.NewSchema(fields, &md)
}
