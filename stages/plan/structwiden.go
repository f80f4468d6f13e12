package plan

import (
	"context"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// widenStruct is Widen for two structs, as NDJSON files whose objects
// show different keys give: the fields of a, then those only b has, by
// name, each widened by Widen (a field one struct lacks is null in its
// rows), as the files' flattened columns would combine.
func widenStruct(a, b *arrow.StructType) (arrow.DataType, error) {
	fields := make([]arrow.Field, 0, a.NumFields()+b.NumFields())
	for _, f := range a.Fields() {
		if g, ok := b.FieldByName(f.Name); ok {
			t, err := Widen(f.Type, g.Type)
			if err != nil {
				return nil, fmt.Errorf("field %q: %w", f.Name, err)
			}
			f.Type, f.Nullable = t, f.Nullable || g.Nullable
		} else {
			f.Nullable = true
		}
		fields = append(fields, f)
	}
	for _, g := range b.Fields() {
		if _, ok := a.FieldByName(g.Name); !ok {
			g.Nullable = true
			fields = append(fields, g)
		}
	}
	return arrow.StructOf(fields...), nil
}

// castStruct maps a struct column to the widened struct type to: its
// fields by name, cast as castColumn casts a column, a field it lacks all
// null; the struct's validity is kept.
func castStruct(ctx context.Context, col *array.Struct, to *arrow.StructType, mem memory.Allocator) (arrow.Array, error) {
	from := col.DataType().(*arrow.StructType)
	n := col.Len()
	kids := make([]arrow.ArrayData, 0, to.NumFields())
	defer func() {
		for _, k := range kids {
			k.Release()
		}
	}()
	for _, f := range to.Fields() {
		var a arrow.Array
		if k, ok := from.FieldIdx(f.Name); !ok {
			a = array.MakeArrayOfNull(mem, f.Type, n)
		} else if child := col.Field(k); arrow.TypeEqual(child.DataType(), f.Type) {
			child.Retain()
			a = child
		} else {
			var err error
			if a, err = castColumn(ctx, child, f.Type, mem); err != nil {
				return nil, fmt.Errorf("field %q: %w", f.Name, err)
			}
		}
		kids = append(kids, a.Data())
		a.Data().Retain()
		a.Release()
	}
	d := col.Data()
	valid := d.Buffers()[0]
	var data *array.Data
	if d.Offset() == 0 || valid == nil {
		data = array.NewData(to, n, []*memory.Buffer{valid}, kids, d.NullN(), 0)
	} else {
		// The fields are sliced to the struct's rows: its bitmap must be too.
		bits := memory.NewResizableBuffer(mem)
		defer bits.Release()
		bits.Resize(int(bitutil.BytesForBits(int64(n))))
		bitutil.CopyBitmap(valid.Bytes(), d.Offset(), n, bits.Bytes(), 0)
		data = array.NewData(to, n, []*memory.Buffer{bits}, kids, col.NullN(), 0)
	}
	defer data.Release()
	return array.NewStructData(data), nil
}
