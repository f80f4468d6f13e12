package parquetio

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/sharedmem"
)

// batchSource hands out prepared batches, failing with err (when set)
// after failAfter of them.
type batchSource struct {
	recs      []arrow.RecordBatch
	next      int
	failAfter int
	err       error
}

func (s *batchSource) Schema() *arrow.Schema { return allTypes }

func (s *batchSource) Next(ctx context.Context) (pipeline.Chunk, error) {
	if s.err != nil && s.next == s.failAfter {
		return pipeline.Chunk{}, s.err
	}
	if s.next == len(s.recs) {
		return pipeline.Chunk{}, io.EOF
	}
	rec := s.recs[s.next]
	rec.Retain()
	s.next++
	return pipeline.Chunk{Batch: rec, Rows: int(rec.NumRows())}, nil
}

func (s *batchSource) NewDecoder() pipeline.Decoder { return nil }

// randomBatches cuts rows into batches of 1..1000 rows, with every fifth
// one of 1000..3000 rows, so that small batches are gathered by Write and
// large ones encoded by the workers (GatherRows 900), next to each other.
func randomBatches(mem memory.Allocator, r *rand.Rand, rows int) []arrow.RecordBatch {
	var recs []arrow.RecordBatch
	for base := 0; base < rows; {
		n := 1 + r.IntN(1000)
		if r.IntN(5) == 0 {
			n = 1000 + r.IntN(2000)
		}
		n = min(n, rows-base)
		recs = append(recs, makeBatch(mem, base, n))
		base += n
	}
	return recs
}

// runSink writes recs through a pipeline into a Parquet file.
func runSink(ctx context.Context, t *testing.T, mem memory.Allocator, src *batchSource, opts SinkOptions, workers int, mode sharedmem.Mode) ([]byte, error) {
	t.Helper()
	var buf bytes.Buffer
	opts.Mem = mem
	sink, err := NewSink(&buf, allTypes, opts)
	require.NoError(t, err)
	p := pipeline.New(src, nil, sink, pipeline.Config{
		Handoff: sharedmem.Policy{Mode: mode}, Mem: mem, EncodeWorkers: workers,
	})
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if err := p.Run(ctx); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// The row groups encoded in parallel make the same bytes whatever the
// worker count and handoff, and decode to the rows written, equal to what
// the serial writer (Write with batches, no encode step) makes.
func TestParallelWriteDeterministic(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	recs := randomBatches(mem, rand.New(rand.NewPCG(18, 1)), 30000)
	defer func() {
		for _, r := range recs {
			r.Release()
		}
	}()
	opts := SinkOptions{GatherRows: 900, RowGroupRows: 2500, RowGroupBytes: 1 << 20}
	serial := write(t, mem, opts, allTypes, recs...)
	want := readAll(t, mem, serial)
	defer releaseAll(want)

	var first []byte
	for _, mode := range []sharedmem.Mode{sharedmem.Shared, sharedmem.Copy, sharedmem.Auto} {
		for _, workers := range []int{1, 4} {
			t.Run(fmt.Sprintf("mode=%v/workers=%d", mode, workers), func(t *testing.T) {
				got, err := runSink(context.Background(), t, mem, &batchSource{recs: recs}, opts, workers, mode)
				require.NoError(t, err)
				if first == nil {
					first = got
				}
				assert.True(t, bytes.Equal(first, got), "same bytes as mode=shared/workers=1")
				cols := readAll(t, mem, got)
				defer releaseAll(cols)
				for j := range want {
					assert.True(t, array.Equal(want[j], cols[j]), "column %s", allTypes.Field(j).Name)
				}
				checkRowGroups(t, got, opts)
			})
		}
	}
}

// checkRowGroups: no row group above RowGroupRows, statistics on every
// column chunk, and the low-cardinality column dictionary-encoded.
func checkRowGroups(t *testing.T, data []byte, opts SinkOptions) {
	t.Helper()
	pf, err := file.NewParquetReader(bytes.NewReader(data))
	require.NoError(t, err)
	defer pf.Close()
	require.Greater(t, pf.NumRowGroups(), 1)
	for i := range pf.NumRowGroups() {
		rg := pf.MetaData().RowGroup(i)
		assert.LessOrEqual(t, rg.NumRows(), opts.RowGroupRows)
		assert.Equal(t, int16(i), rg.Ordinal())
		low, err := rg.ColumnChunk(12)
		require.NoError(t, err)
		assert.True(t, low.HasDictionaryPage(), "row group %d: low-cardinality column dictionary-encoded", i)
		set, err := low.StatsSet()
		require.NoError(t, err)
		assert.True(t, set, "row group %d: statistics", i)
	}
}

func readAll(t *testing.T, mem memory.Allocator, data []byte) []arrow.Array {
	t.Helper()
	src, err := NewSource([]Input{{Name: "out.parquet", At: bytes.NewReader(data), Size: int64(len(data))}}, Options{Mem: mem})
	require.NoError(t, err)
	defer src.Close()
	cols, _ := readColumns(t, mem, src)
	return cols
}

// A failing source and a cancelled run leave no goroutine (TestMain) and
// no Arrow memory behind.
func TestParallelWriteErrorAndCancel(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	recs := randomBatches(mem, rand.New(rand.NewPCG(18, 2)), 20000)
	defer func() {
		for _, r := range recs {
			r.Release()
		}
	}()
	opts := SinkOptions{GatherRows: 900}
	boom := errors.New("boom")
	for _, workers := range []int{1, 4} {
		t.Run(fmt.Sprintf("error/workers=%d", workers), func(t *testing.T) {
			_, err := runSink(context.Background(), t, mem, &batchSource{recs: recs, failAfter: len(recs) / 2, err: boom}, opts, workers, sharedmem.Auto)
			assert.ErrorIs(t, err, boom)
		})
		t.Run(fmt.Sprintf("cancel/workers=%d", workers), func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			src := &batchSource{recs: recs, failAfter: len(recs) / 3, err: nil}
			cancelling := &cancelSource{batchSource: src, at: len(recs) / 3, cancel: cancel}
			var buf bytes.Buffer
			sink, err := NewSink(&buf, allTypes, SinkOptions{GatherRows: 900, Mem: mem})
			require.NoError(t, err)
			p := pipeline.New(cancelling, nil, sink, pipeline.Config{Mem: mem, EncodeWorkers: workers})
			err = p.Run(ctx)
			assert.ErrorIs(t, err, context.Canceled)
		})
	}
}

