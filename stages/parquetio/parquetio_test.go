package parquetio

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/sharedmem"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// allTypes lists every type the round trip covers.
var allTypes = arrow.NewSchema([]arrow.Field{
	{Name: "i8", Type: arrow.PrimitiveTypes.Int8, Nullable: true},
	{Name: "i16", Type: arrow.PrimitiveTypes.Int16, Nullable: true},
	{Name: "i32", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
	{Name: "i64", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "u8", Type: arrow.PrimitiveTypes.Uint8, Nullable: true},
	{Name: "u16", Type: arrow.PrimitiveTypes.Uint16, Nullable: true},
	{Name: "u32", Type: arrow.PrimitiveTypes.Uint32, Nullable: true},
	{Name: "u64", Type: arrow.PrimitiveTypes.Uint64, Nullable: true},
	{Name: "f32", Type: arrow.PrimitiveTypes.Float32, Nullable: true},
	{Name: "f64", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "b", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
	{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "low", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "ls", Type: arrow.BinaryTypes.LargeString, Nullable: true},
	{Name: "bin", Type: arrow.BinaryTypes.Binary, Nullable: true},
	{Name: "d32", Type: arrow.FixedWidthTypes.Date32, Nullable: true},
	{Name: "ts_us", Type: &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}, Nullable: true},
	{Name: "ts_ms", Type: &arrow.TimestampType{Unit: arrow.Millisecond}, Nullable: true},
	{Name: "list", Type: arrow.ListOfField(arrow.Field{Name: "element", Type: arrow.PrimitiveTypes.Int64, Nullable: true}), Nullable: true},
}, nil)

// makeBatch fills every column with values derived from the row number;
// rows where (i+col)%5 == 0 are null.
func makeBatch(mem memory.Allocator, base, n int) arrow.RecordBatch {
	b := array.NewRecordBuilder(mem, allTypes)
	defer b.Release()
	for i := base; i < base+n; i++ {
		for j, fb := range b.Fields() {
			if (i+j)%5 == 0 {
				fb.AppendNull()
				continue
			}
			switch fb := fb.(type) {
			case *array.Int8Builder:
				fb.Append(int8(i))
			case *array.Int16Builder:
				fb.Append(int16(-i))
			case *array.Int32Builder:
				fb.Append(int32(i * 1000))
			case *array.Int64Builder:
				fb.Append(int64(i) << 40)
			case *array.Uint8Builder:
				fb.Append(uint8(i))
			case *array.Uint16Builder:
				fb.Append(uint16(i))
			case *array.Uint32Builder:
				fb.Append(uint32(i) * 3)
			case *array.Uint64Builder:
				fb.Append(uint64(i) << 60)
			case *array.Float32Builder:
				fb.Append(float32(i) / 3)
			case *array.Float64Builder:
				fb.Append(float64(i) / 7)
			case *array.BooleanBuilder:
				fb.Append(i%2 == 0)
			case *array.StringBuilder:
				if j == 12 {
					fb.Append([]string{"red", "green", "blue"}[i%3])
				} else {
					fb.Append(fmt.Sprintf("value %d ü", i))
				}
			case *array.LargeStringBuilder:
				fb.Append(fmt.Sprintf("large %d", i))
			case *array.BinaryBuilder:
				fb.Append([]byte{byte(i), 0, byte(i >> 8)})
			case *array.Date32Builder:
				fb.Append(arrow.Date32(i))
			case *array.TimestampBuilder:
				fb.Append(arrow.Timestamp(int64(i) * 1001))
			case *array.ListBuilder:
				fb.Append(true)
				vb := fb.ValueBuilder().(*array.Int64Builder)
				for k := 0; k < i%4; k++ {
					vb.Append(int64(k))
				}
			default:
				panic(fmt.Sprintf("no value for %T", fb))
			}
		}
	}
	return b.NewRecordBatch()
}

func write(t *testing.T, mem memory.Allocator, opts SinkOptions, schema *arrow.Schema, batches ...arrow.RecordBatch) []byte {
	t.Helper()
	var buf bytes.Buffer
	opts.Mem = mem
	sink, err := NewSink(&buf, schema, opts)
	require.NoError(t, err)
	ctx := context.Background()
	for _, rec := range batches {
		rec.Retain() // Write takes a reference of its own
		require.NoError(t, sink.Write(ctx, pipeline.Chunk{Batch: rec}))
	}
	require.NoError(t, sink.Close(ctx))
	return buf.Bytes()
}

// readColumns reads every batch and concatenates each column.
func readColumns(t *testing.T, mem memory.Allocator, src *Source) ([]arrow.Array, int) {
	t.Helper()
	var recs []arrow.RecordBatch
	for {
		rec, err := nextBatch(src)
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		assert.True(t, rec.Schema().Equal(src.Schema()), "batch schema %s", rec.Schema())
		recs = append(recs, rec)
	}
	return concat(t, mem, src.Schema().NumFields(), recs), len(recs)
}

// nextBatch reads the next row group of src on the calling goroutine, as
// a decode worker would.
func nextBatch(src *Source) (arrow.RecordBatch, error) {
	c, err := src.Next(context.Background())
	if err != nil {
		return nil, err
	}
	return src.NewDecoder().Decode(context.Background(), c)
}

func concat(t *testing.T, mem memory.Allocator, ncols int, recs []arrow.RecordBatch) []arrow.Array {
	t.Helper()
	defer func() {
		for _, r := range recs {
			r.Release()
		}
	}()
	cols := make([]arrow.Array, ncols)
	for j := range cols {
		parts := make([]arrow.Array, len(recs))
		for i, r := range recs {
			parts[i] = r.Column(j)
		}
		var err error
		cols[j], err = array.Concatenate(parts, mem)
		require.NoError(t, err)
	}
	return cols
}

func releaseAll(arrs []arrow.Array) {
	for _, a := range arrs {
		a.Release()
	}
}

func TestRoundTripAllTypes(t *testing.T) {
	for _, comp := range []string{"zstd", "snappy", "none"} {
		for _, dict := range []string{"auto", "off"} {
			t.Run(fmt.Sprintf("compression=%s/dictionary=%s", comp, dict), func(t *testing.T) {
				mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
				defer mem.AssertSize(t, 0)
				in := []arrow.RecordBatch{makeBatch(mem, 0, 1000), makeBatch(mem, 1000, 7), makeBatch(mem, 1007, 2500)}
				data := write(t, mem, SinkOptions{Compression: comp, Dictionary: dict, RowGroupRows: 1500}, allTypes, in...)
				want := concat(t, mem, allTypes.NumFields(), in)
				defer releaseAll(want)

				pf, err := file.NewParquetReader(bytes.NewReader(data))
				require.NoError(t, err)
				assert.Equal(t, 3, pf.NumRowGroups(), "row groups of at most 1500 rows")
				lowDict, err := pf.MetaData().RowGroup(0).ColumnChunk(12)
				require.NoError(t, err)
				assert.Equal(t, dict == "auto", lowDict.HasDictionaryPage(), "low-cardinality column dictionary")
				highDict, err := pf.MetaData().RowGroup(0).ColumnChunk(11)
				require.NoError(t, err)
				assert.False(t, highDict.HasDictionaryPage(), "high-cardinality column has no dictionary")
				require.NoError(t, pf.Close())

				src, err := NewSource([]Input{{Name: "rt.parquet", At: bytes.NewReader(data), Size: int64(len(data))}},
					Options{Mem: mem, BatchRows: 600})
				require.NoError(t, err)
				defer src.Close()
				require.True(t, src.Schema().Equal(allTypes), "schema %s\nwant %s", src.Schema(), allTypes)
				got, n := readColumns(t, mem, src)
				defer releaseAll(got)
				assert.Equal(t, 3, n, "a batch per row group")
				for j := range want {
					assert.True(t, array.Equal(want[j], got[j]), "column %s", allTypes.Field(j).Name)
				}
			})
		}
	}
}

func TestProjection(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rec := makeBatch(mem, 0, 300)
	data := write(t, mem, SinkOptions{}, allTypes, rec)
	want := concat(t, mem, allTypes.NumFields(), []arrow.RecordBatch{rec})
	defer releaseAll(want)

	src, err := NewSource([]Input{{Name: "p", At: bytes.NewReader(data), Size: int64(len(data))}},
		Options{Mem: mem, Columns: []string{"s", "list", "i8"}})
	require.NoError(t, err)
	defer src.Close()
	var names []string
	for _, f := range src.Schema().Fields() {
		names = append(names, f.Name)
	}
	assert.Equal(t, []string{"i8", "s", "list"}, names, "file order")
	got, _ := readColumns(t, mem, src)
	defer releaseAll(got)
	require.Len(t, got, 3)
	assert.True(t, array.Equal(want[0], got[0]))
	assert.True(t, array.Equal(want[11], got[1]))
	assert.True(t, array.Equal(want[18], got[2]))

	_, err = NewSource([]Input{{Name: "p", At: bytes.NewReader(data), Size: int64(len(data))}},
		Options{Mem: mem, Columns: []string{"nope"}})
	assert.ErrorIs(t, err, ErrNoColumn)
	assert.ErrorContains(t, err, "nope")
}

// countingReaderAt counts bytes read, to see that projection skips columns.
type countingReaderAt struct {
	r io.ReaderAt
	n int64
}

func (c *countingReaderAt) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.r.ReadAt(p, off)
	c.n += int64(n)
	return n, err
}

