package plan

import (
	"context"
	"errors"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/arrowpipe/arrowpipe/pipeline"
)

// viewsAsPlain returns src reading string_view and binary_view columns
// (Polars' defaults), at any depth and as dictionary values, as utf8 and
// binary, values unchanged: the verbs' kernels (take, Parquet output)
// have no view forms. A source without view types is returned as it is.
func viewsAsPlain(src pipeline.Source, mem memory.Allocator) pipeline.Source {
	if !hasViews(src.Schema()) {
		return src
	}
	if mem == nil {
		mem = memory.DefaultAllocator
	}
	return &plainViews{Source: src, mem: mem}
}

// plainViews converts each batch of its source as it is decoded. Its
// schema follows the source's, which Project may narrow.
type plainViews struct {
	pipeline.Source
	mem memory.Allocator
}

func (p *plainViews) Schema() *arrow.Schema { return plainSchema(p.Source.Schema()) }

// Project passes a column projection on to the source, when it takes one.
func (p *plainViews) Project(columns []string) error {
	if ps, ok := p.Source.(projectable); ok {
		return ps.Project(columns)
	}
	return errors.ErrUnsupported
}

// NewDecoder converts the source's batches, decoded by its own decoder
// when it has one: the conversion then runs on the decode workers.
func (p *plainViews) NewDecoder() pipeline.Decoder {
	return &plainDecoder{inner: p.Source.NewDecoder(), mem: p.mem}
}

type plainDecoder struct {
	inner pipeline.Decoder
	mem   memory.Allocator
}

func (d *plainDecoder) Decode(ctx context.Context, c pipeline.Chunk) (arrow.RecordBatch, error) {
	rec, err := c.Batch, error(nil) // a source without a decoder hands on its batches
	if d.inner != nil {
		rec, err = d.inner.Decode(ctx, c)
	}
	if err != nil || rec == nil || !hasViews(rec.Schema()) {
		return rec, err
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
	for i, col := range rec.Columns() {
		data, err := plainData(d.mem, col.Data())
		if err != nil {
			return nil, fmt.Errorf("column %q: %w", rec.ColumnName(i), err)
		}
		cols[i] = array.MakeFromData(data)
		data.Release()
	}
	return array.NewRecordBatch(plainSchema(rec.Schema()), cols, rec.NumRows()), nil
}

func hasViews(s *arrow.Schema) bool {
	for _, f := range s.Fields() {
		if typeHasViews(f.Type) {
			return true
		}
	}
	return false
}

func typeHasViews(dt arrow.DataType) bool {
	switch t := dt.(type) {
	case *arrow.StringViewType, *arrow.BinaryViewType:
		return true
	case *arrow.DictionaryType:
		return typeHasViews(t.ValueType)
	case arrow.NestedType:
		for _, f := range t.Fields() {
			if typeHasViews(f.Type) {
				return true
			}
		}
	}
	return false
}

func plainSchema(s *arrow.Schema) *arrow.Schema {
	if !hasViews(s) {
		return s
	}
	fields := make([]arrow.Field, s.NumFields())
	for i, f := range s.Fields() {
		f.Type = plainType(f.Type)
		fields[i] = f
	}
	md := s.Metadata()
	return arrow.NewSchema(fields, &md)
}

// plainType is dt with every view type replaced by its plain form.
func plainType(dt arrow.DataType) arrow.DataType {
	if !typeHasViews(dt) {
		return dt
	}
	field := func(f arrow.Field) arrow.Field { f.Type = plainType(f.Type); return f }
	switch t := dt.(type) {
	case *arrow.StringViewType:
		return arrow.BinaryTypes.String
	case *arrow.BinaryViewType:
		return arrow.BinaryTypes.Binary
	case *arrow.DictionaryType:
		return &arrow.DictionaryType{IndexType: t.IndexType, ValueType: plainType(t.ValueType), Ordered: t.Ordered}
	case *arrow.ListType:
		return arrow.ListOfField(field(t.ElemField()))
	case *arrow.LargeListType:
		return arrow.LargeListOfField(field(t.ElemField()))
	case *arrow.FixedSizeListType:
		return arrow.FixedSizeListOfField(t.Len(), field(t.ElemField()))
	case *arrow.MapType:
		m := arrow.MapOfFields(field(t.KeyField()), field(t.ItemField()))
		m.KeysSorted = t.KeysSorted
		return m
	case *arrow.StructType:
		fs := make([]arrow.Field, t.NumFields())
		for i, f := range t.Fields() {
			fs[i] = field(f)
		}
		return arrow.StructOf(fs...)
	}
	return dt // a type holding views that plainData does not convert
}

// plainData returns d with its views copied into plain arrays; other
// buffers are shared. The caller owns the result.
func plainData(mem memory.Allocator, d arrow.ArrayData) (arrow.ArrayData, error) {
	dt := d.DataType()
	if !typeHasViews(dt) {
		d.Retain()
		return d, nil
	}
	switch dt.ID() {
	case arrow.STRING_VIEW, arrow.BINARY_VIEW:
		arr := array.MakeFromData(d)
		defer arr.Release()
		var b array.Builder
		if dt.ID() == arrow.STRING_VIEW {
			sb := array.NewStringBuilder(mem)
			v := arr.(*array.StringView)
			for i := 0; i < v.Len(); i++ {
				if v.IsNull(i) {
					sb.AppendNull()
				} else {
					sb.Append(v.Value(i))
				}
			}
			b = sb
		} else {
			bb := array.NewBinaryBuilder(mem, arrow.BinaryTypes.Binary)
			v := arr.(*array.BinaryView)
			for i := 0; i < v.Len(); i++ {
				if v.IsNull(i) {
					bb.AppendNull()
				} else {
					bb.Append(v.Value(i))
				}
			}
			b = bb
		}
		defer b.Release()
		out := b.NewArray()
		defer out.Release()
		out.Data().Retain()
		return out.Data(), nil
	case arrow.DICTIONARY:
		dict, err := plainData(mem, d.Dictionary())
		if err != nil {
			return nil, err
		}
		defer dict.Release()
		return array.NewDataWithDictionary(plainType(dt), d.Len(), d.Buffers(), d.NullN(), d.Offset(), dict.(*array.Data)), nil
	case arrow.LIST, arrow.LARGE_LIST, arrow.FIXED_SIZE_LIST, arrow.MAP, arrow.STRUCT:
		children := make([]arrow.ArrayData, len(d.Children()))
		defer func() {
			for _, c := range children {
				if c != nil {
					c.Release()
				}
			}
		}()
		for i, c := range d.Children() {
			pc, err := plainData(mem, c)
			if err != nil {
				return nil, err
			}
			children[i] = pc
		}
		return array.NewData(plainType(dt), d.Len(), d.Buffers(), children, d.NullN(), d.Offset()), nil
	}
	return nil, fmt.Errorf("cannot read %s as plain strings", dt)
}
