package parquetio

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/metadata"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/apache/arrow-go/v18/parquet/schema"
)

// Dictionary-encoded text is read as its dictionary and indices, then
// turned into plain strings by densify in one pass: pqarrow's own path
// appends each value to a builder, which was a third of the decode time
// of a group-by on a DuckDB-written file (10M rows, region: 7 values).

// rowGroupProps returns the read properties for row group rg: base's,
// with the text columns whose chunks in rg are wholly dictionary-encoded
// read as dictionaries. A chunk with plain data pages (a writer's
// fallback) is read as usual: as a dictionary, pqarrow would hash every
// plain value.
func rowGroupProps(base pqarrow.ArrowReadProperties, md *metadata.RowGroupMetaData, leaves []int, out *arrow.Schema) pqarrow.ArrowReadProperties {
	props := pqarrow.ArrowReadProperties{Parallel: base.Parallel, BatchSize: base.BatchSize, PreAllocBinaryData: true}
	if leaves == nil {
		leaves = make([]int, md.NumColumns())
		for i := range leaves {
			leaves[i] = i
		}
	}
	for _, leaf := range leaves {
		col := md.Schema.Column(leaf)
		if !plainText(col, out) {
			continue
		}
		chunk, err := md.ColumnChunk(leaf)
		if err != nil || !wholeDictionary(chunk) {
			continue
		}
		props.SetReadDict(leaf, true)
	}
	return props
}

// plainText reports whether col is a top-level UTF-8 column that out
// holds as a (32-bit offset) string.
func plainText(col *schema.Column, out *arrow.Schema) bool {
	if col.PhysicalType() != parquet.Types.ByteArray || col.MaxRepetitionLevel() != 0 || col.MaxDefinitionLevel() > 1 {
		return false
	}
	path := col.ColumnPath()
	if len(path) != 1 {
		return false
	}
	idx := out.FieldIndices(path[0])
	return len(idx) == 1 && out.Field(idx[0]).Type.ID() == arrow.STRING
}

// wholeDictionary reports whether every data page of chunk is
// dictionary-encoded.
func wholeDictionary(chunk *metadata.ColumnChunkMetaData) bool {
	if !chunk.HasDictionaryPage() {
		return false
	}
	isDict := func(e parquet.Encoding) bool {
		return e == parquet.Encodings.RLEDict || e == parquet.Encodings.PlainDict
	}
	if stats := chunk.EncodingStats(); len(stats) > 0 {
		for _, s := range stats {
			if s.PageType.String() != "DICTIONARY_PAGE" && !isDict(s.Encoding) {
				return false
			}
		}
		return true
	}
	// No page statistics: only dictionary encodings and levels listed.
	for _, e := range chunk.Encodings() {
		if !isDict(e) && e != parquet.Encodings.RLE && e != parquet.Encodings.BitPacked {
			return false
		}
	}
	return true
}

// densify returns the strings of d, a dictionary of strings with 32-bit
// indices, as a plain string array of type t; the caller releases it.
func densify(d arrow.ArrayData, t arrow.DataType, mem memory.Allocator) (arrow.ArrayData, error) {
	dt, ok := d.DataType().(*arrow.DictionaryType)
	if !ok || dt.ValueType.ID() != arrow.STRING || dt.IndexType.ID() != arrow.INT32 || t.ID() != arrow.STRING {
		return nil, fmt.Errorf("data of type %s where the schema has %s", d.DataType(), t)
	}
	dict := array.NewStringData(d.Dictionary())
	defer dict.Release()
	n, off := d.Len(), d.Offset()
	var valid []byte
	nulls := 0
	if b := d.Buffers()[0]; b != nil {
		valid = b.Bytes()
		if nulls = n - bitutil.CountSetBits(valid, off, n); nulls == 0 {
			valid = nil
		}
	}
	idx := arrow.Int32Traits.CastFromBytes(d.Buffers()[1].Bytes())[off : off+n]
	isValid := func(i int) bool { return valid == nil || bitutil.BitIsSet(valid, off+i) }

	nd := dict.Len()
	dictOffs := dict.ValueOffsets()
	dictBytes := dict.ValueBytes()
	size := 0
	for i, k := range idx {
		if !isValid(i) {
			continue
		}
		if k < 0 || int(k) >= nd {
			return nil, fmt.Errorf("dictionary index %d out of range (%d values)", k, nd)
		}
		size += int(dictOffs[k+1] - dictOffs[k])
	}
	if size > 1<<31-1 {
		return nil, fmt.Errorf("%d bytes of text in one batch, above the 2 GiB of a string array", size)
	}
	offBuf := memory.NewResizableBuffer(mem)
	offBuf.Resize((n + 1) * arrow.Int32SizeBytes)
	dataBuf := memory.NewResizableBuffer(mem)
	dataBuf.Resize(size)
	offs := arrow.Int32Traits.CastFromBytes(offBuf.Bytes())
	data := dataBuf.Bytes()
	at := int32(0)
	for i, k := range idx {
		offs[i] = at
		if isValid(i) {
			at += int32(copy(data[at:], dictBytes[dictOffs[k]:dictOffs[k+1]]))
		}
	}
	offs[n] = at

	var validBuf *memory.Buffer
	if valid != nil {
		validBuf = memory.NewResizableBuffer(mem)
		validBuf.Resize(int(bitutil.BytesForBits(int64(n))))
		bitutil.CopyBitmap(valid, off, n, validBuf.Bytes(), 0)
		defer validBuf.Release()
	}
	defer offBuf.Release()
	defer dataBuf.Release()
	return array.NewData(t, n, []*memory.Buffer{validBuf, offBuf, dataBuf}, nil, nulls, 0), nil
}
