package parquetio

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// KeepDictionary hands on the text columns named as dictionaries where a
// row group's chunk is wholly dictionary-encoded, and as strings where
// the writer fell back to plain pages (mixed: dictionary in the first row
// groups, plain in the rest); either way the values are those written,
// the source's schema stays utf8 and each batch's own schema says which
// form it holds. A number column named is left as it is.
func TestKeepDictionary(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "low", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "mixed", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "n", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	}, nil)
	r := rand.New(rand.NewPCG(18, 1))
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	const rows, groupRows = 3000, 700
	for i := range rows {
		low, mixed := b.Field(0).(*array.StringBuilder), b.Field(1).(*array.StringBuilder)
		if r.IntN(7) == 0 {
			low.AppendNull()
		} else {
			// Each row group draws from its own values: dictionaries differ.
			low.Append([]string{"EU", "NA", "", "ü-région", "APAC"}[(i/groupRows+r.IntN(3))%5])
		}
		switch {
		case r.IntN(9) == 0:
			mixed.AppendNull()
		case i < 2*groupRows:
			mixed.Append([]string{"x", "y"}[r.IntN(2)])
		default:
			mixed.Append(fmt.Sprintf("value-%d-%d", i, r.IntN(1000)))
		}
		b.Field(2).(*array.Int64Builder).Append(int64(i))
	}
	rec := b.NewRecordBatch()
	defer rec.Release()

	var buf bytes.Buffer
	props := parquet.NewWriterProperties(parquet.WithAllocator(mem), parquet.WithDictionaryDefault(true),
		parquet.WithDictionaryPageSizeLimit(2048), parquet.WithMaxRowGroupLength(groupRows), parquet.WithDataPageSize(512),
		parquet.WithBatchSize(64)) // the dictionary size is checked every 64 rows: mixed falls back part way
	fw, err := pqarrow.NewFileWriter(schema, &buf, props, pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema(), pqarrow.WithAllocator(mem)))
	require.NoError(t, err)
	require.NoError(t, fw.Write(rec))
	require.NoError(t, fw.Close())
	data := buf.Bytes()

	src, err := NewSource([]Input{{Name: "d.parquet", At: bytes.NewReader(data), Size: int64(len(data))}}, Options{Mem: mem})
	require.NoError(t, err)
	defer src.Close()
	assert.ErrorIs(t, src.KeepDictionary([]string{"nope"}), ErrNoColumn)
	require.NoError(t, src.KeepDictionary([]string{"low", "mixed", "n"}))
	assert.True(t, src.Schema().Equal(schema), "the source's schema stays as written: %s", src.Schema())

	var forms []string
	var plain []arrow.RecordBatch
	defer func() {
		for _, p := range plain {
			p.Release()
		}
	}()
	for {
		got, err := nextBatch(src)
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		form := ""
		for i, f := range got.Schema().Fields() {
			if f.Type.ID() == arrow.DICTIONARY {
				form += "d"
				assert.Equal(t, arrow.PrimitiveTypes.Int32, f.Type.(*arrow.DictionaryType).IndexType)
			} else {
				form += "p"
				assert.True(t, arrow.TypeEqual(schema.Field(i).Type, f.Type), "column %s: %s", f.Name, f.Type)
			}
		}
		forms = append(forms, form)
		p, err := plainBatch(schema, got, nil, mem) // the strings the codes stand for
		got.Release()
		require.NoError(t, err)
		plain = append(plain, p)
	}
	assert.Equal(t, []string{"ddp", "ddp", "dpp", "dpp", "dpp"}, forms, "low: dictionary; mixed: dictionary, then plain fallback")
	cols := concat(t, mem, schema.NumFields(), plain)
	plain = nil
	defer releaseAll(cols)
	for j := range cols {
		assert.True(t, array.Equal(rec.Column(j), cols[j]), "column %s", schema.Field(j).Name)
	}
}

