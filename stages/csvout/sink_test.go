package csvout

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
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

func TestHeader(t *testing.T) {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "id", Type: arrow.PrimitiveTypes.Int64},
		{Name: "a,b", Type: arrow.PrimitiveTypes.Int64},
		{Name: "", Type: arrow.PrimitiveTypes.Int64},
	}, nil)
	cases := []struct {
		name string
		opts Options
		want string
	}{
		{"header=default", Options{}, "id,\"a,b\",\"\"\n"},
		{"header=crlf", Options{CRLF: true}, "id,\"a,b\",\"\"\r\n"},
		{"header=tsv", Options{Delimiter: '\t'}, "id\ta,b\t\n"},
		{"header=none", Options{NoHeader: true}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// No rows at all: Close still writes the header.
			assert.Equal(t, c.want, encodeAll(t, schema, c.opts))
		})
	}
}

func TestHeaderOnceBeforeRows(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rec := oneColumn(mem, arrow.PrimitiveTypes.Int64, func(b array.Builder) {
		b.(*array.Int64Builder).AppendValues([]int64{1, 2}, nil)
	})
	defer rec.Release()
	empty := rec.NewSlice(0, 0)
	defer empty.Release()
	assert.Equal(t, "v\n1\n2\n1\n2\n", encodeAll(t, rec.Schema(), Options{}, empty, rec, empty, rec))
	assert.Equal(t, "v\r\n1\r\n2\r\n", encodeAll(t, rec.Schema(), Options{CRLF: true}, rec))
	assert.Equal(t, "1\n2\n", encodeAll(t, rec.Schema(), Options{NoHeader: true}, rec))
}

func TestDelimiterValidation(t *testing.T) {
	for _, d := range []byte{',', '\t', ';', '|', 0} {
		_, err := NewSink(&bytes.Buffer{}, salesSchema, Options{Delimiter: d})
		assert.NoError(t, err, "delimiter %q", d)
	}
	for _, d := range []byte{'"', '\n', '\r', '.', '-', 'a', '1', ' ', 0xff} {
		_, err := NewSink(&bytes.Buffer{}, salesSchema, Options{Delimiter: d})
		assert.ErrorIs(t, err, ErrDelimiter, "delimiter %q", d)
	}
}

// referenceField formats value i of arr from arrow-go's ValueStr, the
// simple row-at-a-time reference for the differential test.
func referenceField(arr arrow.Array, i int) string {
	if arr.IsNull(i) {
		return ""
	}
	return arr.ValueStr(i)
}

// sameValue compares a field read back from our CSV with the reference
// text, by value where the two formats legitimately differ.
func sameValue(t *testing.T, typ arrow.DataType, want, got string) bool {
	t.Helper()
	if want == "" || got == "" {
		return assert.Equal(t, want, got)
	}
	switch typ.ID() {
	case arrow.FLOAT64:
		w, err := strconv.ParseFloat(want, 64)
		require.NoError(t, err)
		g, err := strconv.ParseFloat(got, 64)
		require.NoError(t, err)
		return assert.Equal(t, math.Float64bits(w), math.Float64bits(g), "%s vs %s", want, got)
	case arrow.TIMESTAMP:
		w, err := time.Parse(time.RFC3339Nano, want)
		require.NoError(t, err)
		g, err := time.Parse(time.RFC3339Nano, got)
		require.NoError(t, err)
		return assert.True(t, w.Equal(g), "%s vs %s", want, got)
	}
	return assert.Equal(t, want, got)
}

func TestDifferentialWithEncodingCSV(t *testing.T) {
	for _, delim := range []byte{',', '\t', ';'} {
		for _, crlf := range []bool{false, true} {
			t.Run("delim="+strconv.Quote(string(delim))+"/crlf="+strconv.FormatBool(crlf), func(t *testing.T) {
				mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
				defer mem.AssertSize(t, 0)
				rec := salesBatch(mem, 2000, uint64(delim), true)
				defer rec.Release()
				sl := rec.NewSlice(5, 1995)
				defer sl.Release()

				out := encodeAll(t, salesSchema, Options{Delimiter: delim, CRLF: crlf}, sl)
				var rows [][]string
				if delim == '\t' {
					rows = readTSV(out)
				} else {
					r := csv.NewReader(strings.NewReader(out))
					r.Comma = rune(delim)
					r.LazyQuotes = false
					var err error
					rows, err = r.ReadAll()
					require.NoError(t, err)
				}
				require.Len(t, rows, int(sl.NumRows())+1)
				for j, f := range salesSchema.Fields() {
					assert.Equal(t, f.Name, rows[0][j])
				}
				for i := range int(sl.NumRows()) {
					for j := range int(sl.NumCols()) {
						want := referenceField(sl.Column(j), i)
						if delim != '\t' {
							// encoding/csv turns a quoted \r\n into \n.
							want = strings.ReplaceAll(want, "\r\n", "\n")
						}
						if !sameValue(t, sl.Column(j).DataType(), want, rows[i+1][j]) {
							t.Fatalf("row %d column %d", i, j)
						}
					}
				}
			})
		}
	}
}

