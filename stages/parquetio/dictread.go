package parquetio

import (
	"fmt"
	"slices"

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
// read as dictionaries: the utf8 ones, and the large_utf8 ones named in
// keep (which stay dictionaries; see Source.KeepDictionary). A chunk with
// plain data pages (a writer's fallback) is read as usual: as a
// dictionary, pqarrow would hash every plain value. A column named in keep
// is also read as a dictionary where the footer cannot tell (no page
// statistics and PLAIN listed, as Polars writes: its dictionary pages are
// PLAIN): pqarrow adds the values of any plain page to the dictionary,
// which for a column only grouped by costs about what the group-by's own
// hashing of them would.
func rowGroupProps(base pqarrow.ArrowReadProperties, md *metadata.RowGroupMetaData, leaves []int, out *arrow.Schema, keep []string) pqarrow.ArrowReadProperties {
	props := pqarrow.ArrowReadProperties{Parallel: base.Parallel, BatchSize: base.BatchSize, PreAllocBinaryData: true}
	if leaves == nil {
		leaves = make([]int, md.NumColumns())
		for i := range leaves {
			leaves[i] = i
		}
	}
	for _, leaf := range leaves {
		col := md.Schema.Column(leaf)
		f, ok := textField(col, out)
		kept := ok && slices.Contains(keep, f.Name)
		if !ok || f.Type.ID() == arrow.LARGE_STRING && !kept {
			continue
		}
		chunk, err := md.ColumnChunk(leaf)
		if err != nil || !wholeDictionary(chunk) && !(kept && mayBeDictionary(chunk)) {
			continue
		}
		props.SetReadDict(leaf, true)
	}
	return props
}

// textField returns the field of out that col, a top-level UTF-8
// column, is read into, when out holds it as a string or large string.
func textField(col *schema.Column, out *arrow.Schema) (arrow.Field, bool) {
	if col.PhysicalType() != parquet.Types.ByteArray || col.MaxRepetitionLevel() != 0 || col.MaxDefinitionLevel() > 1 {
		return arrow.Field{}, false
	}
	path := col.ColumnPath()
	if len(path) != 1 {
		return arrow.Field{}, false
	}
	idx := out.FieldIndices(path[0])
	if len(idx) != 1 {
		return arrow.Field{}, false
	}
	f := out.Field(idx[0])
	return f, f.Type.ID() == arrow.STRING || f.Type.ID() == arrow.LARGE_STRING
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

// largeAsDictionary makes fr read the large_utf8 columns that props
// reads as dictionaries (kept ones, see rowGroupProps) as dictionaries of
// utf8 values: pqarrow gives a column its stored Arrow type (large_utf8,
// as Polars writes text) whatever props says.
func largeAsDictionary(fr *pqarrow.FileReader, props *pqarrow.ArrowReadProperties) {
	for leaf, sf := range fr.Manifest.ColIndexToField {
		if sf.Field == nil || sf.Field.Type.ID() != arrow.LARGE_STRING || !props.ReadDict(leaf) {
			continue
		}
		f := *sf.Field
		f.Type = &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}
		sf.Field = &f
	}
}

// mayBeDictionary reports whether chunk has a dictionary page and
// dictionary-encoded data pages but no page statistics to tell whether
// every data page is (see wholeDictionary).
func mayBeDictionary(chunk *metadata.ColumnChunkMetaData) bool {
	if !chunk.HasDictionaryPage() || len(chunk.EncodingStats()) > 0 {
		return false
	}
	return slices.ContainsFunc(chunk.Encodings(), func(e parquet.Encoding) bool {
		return e == parquet.Encodings.RLEDict || e == parquet.Encodings.PlainDict
	})
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