// cancelSource cancels the run when it reaches batch at.
type cancelSource struct {
	*batchSource
	at     int
	cancel context.CancelFunc
}

func (s *cancelSource) Next(ctx context.Context) (pipeline.Chunk, error) {
	if s.next == s.at {
		s.cancel()
	}
	return s.batchSource.Next(ctx)
}

// collectSink keeps the batches written, in order.
type collectSink struct{ recs []arrow.RecordBatch }

func (s *collectSink) NewEncoder() pipeline.Encoder { return nil }
func (s *collectSink) Write(_ context.Context, c pipeline.Chunk) error {
	s.recs = append(s.recs, c.Batch)
	return nil
}
func (s *collectSink) Close(context.Context) error { return nil }

// Row groups decoded in parallel come out in file order, equal to the
// rows written, for any worker count and handoff, with a projection too;
// a cancelled read leaves nothing behind.
func TestParallelRead(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	recs := randomBatches(mem, rand.New(rand.NewPCG(18, 3)), 20000)
	data := write(t, mem, SinkOptions{RowGroupRows: 1700}, allTypes, recs...)
	want := concat(t, mem, allTypes.NumFields(), recs) // releases recs
	defer releaseAll(want)
	for _, mode := range []sharedmem.Mode{sharedmem.Shared, sharedmem.Copy, sharedmem.Auto} {
		for _, workers := range []int{1, 4} {
			for _, cols := range [][]string{nil, {"i64", "low", "list"}} {
				t.Run(fmt.Sprintf("mode=%v/workers=%d/columns=%d", mode, workers, len(cols)), func(t *testing.T) {
					src, err := NewSource([]Input{{Name: "a", At: bytes.NewReader(data), Size: int64(len(data))},
						{Name: "b", At: bytes.NewReader(data), Size: int64(len(data))}}, Options{Mem: mem, Columns: cols})
					require.NoError(t, err)
					defer src.Close()
					sink := &collectSink{}
					p := pipeline.New(src, nil, sink, pipeline.Config{Handoff: sharedmem.Policy{Mode: mode}, Mem: mem, DecodeWorkers: workers})
					ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
					defer cancel()
					require.NoError(t, p.Run(ctx))
					got := concat(t, mem, src.Schema().NumFields(), sink.recs)
					defer releaseAll(got)
					for j, f := range src.Schema().Fields() {
						w := want[allTypes.FieldIndices(f.Name)[0]]
						twice, err := array.Concatenate([]arrow.Array{w, w}, mem)
						require.NoError(t, err)
						assert.True(t, array.Equal(twice, got[j]), "column %s", f.Name)
						twice.Release()
					}
				})
			}
		}
		t.Run(fmt.Sprintf("mode=%v/cancel", mode), func(t *testing.T) {
			src, err := NewSource([]Input{{Name: "a", At: bytes.NewReader(data), Size: int64(len(data))}}, Options{Mem: mem})
			require.NoError(t, err)
			defer src.Close()
			ctx, cancel := context.WithCancel(context.Background())
			n := 0
			sink := pipeline.ToFunc(func(context.Context, arrow.RecordBatch) error {
				if n++; n == 3 {
					cancel()
				}
				return nil
			})
			p := pipeline.New(src, nil, sink, pipeline.Config{Handoff: sharedmem.Policy{Mode: mode}, Mem: mem, DecodeWorkers: 4})
			assert.ErrorIs(t, p.Run(ctx), context.Canceled)
		})
	}
}
