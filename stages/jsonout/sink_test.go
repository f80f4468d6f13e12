package jsonout

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/pipeline"
)

var mixedSchema = arrow.NewSchema([]arrow.Field{
	{Name: "id", Type: arrow.PrimitiveTypes.Int64},
	{Name: "ts", Type: &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}, Nullable: true},
	{Name: "price.net", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "flag", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
	{Name: "day", Type: arrow.FixedWidthTypes.Date32, Nullable: true},
	{Name: "note", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "small", Type: arrow.PrimitiveTypes.Int16, Nullable: true},
}, nil)

// mixedBatch builds n rows of random values, about one in six null,
// with nasty strings and non-finite floats.
func mixedBatch(mem memory.Allocator, n int, seed uint64) arrow.RecordBatch {
	r := rand.New(rand.NewPCG(seed, 7))
	b := array.NewRecordBuilder(mem, mixedSchema)
	defer b.Release()
	for i := range n {
		b.Field(0).(*array.Int64Builder).Append(r.Int64() - math.MaxInt64/2)
		for j := 1; j < mixedSchema.NumFields(); j++ {
			if r.IntN(6) == 0 {
				b.Field(j).AppendNull()
				continue
			}
			switch fb := b.Field(j).(type) {
			case *array.TimestampBuilder:
				// Years 0001..9999, which RFC 3339 can write.
				const lo, hi = -62135596800_000000, 253402300799_999999
				fb.Append(arrow.Timestamp(lo + r.Int64N(hi-lo)))
			case *array.Float64Builder:
				switch i % 9 {
				case 0:
					fb.Append(math.NaN())
				case 1:
					fb.Append(math.Inf(1 - 2*r.IntN(2)))
				case 2, 3:
					fb.Append(math.Float64frombits(r.Uint64()))
				default:
					fb.Append(float64(r.IntN(1_000_000)) / 100)
				}
			case *array.BooleanBuilder:
				fb.Append(r.IntN(2) == 0)
			case *array.Date32Builder:
				fb.Append(arrow.Date32(r.IntN(2_000_000) - 700_000))
			case *array.StringBuilder:
				var sb strings.Builder
				for range r.IntN(4) {
					sb.WriteString(nasty[r.IntN(len(nasty))])
					sb.WriteByte(byte(r.IntN(256)))
				}
				fb.Append(sb.String())
			case *array.Int16Builder:
				fb.Append(int16(r.Uint32()))
			}
		}
	}
	return b.NewRecordBatch()
}

// checkLine decodes one line and compares each key and value with row i
// of rec, reading the batch through arrow-go's accessors.
func checkLine(t *testing.T, line string, rec arrow.RecordBatch, i int) {
	t.Helper()
	// encoding/json has no NaN or infinities: quote the bare words DuckDB's
	// JSON writer writes for them (no key or string here holds them).
	line = strings.NewReplacer(":NaN", `:"NaN"`, ":Infinity", `:"Infinity"`, ":-Infinity", `:"-Infinity"`).Replace(line)
	dec := json.NewDecoder(strings.NewReader(line))
	tok, err := dec.Token()
	require.NoError(t, err, line)
	require.Equal(t, json.Delim('{'), tok)
	for j := range int(rec.NumCols()) {
		tok, err := dec.Token()
		require.NoError(t, err, line)
		require.Equal(t, rec.Schema().Field(j).Name, tok, "keys in schema order")
		var raw json.RawMessage
		require.NoError(t, dec.Decode(&raw), line)
		col := rec.Column(j)
		if col.IsNull(i) {
			require.Equal(t, "null", string(raw), "row %d column %d", i, j)
			continue
		}
		var s string
		switch a := col.(type) {
		case *array.Int64:
			require.Equal(t, strconv.FormatInt(a.Value(i), 10), string(raw))
		case *array.Int16:
			require.Equal(t, strconv.Itoa(int(a.Value(i))), string(raw))
		case *array.Float64:
			v := a.Value(i)
			switch {
			case math.IsNaN(v):
				require.Equal(t, `"NaN"`, string(raw))
				continue
			case math.IsInf(v, 0):
				require.Equal(t, map[bool]string{true: `"Infinity"`, false: `"-Infinity"`}[v > 0], string(raw))
				continue
			}
			var got float64
			require.NoError(t, json.Unmarshal(raw, &got))
			require.Equal(t, math.Float64bits(v), math.Float64bits(got), "%s for %v", raw, v)
		case *array.Boolean:
			require.Equal(t, strconv.FormatBool(a.Value(i)), string(raw))
		case *array.Timestamp:
			require.NoError(t, json.Unmarshal(raw, &s))
			got, err := time.Parse(time.RFC3339Nano, s)
			require.NoError(t, err)
			require.True(t, time.UnixMicro(int64(a.Value(i))).Equal(got), "%s", s)
		case *array.Date32:
			require.NoError(t, json.Unmarshal(raw, &s))
			require.Equal(t, a.Value(i).ToTime().Format(time.DateOnly), s)
		case *array.String:
			require.NoError(t, json.Unmarshal(raw, &s))
			require.Equal(t, validUTF8(a.Value(i)), s)
		default:
			t.Fatalf("unexpected column type %s", col.DataType())
		}
	}
	tok, err = dec.Token()
	require.NoError(t, err)
	require.Equal(t, json.Delim('}'), tok)
	_, err = dec.Token()
	require.ErrorIs(t, err, io.EOF, "one object per line")
}