// A kept large_utf8 column (Polars' text, stored so in the file's Arrow
// schema) comes as a dictionary too, of utf8 values, and as large_utf8
// when not kept; either way the values are those written.
func TestKeepDictionaryLargeText(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	schema := arrow.NewSchema([]arrow.Field{{Name: "s", Type: arrow.BinaryTypes.LargeString, Nullable: true}}, nil)
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	for i := range 500 {
		if i%11 == 0 {
			b.Field(0).AppendNull()
		} else {
			b.Field(0).(*array.LargeStringBuilder).Append([]string{"EU", "", "ü-région"}[i%3])
		}
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	var buf bytes.Buffer
	props := parquet.NewWriterProperties(parquet.WithAllocator(mem), parquet.WithDictionaryDefault(true), parquet.WithMaxRowGroupLength(200))
	fw, err := pqarrow.NewFileWriter(schema, &buf, props, pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema(), pqarrow.WithAllocator(mem)))
	require.NoError(t, err)
	require.NoError(t, fw.Write(rec))
	require.NoError(t, fw.Close())
	data := buf.Bytes()

	for _, keep := range []bool{false, true} {
		t.Run(fmt.Sprintf("keep=%t", keep), func(t *testing.T) {
			src, err := NewSource([]Input{{Name: "l.parquet", At: bytes.NewReader(data), Size: int64(len(data))}}, Options{Mem: mem})
			require.NoError(t, err)
			defer src.Close()
			require.True(t, src.Schema().Equal(schema), "schema %s", src.Schema())
			if keep {
				require.NoError(t, src.KeepDictionary([]string{"s"}))
			}
			var plain []arrow.RecordBatch
			for {
				got, err := nextBatch(src)
				if errors.Is(err, io.EOF) {
					break
				}
				require.NoError(t, err)
				want := arrow.DataType(arrow.BinaryTypes.LargeString)
				if keep {
					want = &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}
				}
				assert.True(t, arrow.TypeEqual(want, got.Column(0).DataType()), "type %s", got.Column(0).DataType())
				if keep {
					// The strings the codes stand for, as large_utf8.
					d := got.Column(0).(*array.Dictionary)
					lb := array.NewLargeStringBuilder(mem)
					for i := range d.Len() {
						if d.IsNull(i) {
							lb.AppendNull()
						} else {
							lb.Append(d.Dictionary().(*array.String).Value(d.GetValueIndex(i)))
						}
					}
					col := lb.NewArray()
					lb.Release()
					got.Release()
					got = array.NewRecordBatch(schema, []arrow.Array{col}, int64(col.Len()))
					col.Release()
				}
				plain = append(plain, got)
			}
			assert.Len(t, plain, 3, "row groups")
			cols := concat(t, mem, 1, plain)
			defer releaseAll(cols)
			assert.True(t, array.Equal(rec.Column(0), cols[0]))
		})
	}
}

// A Polars-written file lists PLAIN (its dictionary pages' encoding) and
// no page statistics: a kept column is read as a dictionary all the same,
// with the values a plain read gives.
func TestKeepDictionaryPolarsFile(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	name := filepath.Join("..", "..", "samples", "corpus", "polars_zstd.parquet")
	data, err := os.ReadFile(name)
	require.NoError(t, err)
	read := func(keep bool) (arrow.Array, bool) {
		src, err := NewSource([]Input{{Name: name, At: bytes.NewReader(data), Size: int64(len(data))}}, Options{Columns: []string{"s"}, Mem: mem})
		require.NoError(t, err)
		defer src.Close()
		if keep {
			require.NoError(t, src.KeepDictionary([]string{"s"}))
		}
		rec, err := nextBatch(src)
		require.NoError(t, err)
		defer rec.Release()
		dict := rec.Column(0).DataType().ID() == arrow.DICTIONARY
		p, err := plainBatch(src.Schema(), rec, nil, mem)
		require.NoError(t, err)
		defer p.Release()
		col := p.Column(0)
		col.Retain()
		return col, dict
	}
	want, dict := read(false)
	defer want.Release()
	assert.False(t, dict)
	got, dict := read(true)
	defer got.Release()
	assert.True(t, dict, "kept column read as a dictionary")
	assert.True(t, array.Equal(want, got), "%v, want %v", got, want)
}