func TestProjectionReadsLess(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rec := makeBatch(mem, 0, 20000)
	defer rec.Release()
	data := write(t, mem, SinkOptions{Compression: "none"}, allTypes, rec)
	read := func(cols []string) int64 {
		at := &countingReaderAt{r: bytes.NewReader(data)}
		src, err := NewSource([]Input{{Name: "p", At: at, Size: int64(len(data))}}, Options{Mem: mem, Columns: cols})
		require.NoError(t, err)
		got, _ := readColumns(t, mem, src)
		releaseAll(got)
		require.NoError(t, src.Close())
		return at.n
	}
	all, one := read(nil), read([]string{"i8"})
	assert.Less(t, one*4, all, "one small column reads a fraction of the file (%d vs %d bytes)", one, all)
}

func TestSeveralFilesAndMismatch(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	a, b := makeBatch(mem, 0, 10), makeBatch(mem, 10, 20)
	da := write(t, mem, SinkOptions{}, allTypes, a)
	db := write(t, mem, SinkOptions{}, allTypes, b)
	want := concat(t, mem, allTypes.NumFields(), []arrow.RecordBatch{a, b})
	defer releaseAll(want)
	src, err := NewSource([]Input{{Name: "a", At: bytes.NewReader(da), Size: int64(len(da))},
		{Name: "b", At: bytes.NewReader(db), Size: int64(len(db))}}, Options{Mem: mem})
	require.NoError(t, err)
	got, _ := readColumns(t, mem, src)
	require.NoError(t, src.Close())
	defer releaseAll(got)
	for j := range want {
		assert.True(t, array.Equal(want[j], got[j]), "column %d", j)
	}

	other := arrow.NewSchema([]arrow.Field{{Name: "i8", Type: arrow.PrimitiveTypes.Int64}}, nil)
	dc := write(t, mem, SinkOptions{}, other)
	_, err = NewSource([]Input{{Name: "a", At: bytes.NewReader(da), Size: int64(len(da))},
		{Name: "c.parquet", At: bytes.NewReader(dc), Size: int64(len(dc))}}, Options{Mem: mem})
	assert.ErrorIs(t, err, ErrSchemaMismatch)
	assert.ErrorContains(t, err, "c.parquet")

	// With a projection both files agree on i8's name but not its type.
	_, err = NewSource([]Input{{Name: "a", At: bytes.NewReader(da), Size: int64(len(da))},
		{Name: "c.parquet", At: bytes.NewReader(dc), Size: int64(len(dc))}}, Options{Mem: mem, Columns: []string{"i8"}})
	assert.ErrorIs(t, err, ErrSchemaMismatch)
}