func TestLinesParseAndMatchBatch(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rec := mixedBatch(mem, 3000, 1)
	defer rec.Release()
	sl := rec.NewSlice(3, 2990)
	defer sl.Release()
	for _, b := range []arrow.RecordBatch{rec, sl} {
		out := encodeAll(t, mixedSchema, b)
		require.True(t, strings.HasSuffix(out, "\n"))
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		require.Len(t, lines, int(b.NumRows()))
		for i, line := range lines {
			checkLine(t, line, b, i)
		}
	}
}

// TestConcurrentEncoders drives the Sink as the pipeline does: several
// encoders encode batches at once, and one goroutine writes the chunks in
// stream order. The output must equal the sequential encoding.
func TestConcurrentEncoders(t *testing.T) {
	for _, workers := range []int{1, 4} {
		t.Run("workers="+strconv.Itoa(workers), func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			recs := make([]arrow.RecordBatch, 24)
			for i := range recs {
				recs[i] = mixedBatch(mem, 50+i*31, uint64(i))
			}
			defer func() {
				for _, r := range recs {
					r.Release()
				}
			}()
			want := encodeAll(t, mixedSchema, recs...)

			var out bytes.Buffer
			s := NewSink(&out, mixedSchema)
			ctx := t.Context()
			slots := make([]chan pipeline.Chunk, len(recs))
			for i := range slots {
				slots[i] = make(chan pipeline.Chunk, 1)
			}
			jobs := make(chan int)
			errs := make(chan error, workers)
			var wg sync.WaitGroup
			for range workers {
				enc := s.NewEncoder()
				wg.Go(func() {
					for i := range jobs {
						c, err := enc.Encode(ctx, recs[i])
						if err != nil {
							errs <- err
							return
						}
						slots[i] <- c
					}
				})
			}
			go func() {
				for i := range recs {
					jobs <- i
				}
				close(jobs)
			}()
			for i := range slots {
				select {
				case c := <-slots[i]:
					require.Equal(t, int(recs[i].NumRows()), c.Rows)
					require.NoError(t, s.Write(ctx, c))
				case err := <-errs:
					t.Fatal(err)
				case <-time.After(10 * time.Second):
					t.Fatal("timed out waiting for chunk", i)
				}
			}
			wg.Wait()
			require.NoError(t, s.Close(ctx))
			assert.Equal(t, want, out.String())
		})
	}
}

func TestSteadyStateAllocatesNothing(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rec := mixedBatch(mem, 1000, 3)
	defer rec.Release()
	var out bytes.Buffer
	out.Grow(1 << 20)
	s := NewSink(&out, mixedSchema)
	enc := s.NewEncoder()
	ctx := t.Context()
	step := func() {
		out.Reset()
		c, err := enc.Encode(ctx, rec)
		if err != nil {
			panic(err)
		}
		if err := s.Write(ctx, c); err != nil {
			panic(err)
		}
	}
	step()
	assert.Zero(t, testing.AllocsPerRun(20, step))
}

var errDiskFull = errors.New("no space left on device")

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errDiskFull }

func TestWriteErrorAndClose(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rec := mixedBatch(mem, 10, 1)
	defer rec.Release()
	ctx := context.Background()
	s := NewSink(failingWriter{}, mixedSchema)
	c, err := s.NewEncoder().Encode(ctx, rec)
	require.NoError(t, err)
	assert.ErrorIs(t, s.Write(ctx, c), errDiskFull)

	var out bytes.Buffer
	bw := bufio.NewWriter(&out)
	s = NewSink(bw, mixedSchema)
	c, err = s.NewEncoder().Encode(ctx, rec)
	require.NoError(t, err)
	require.NoError(t, s.Write(ctx, c))
	assert.Zero(t, out.Len(), "buffered until Close")
	require.NoError(t, s.Close(ctx))
	require.NoError(t, s.Close(ctx))
	assert.Equal(t, 10, strings.Count(out.String(), "\n"))
}
