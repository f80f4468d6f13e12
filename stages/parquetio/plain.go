package parquetio

import (
	"fmt"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// plainSchema drops the metadata that pqarrow adds ("PARQUET:field_id" on
// fields, the stored "ARROW:schema"), so that a schema read back equals the
// one written.
func plainSchema(sc *arrow.Schema) *arrow.Schema {
	fields := sc.Fields()
	for i := range fields {
		fields[i] = plainField(fields[i])
	}
	md := without(sc.Metadata(), "ARROW:schema")
	return arrow.NewSchema(fields, &md)
}

func plainField(f arrow.Field) arrow.Field {
	f.Metadata = without(f.Metadata, "PARQUET:field_id")
	switch t := f.Type.(type) {
	case *arrow.ListType:
		f.Type = arrow.ListOfField(plainField(t.ElemField()))
	case *arrow.LargeListType:
		f.Type = arrow.LargeListOfField(plainField(t.ElemField()))
	case *arrow.StructType:
		children := t.Fields()
		for i := range children {
			children[i] = plainField(children[i])
		}
		f.Type = arrow.StructOf(children...)
	}
	return f
}

// without returns md minus key; empty metadata is the zero value.
func without(md arrow.Metadata, key string) arrow.Metadata {
	if md.FindKey(key) < 0 {
		return md
	}
	var keys, vals []string
	for k, name := range md.Keys() {
		if name != key {
			keys = append(keys, name)
			vals = append(vals, md.Values()[k])
		}
	}
	if len(keys) == 0 {
		return arrow.Metadata{}
	}
	return arrow.NewMetadata(keys, vals)
}

// plainBatch returns rec's columns under schema, the plain form of rec's
// own: pqarrow's arrays keep the field metadata that plainSchema drops
// (inside list types too, which then differ from the schema's), so each
// column is viewed, zero-copy, as the schema's type; a text column read
// as a dictionary (rowGroupProps) is turned into strings, allocated from
// mem, unless keep names it: it then stays a dictionary with int32
// indices, in the result's own schema. rec must have passed
// batchcheck.Check, which refuses a dictionary index outside its
// dictionary. The caller releases the result; rec stays the caller's.
func plainBatch(schema *arrow.Schema, rec arrow.RecordBatch, keep []string, mem memory.Allocator) (arrow.RecordBatch, error) {
	if int(rec.NumCols()) != schema.NumFields() {
		return nil, fmt.Errorf("parquet reader returned %d columns for a schema of %d", rec.NumCols(), schema.NumFields())
	}
	cols := make([]arrow.Array, schema.NumFields())
	defer func() {
		for _, c := range cols {
			if c != nil {
				c.Release()
			}
		}
	}()
	out := schema
	for i, f := range schema.Fields() {
		col := rec.Column(i)
		if col.Len() != int(rec.NumRows()) {
			return nil, fmt.Errorf("column %s has %d rows in a batch of %d", f.Name, col.Len(), rec.NumRows())
		}
		var data arrow.ArrayData
		var err error
		switch {
		case col.DataType().ID() == arrow.DICTIONARY && slices.Contains(keep, f.Name) &&
			(f.Type.ID() == arrow.STRING || f.Type.ID() == arrow.LARGE_STRING):
			dt := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: f.Type}
			if vt := col.DataType().(*arrow.DictionaryType).ValueType; vt.ID() != f.Type.ID() {
				dt.ValueType = vt // large_utf8 text whose dictionary pqarrow reads as utf8
			}
			if data, err = retype(col.Data(), dt); err == nil {
				out = withType(out, i, dt)
			}
		case col.DataType().ID() == arrow.DICTIONARY && f.Type.ID() != arrow.DICTIONARY:
			data, err = densify(col.Data(), f.Type, mem)
		default:
			data, err = retype(col.Data(), f.Type)
		}
		if err != nil {
			return nil, fmt.Errorf("column %s: %w", f.Name, err)
		}
		cols[i] = array.MakeFromData(data)
		data.Release()
	}
	return array.NewRecordBatch(out, cols, rec.NumRows()), nil
}

// withType returns sc with field i of type t (a new schema; sc is left as
// it is).
func withType(sc *arrow.Schema, i int, t arrow.DataType) *arrow.Schema {
	fields := sc.Fields()
	fields[i].Type = t
	md := sc.Metadata()
	return arrow.NewSchema(fields, &md)
}

// retype returns d viewed as type t, which must differ from d's type only
// in field names and metadata, nested types included. Zero-copy: the
// result shares d's buffers; the caller releases it.
func retype(d arrow.ArrayData, t arrow.DataType) (arrow.ArrayData, error) {
	if d.DataType().ID() != t.ID() {
		return nil, fmt.Errorf("data of type %s where the schema has %s", d.DataType(), t)
	}
	var fields []arrow.Field
	layout := t
	if e, ok := t.(arrow.ExtensionType); ok {
		layout = e.StorageType()
	}
	if n, ok := layout.(arrow.NestedType); ok {
		fields = n.Fields()
	}
	children := d.Children()
	if len(children) != len(fields) {
		return nil, fmt.Errorf("data of type %s has %d children, the schema's %s %d", d.DataType(), len(children), t, len(fields))
	}
	kids := make([]arrow.ArrayData, len(children))
	defer func() {
		for _, k := range kids {
			if k != nil {
				k.Release()
			}
		}
	}()
	for i, c := range children {
		k, err := retype(c, fields[i].Type)
		if err != nil {
			return nil, err
		}
		kids[i] = k
	}
	// Dictionary returns a typed nil for plain data, so ask the type.
	if dt, ok := t.(*arrow.DictionaryType); ok {
		dict, ok := d.Dictionary().(*array.Data)
		if !ok || dict == nil {
			return nil, fmt.Errorf("dictionary data of type %s has no dictionary", t)
		}
		vals, err := retype(dict, dt.ValueType)
		if err != nil {
			return nil, err
		}
		defer vals.Release()
		return array.NewDataWithDictionary(t, d.Len(), d.Buffers(), d.NullN(), d.Offset(), vals.(*array.Data)), nil
	}
	return array.NewData(t, d.Len(), d.Buffers(), kids, d.NullN(), d.Offset()), nil
}
