package arrowio

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
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/arrowpipe/arrowpipe/pipeline"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var testSchema = arrow.NewSchema([]arrow.Field{
	{Name: "i", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "f", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "b", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
	{Name: "t", Type: &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}, Nullable: true},
}, nil)

// makeBatch builds n rows starting at base, every third value null.
func makeBatch(mem memory.Allocator, schema *arrow.Schema, base, n int) arrow.RecordBatch {
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	for i := base; i < base+n; i++ {
		if i%3 == 0 {
			for _, fb := range b.Fields() {
				fb.AppendNull()
			}
			continue
		}
		b.Field(0).(*array.Int64Builder).Append(int64(i) * 1000003)
		b.Field(1).(*array.Float64Builder).Append(float64(i) / 7)
		b.Field(2).(*array.StringBuilder).Append(fmt.Sprintf("row %d é", i))
		b.Field(3).(*array.BooleanBuilder).Append(i%2 == 0)
		b.Field(4).(*array.TimestampBuilder).Append(arrow.Timestamp(int64(i) * 1e6))
	}
	return b.NewRecordBatch()
}

func write(t *testing.T, mem memory.Allocator, opts SinkOptions, batches ...arrow.RecordBatch) []byte {
	t.Helper()
	var buf bytes.Buffer
	opts.Mem = mem
	sink, err := NewSink(&buf, testSchema, opts)
	require.NoError(t, err)
	ctx := context.Background()
	enc := sink.NewEncoder()
	for _, rec := range batches {
		c := pipeline.Chunk{Batch: rec}
		if enc != nil {
			var err error
			c, err = enc.Encode(ctx, rec)
			require.NoError(t, err)
		} else {
			rec.Retain() // Write takes a reference of its own
		}
		require.NoError(t, sink.Write(ctx, c))
	}
	require.NoError(t, sink.Close(ctx))
	return buf.Bytes()
}

func readAll(t *testing.T, src *Source) []arrow.RecordBatch {
	t.Helper()
	var out []arrow.RecordBatch
	for {
		c, err := src.Next(context.Background())
		if errors.Is(err, io.EOF) {
			return out
		}
		require.NoError(t, err)
		rec, err := decodeChunk(src, c)
		require.NoError(t, err)
		out = append(out, rec)
	}
}

// decodeChunk returns the chunk's batch, decoded as a decode worker would
// when it carries a message.
func decodeChunk(src *Source, c pipeline.Chunk) (arrow.RecordBatch, error) {
	if c.Batch != nil {
		return c.Batch, nil
	}
	return src.NewDecoder().Decode(context.Background(), c)
}

func release(recs []arrow.RecordBatch) {
	for _, r := range recs {
		r.Release()
	}
}

func TestRoundTrip(t *testing.T) {
	for _, file := range []bool{false, true} {
		for _, comp := range []string{"none", "zstd", "lz4"} {
			for _, via := range []string{"reader", "readerat"} {
				t.Run(fmt.Sprintf("file=%t/compression=%s/via=%s", file, comp, via), func(t *testing.T) {
					mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
					defer mem.AssertSize(t, 0)
					want := []arrow.RecordBatch{makeBatch(mem, testSchema, 0, 100), makeBatch(mem, testSchema, 100, 1), makeBatch(mem, testSchema, 101, 50)}
					defer release(want)
					data := write(t, mem, SinkOptions{File: file, Compression: comp}, want...)
					if file {
						assert.Equal(t, "ARROW1", string(data[:6]))
					}
					in := Input{Name: "x", R: bytes.NewReader(data)}
					if via == "readerat" {
						in = Input{Name: "x", At: bytes.NewReader(data), Size: int64(len(data))}
					}
					src, err := NewSource([]Input{in}, Options{Mem: mem})
					require.NoError(t, err)
					defer src.Close()
					assert.True(t, src.Schema().Equal(testSchema))
					got := readAll(t, src)
					defer release(got)
					require.Len(t, got, len(want))
					for i := range want {
						assert.True(t, array.RecordEqual(want[i], got[i]), "batch %d", i)
					}
				})
			}
		}
	}
}

func TestSeveralInputs(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	a, b := makeBatch(mem, testSchema, 0, 10), makeBatch(mem, testSchema, 10, 5)
	defer a.Release()
	defer b.Release()
	d1 := write(t, mem, SinkOptions{}, a)
	d2 := write(t, mem, SinkOptions{File: true}, b)
	empty := write(t, mem, SinkOptions{})
	src, err := NewSource([]Input{{Name: "1", R: bytes.NewReader(d1)}, {Name: "e", R: bytes.NewReader(empty)},
		{Name: "2", At: bytes.NewReader(d2), Size: int64(len(d2))}}, Options{Mem: mem})
	require.NoError(t, err)
	defer src.Close()
	got := readAll(t, src)
	defer release(got)
	require.Len(t, got, 2)
	assert.True(t, array.RecordEqual(a, got[0]))
	assert.True(t, array.RecordEqual(b, got[1]))
}

func TestSchemaMismatchNamesInput(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	other := arrow.NewSchema([]arrow.Field{{Name: "i", Type: arrow.PrimitiveTypes.Int32}}, nil)
	var buf bytes.Buffer
	sink, err := NewSink(&buf, other, SinkOptions{Mem: mem})
	require.NoError(t, err)
	require.NoError(t, sink.Close(context.Background()))
	good := write(t, mem, SinkOptions{})
	_, err = NewSource([]Input{{Name: "good.arrows", R: bytes.NewReader(good)},
		{Name: "again.arrows", R: bytes.NewReader(good)}, {Name: "bad.arrows", R: bytes.NewReader(buf.Bytes())}}, Options{Mem: mem})
	require.ErrorIs(t, err, ErrSchemaMismatch)
	assert.Contains(t, err.Error(), "bad.arrows")
	assert.NotContains(t, err.Error(), "again.arrows")
}

func TestCorruptInputNamesFile(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rec := makeBatch(mem, testSchema, 0, 100)
	defer rec.Release()
	data := write(t, mem, SinkOptions{}, rec)
	src, err := NewSource([]Input{{Name: "cut.arrows", R: bytes.NewReader(data[:len(data)-200])}}, Options{Mem: mem})
	require.NoError(t, err)
	defer src.Close()
	_, err = src.Next(context.Background())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "cut.arrows")

	_, err = NewSource([]Input{{Name: "junk", R: bytes.NewReader([]byte("not arrow at all"))}}, Options{Mem: mem})
	assert.ErrorContains(t, err, "junk")
}

func TestNextStopsOnCanceledContext(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rec := makeBatch(mem, testSchema, 0, 10)
	defer rec.Release()
	data := write(t, mem, SinkOptions{}, rec)
	src, err := NewSource([]Input{{Name: "x", R: bytes.NewReader(data)}}, Options{Mem: mem})
	require.NoError(t, err)
	defer src.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = src.Next(ctx)
	assert.ErrorIs(t, err, context.Canceled)
}

func TestBadCompression(t *testing.T) {
	_, err := NewSink(io.Discard, testSchema, SinkOptions{Compression: "brotli"})
	assert.ErrorContains(t, err, "brotli")
}