func TestEmptyOutputAndErrors(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	data := write(t, mem, SinkOptions{}, allTypes)
	src, err := NewSource([]Input{{Name: "e", At: bytes.NewReader(data), Size: int64(len(data))}}, Options{Mem: mem})
	require.NoError(t, err)
	_, err = src.Next(context.Background())
	assert.ErrorIs(t, err, io.EOF)
	require.NoError(t, src.Close())

	_, err = NewSource([]Input{{Name: "pipe"}}, Options{})
	assert.ErrorIs(t, err, ErrNotSeekable)
	assert.ErrorContains(t, err, "pipe")

	junk := []byte("PAR1 this is not parquet PAR1")
	_, err = NewSource([]Input{{Name: "junk.parquet", At: bytes.NewReader(junk), Size: int64(len(junk))}}, Options{})
	assert.ErrorContains(t, err, "junk.parquet")
	assert.ErrorContains(t, err, "not a readable Parquet file")
	assert.NotContains(t, err.Error(), "parquet: parquet:")

	_, err = NewSink(io.Discard, allTypes, SinkOptions{Compression: "lzma"})
	assert.ErrorContains(t, err, "lzma")
}

type closeRecorder struct {
	bytes.Buffer
	closed bool
}

func (c *closeRecorder) Close() error { c.closed = true; return nil }