func TestFloatsRoundTrip(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	r := rand.New(rand.NewPCG(11, 12))
	vals := make([]float64, 0, 20000)
	for len(vals) < cap(vals) {
		v := math.Float64frombits(r.Uint64())
		if len(vals)%2 == 0 {
			v = r.NormFloat64() * 1000
		}
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			vals = append(vals, v)
		}
	}
	rec := oneColumn(mem, arrow.PrimitiveTypes.Float64, func(b array.Builder) {
		b.(*array.Float64Builder).AppendValues(vals, nil)
	})
	defer rec.Release()
	lines := strings.Split(strings.TrimSuffix(encodeAll(t, rec.Schema(), Options{NoHeader: true}, rec), "\n"), "\n")
	require.Len(t, lines, len(vals))
	for i, line := range lines {
		got, err := strconv.ParseFloat(line, 64)
		require.NoError(t, err, line)
		require.Equal(t, math.Float64bits(vals[i]), math.Float64bits(got), line)
		if a := math.Abs(vals[i]); a >= 1e-6 && a < 1e21 {
			require.NotContains(t, line, "e", "fixed notation expected")
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
				recs[i] = salesBatch(mem, 100+i*37, uint64(i), i%2 == 0)
			}
			defer func() {
				for _, r := range recs {
					r.Release()
				}
			}()
			want := encodeAll(t, salesSchema, Options{}, recs...)

			var out bytes.Buffer
			s, err := NewSink(&out, salesSchema, Options{})
			require.NoError(t, err)
			ctx := t.Context()
			slots := make([]chan pipeline.Chunk, len(recs))
			for i := range slots {
				slots[i] = make(chan pipeline.Chunk, 1)
			}
			jobs := make(chan int)
			var wg sync.WaitGroup
			errs := make(chan error, workers)
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
	rec := salesBatch(mem, 1000, 3, true)
	defer rec.Release()
	var out bytes.Buffer
	out.Grow(1 << 20)
	s, err := NewSink(&out, salesSchema, Options{})
	require.NoError(t, err)
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

type failingWriter struct{ n int }

var errDiskFull = errors.New("no space left on device")

func (w *failingWriter) Write(p []byte) (int, error) {
	if w.n <= 0 {
		return 0, errDiskFull
	}
	w.n--
	return len(p), nil
}

type flushCounter struct {
	bytes.Buffer
	flushes int
}

func (f *flushCounter) Flush() error { f.flushes++; return nil }

func TestWriteErrorsAndFlush(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rec := salesBatch(mem, 10, 1, false)
	defer rec.Release()
	ctx := context.Background()

	for _, okWrites := range []int{0, 1} { // the header fails, then the rows
		s, err := NewSink(&failingWriter{n: okWrites}, salesSchema, Options{})
		require.NoError(t, err)
		c, err := s.NewEncoder().Encode(ctx, rec)
		require.NoError(t, err)
		assert.ErrorIs(t, s.Write(ctx, c), errDiskFull)
	}

	var fc flushCounter
	s, err := NewSink(bufio.NewWriter(&fc), salesSchema, Options{})
	require.NoError(t, err)
	require.NoError(t, s.Close(ctx))
	assert.Equal(t, "id,ts,region,product,qty,price,discount,note\n", fc.String(), "Close flushes a bufio.Writer")
	fc.Reset()
	s, err = NewSink(&fc, salesSchema, Options{})
	require.NoError(t, err)
	require.NoError(t, s.Close(ctx))
	require.NoError(t, s.Close(ctx))
	assert.Equal(t, 1, fc.flushes, "Close flushes once")
}

// readTSV is a reference reader of the IANA TSV convention with Miller's
// escapes: one record a line, fields cut at tabs, \t \n \r \\ decoded.
func readTSV(text string) [][]string {
	unescape := strings.NewReplacer(`\\`, `\`, `\t`, "\t", `\n`, "\n", `\r`, "\r")
	var rows [][]string
	for _, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		fields := strings.Split(strings.TrimSuffix(line, "\r"), "\t")
		for i, f := range fields {
			fields[i] = unescape.Replace(f)
		}
		rows = append(rows, fields)
	}
	return rows
}
