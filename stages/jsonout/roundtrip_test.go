package jsonout

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/stages/jsonin"
)

// TestReadsBackWithSameTypesAndValues: NDJSON written from float64, int64
// and timestamp[ns] columns reads back (jsonin) with the same types and
// bit-identical values, also when every float is a whole number or -0.
func TestReadsBackWithSameTypesAndValues(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "f", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		{Name: "i", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "t", Type: &arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: "UTC"}, Nullable: true},
	}, nil)
	floats := []float64{3, math.Copysign(0, -1), 0, -7, 1 << 53, 1e20, 1e21, 12.5, 5e-324, math.MaxFloat64, -1e300}
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	for k, f := range floats {
		b.Field(0).(*array.Float64Builder).Append(f)
		b.Field(1).(*array.Int64Builder).Append(int64(k) - math.MaxInt64)
		b.Field(2).(*array.TimestampBuilder).Append(arrow.Timestamp(1_700_000_000_123_456_789 + int64(k)))
	}
	want := b.NewRecordBatch()
	defer want.Release()

	var out bytes.Buffer
	sink := NewSink(&out, schema)
	ctx := context.Background()
	c, err := sink.NewEncoder().Encode(ctx, want)
	require.NoError(t, err)
	require.NoError(t, sink.Write(ctx, c))
	require.NoError(t, sink.Close(ctx))

	src, err := jsonin.NewSource(ctx, []jsonin.Input{{Name: "out", R: bytes.NewReader(out.Bytes())}}, jsonin.Options{Mem: mem})
	require.NoError(t, err)
	defer src.Close()
	require.True(t, schema.Equal(src.Schema()), "wrote %s, read back %s\n%s", schema, src.Schema(), out.String())
	chunk, err := src.Next(ctx)
	require.NoError(t, err)
	got, err := src.NewDecoder().Decode(ctx, chunk)
	require.NoError(t, err)
	defer got.Release()
	_, err = src.Next(ctx)
	require.True(t, errors.Is(err, io.EOF))
	for k, f := range floats {
		v := got.Column(0).(*array.Float64).Value(k)
		assert.Equal(t, math.Float64bits(f), math.Float64bits(v), "%v read back as %v", f, v)
	}
	assert.True(t, array.RecordEqual(want, got), "wrote\n%s", out.String())
}