func TestSinkLeavesWriterOpen(t *testing.T) {
	var w closeRecorder
	sink, err := NewSink(&w, allTypes, SinkOptions{})
	require.NoError(t, err)
	require.NoError(t, sink.Close(context.Background()))
	assert.False(t, w.closed)
	assert.Equal(t, "PAR1", w.String()[:4])
}

func TestRowGroupByteLimit(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	var batches []arrow.RecordBatch
	for i := range 10 {
		batches = append(batches, makeBatch(mem, i*100, 100))
	}
	per := sharedmem.PinnedBytes(batches[0])
	data := write(t, mem, SinkOptions{RowGroupBytes: 3 * per}, allTypes, batches...)
	for _, b := range batches {
		b.Release()
	}
	pf, err := file.NewParquetReader(bytes.NewReader(data))
	require.NoError(t, err)
	defer pf.Close()
	assert.GreaterOrEqual(t, pf.NumRowGroups(), 3, "a row group every ~3 batches")
	assert.LessOrEqual(t, pf.NumRowGroups(), 5)
	assert.Equal(t, int64(1000), pf.NumRows())
}

// Project after NewSource reads what Options.Columns reads, and no more
// bytes.
func TestProjectAfterOpen(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rec := makeBatch(mem, 0, 5000)
	defer rec.Release()
	data := write(t, mem, SinkOptions{Compression: "none"}, allTypes, rec)
	read := func(opts Options, project bool, cols []string) ([]arrow.Array, int64) {
		at := &countingReaderAt{r: bytes.NewReader(data)}
		opts.Mem = mem
		src, err := NewSource([]Input{{Name: "p", At: at, Size: int64(len(data))}}, opts)
		require.NoError(t, err)
		defer src.Close()
		if project {
			require.NoError(t, src.Project(cols))
			assert.Equal(t, len(cols), src.Schema().NumFields())
		}
		got, _ := readColumns(t, mem, src)
		return got, at.n
	}
	for _, cols := range [][]string{{"s", "list", "i8"}, {"i8"}} {
		want, wantBytes := read(Options{Columns: cols}, false, nil)
		got, gotBytes := read(Options{}, true, cols)
		require.Len(t, got, len(want))
		for i := range want {
			assert.True(t, array.Equal(want[i], got[i]), "column %d", i)
		}
		assert.Equal(t, wantBytes, gotBytes, "bytes read for %v", cols)
		releaseAll(want)
		releaseAll(got)
	}

	src, err := NewSource([]Input{{Name: "p", At: bytes.NewReader(data), Size: int64(len(data))}}, Options{Mem: mem})
	require.NoError(t, err)
	defer src.Close()
	err = src.Project([]string{"i8", "nope"})
	assert.ErrorIs(t, err, ErrNoColumn)
	assert.ErrorContains(t, err, "nope")
}

// Reading no column (counting) takes the row counts from the footer: every
// row is counted, batches keep their bound, and no column chunk is read.
func TestNoColumnCountsFromMetadata(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	a, b := makeBatch(mem, 0, 3000), makeBatch(mem, 3000, 1234)
	defer a.Release()
	defer b.Release()
	data := write(t, mem, SinkOptions{Compression: "none"}, allTypes, a, b)
	at := &countingReaderAt{r: bytes.NewReader(data)}
	src, err := NewSource([]Input{{Name: "p", At: at, Size: int64(len(data))}, {Name: "q", At: bytes.NewReader(data), Size: int64(len(data))}},
		Options{Mem: mem, Columns: []string{}, BatchRows: 1000})
	require.NoError(t, err)
	defer src.Close()
	footer := at.n
	var rows int64
	for {
		c, err := src.Next(context.Background())
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		require.NotNil(t, c.Batch)
		assert.Zero(t, c.Batch.NumCols())
		assert.LessOrEqual(t, c.Batch.NumRows(), int64(1000))
		assert.Equal(t, int64(c.Rows), c.Batch.NumRows())
		rows += c.Batch.NumRows()
		c.Batch.Release()
	}
	assert.Equal(t, int64(2*4234), rows)
	assert.Equal(t, footer, at.n, "no byte read after the footer")
}
