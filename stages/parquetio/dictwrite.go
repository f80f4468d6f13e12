package parquetio

import (
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/metadata"
)

// Low-cardinality text is handed to the Parquet writer as Arrow
// dictionary arrays, built here with one map lookup a value: given plain
// strings, arrow-go's dictionary encoder hashes each value through an
// interface call that allocates (15 % of the CPU of a 10M-row CSV to
// Parquet run). The dictionary lists values in order of first
// appearance, as the writer's own encoder does, so the pages are the
// same; the file's stored Arrow schema is the sink's (plainKeyValues).

// dictionaryText returns rec with its string columns named in names as
// dictionary arrays (int32 indices), under a schema of those types; the
// caller releases it. Without such a column it returns rec, retained.
func dictionaryText(rec arrow.RecordBatch, names []string, mem memory.Allocator) (arrow.RecordBatch, error) {
	var cols []arrow.Array
	var fields []arrow.Field
	for j, f := range rec.Schema().Fields() {
		str, ok := rec.Column(j).(*array.String)
		if !ok || !slices.Contains(names, f.Name) {
			continue
		}
		if cols == nil {
			cols = slices.Clone(rec.Columns())
			fields = slices.Clone(rec.Schema().Fields())
			for _, c := range cols {
				c.Retain()
			}
		}
		d, err := toDictionary(str, mem)
		if err != nil {
			for _, c := range cols {
				c.Release()
			}
			return nil, err
		}
		cols[j].Release()
		cols[j] = d
		fields[j].Type = d.DataType()
	}
	if cols == nil {
		rec.Retain()
		return rec, nil
	}
	md := rec.Schema().Metadata()
	out := array.NewRecordBatch(arrow.NewSchema(fields, &md), cols, rec.NumRows())
	for _, c := range cols {
		c.Release()
	}
	return out, nil
}

// toDictionary encodes a as dictionary<int32, utf8>, values in order of
// first appearance; a null row's index is 0.
func toDictionary(a *array.String, mem memory.Allocator) (arrow.Array, error) {
	n := a.Len()
	idxBuf := memory.NewResizableBuffer(mem)
	defer idxBuf.Release()
	idxBuf.Resize(n * arrow.Int32SizeBytes)
	idx := arrow.Int32Traits.CastFromBytes(idxBuf.Bytes())
	codes := make(map[string]int32)
	values := array.NewStringBuilder(mem)
	defer values.Release()
	for i := range n {
		if a.IsNull(i) {
			idx[i] = 0
			continue
		}
		v := a.Value(i)
		k, ok := codes[v]
		if !ok {
			k = int32(len(codes))
			codes[string([]byte(v))] = k // v points into a's buffer
			values.Append(v)
		}
		idx[i] = k
	}
	var validBuf *memory.Buffer
	nulls := a.NullN()
	if nulls > 0 {
		validBuf = memory.NewResizableBuffer(mem)
		defer validBuf.Release()
		validBuf.Resize(int(bitutil.BytesForBits(int64(n))))
		bitutil.CopyBitmap(a.NullBitmapBytes(), a.Data().Offset(), n, validBuf.Bytes(), 0)
	}
	dict := values.NewArray()
	defer dict.Release()
	dt := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}
	data := array.NewDataWithDictionary(dt, n, []*memory.Buffer{validBuf, idxBuf}, nulls, 0, dict.Data().(*array.Data))
	defer data.Release()
	return array.MakeFromData(data), nil
}

// plainKeyValues returns the key-value metadata of a file of the sink's
// own schema (the stored Arrow schema among them), which the output's
// footer carries whatever types its row groups were encoded from.
func (s *Sink) plainKeyValues(md *metadata.FileMetaData) error {
	g, err := s.newGroup(s.schema, nil, nil, memory.NewGoAllocator())
	if err != nil {
		return err
	}
	file, err := g.finish()
	if err != nil {
		return err
	}
	ref, _, err := footerOf(file)
	if err != nil {
		return err
	}
	md.FileMetaData.KeyValueMetadata = ref.FileMetaData.KeyValueMetadata
	return nil
}
