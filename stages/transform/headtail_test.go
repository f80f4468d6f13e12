package transform

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

var idSchema = arrow.NewSchema([]arrow.Field{{Name: "id", Type: arrow.PrimitiveTypes.Int64}}, nil)

// idBatches returns batches of the given sizes holding ids 0, 1, 2, ...
func idBatches(mem memory.Allocator, sizes ...int) []arrow.RecordBatch {
	var out []arrow.RecordBatch
	next := int64(0)
	for _, n := range sizes {
		b := array.NewInt64Builder(mem)
		for range n {
			b.Append(next)
			next++
		}
		col := b.NewArray()
		out = append(out, array.NewRecordBatch(idSchema, []arrow.Array{col}, int64(n)))
		col.Release()
		b.Release()
	}
	return out
}

func ids(bs []arrow.RecordBatch) []int64 {
	out := []int64{}
	for _, b := range bs {
		out = append(out, b.Column(0).(*array.Int64).Int64Values()...)
	}
	return out
}

func seq(from, to int64) []int64 {
	out := []int64{}
	for x := from; x < to; x++ {
		out = append(out, x)
	}
	return out
}

func TestHead(t *testing.T) {
	tests := []struct {
		n         string
		sizes     []int
		want      []int64
		stop      bool
		processed int // batches handed to the worker before it stopped
	}{
		{"5", []int{3, 3, 3}, seq(0, 5), true, 2},
		{"6", []int{3, 3, 3}, seq(0, 6), true, 2},
		{"3", []int{3, 3}, seq(0, 3), true, 1},
		{"100", []int{3, 3}, seq(0, 6), false, 2},
		{"0", []int{3}, seq(0, 0), true, 1},
		{"2", []int{0, 4}, seq(0, 2), true, 2},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("n=%s/batches=%v", tt.n, tt.sizes), func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			st, schema, err := verbNamed(t, "head").Build(verb.Env{Workers: 4, Mem: mem}, []string{tt.n}, idSchema)
			require.NoError(t, err)
			assert.Same(t, idSchema, schema)
			assert.Equal(t, 1, st.Workers, "head is order-dependent")
			w := st.NewWorker()
			var out []arrow.RecordBatch
			processed := 0
			var stopErr error
			batches := idBatches(mem, tt.sizes...)
			for _, b := range batches {
				if stopErr != nil {
					b.Release() // the source stopped: never delivered
					continue
				}
				processed++
				res, err := w.Process(context.Background(), 0, b)
				if res != nil {
					out = append(out, res)
				}
				stopErr = err
			}
			defer releaseAll(out)
			assert.Equal(t, tt.want, ids(out))
			assert.Equal(t, tt.processed, processed)
			if tt.stop {
				assert.True(t, errors.Is(stopErr, pipeline.ErrStop), "got %v", stopErr)
			} else {
				assert.NoError(t, stopErr)
			}
		})
	}
}

func TestHeadAfterStopDropsBatches(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	st, _, err := verbNamed(t, "head").Build(verb.Env{Mem: mem}, []string{"2"}, idSchema)
	require.NoError(t, err)
	w := st.NewWorker()
	bs := idBatches(mem, 2, 2)
	res, err := w.Process(context.Background(), 0, bs[0])
	require.ErrorIs(t, err, pipeline.ErrStop)
	res.Release()
	res, err = w.Process(context.Background(), 1, bs[1]) // in flight when the source stopped
	assert.Nil(t, res)
	assert.ErrorIs(t, err, pipeline.ErrStop)
}

func TestTail(t *testing.T) {
	tests := []struct {
		n     string
		sizes []int
		want  []int64
	}{
		{"4", []int{3, 3, 3}, seq(5, 9)},
		{"3", []int{3, 3, 3}, seq(6, 9)},
		{"1", []int{5, 0}, seq(4, 5)},
		{"100", []int{3, 3}, seq(0, 6)},
		{"0", []int{3, 3}, seq(0, 0)},
		{"7", []int{1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, seq(3, 10)},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("n=%s/batches=%v", tt.n, tt.sizes), func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			st, _, err := verbNamed(t, "tail").Build(verb.Env{Workers: 4, Mem: mem}, []string{tt.n}, idSchema)
			require.NoError(t, err)
			assert.Equal(t, 1, st.Workers)
			batches := idBatches(mem, tt.sizes...)
			out, err := run(t, st, batches...)
			releaseAll(batches)
			defer releaseAll(out)
			require.NoError(t, err)
			assert.Equal(t, tt.want, ids(out))
		})
	}
}

func TestTailEmitErrorReleases(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	st, _, err := verbNamed(t, "tail").Build(verb.Env{Mem: mem}, []string{"5"}, idSchema)
	require.NoError(t, err)
	w := st.NewWorker()
	for _, b := range idBatches(mem, 2, 2, 2) {
		_, err := w.Process(context.Background(), 0, b)
		require.NoError(t, err)
	}
	boom := errors.New("downstream closed")
	err = st.Finish(context.Background(), []pipeline.Worker{w}, func(b arrow.RecordBatch) error {
		b.Release()
		return boom
	})
	assert.ErrorIs(t, err, boom)
}

// TestStatelessWorkersConcurrent runs filter and derive on several
// workers at once and compares with one worker.
func TestStatelessWorkersConcurrent(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	for _, c := range []struct{ verb, arg string }{
		{"filter", "id % 3 == 1 or id > 500"},
		{"derive", "x = id * 2; y = lower(to_string(x))"},
	} {
		t.Run(c.verb, func(t *testing.T) {
			var spec verb.Spec
			for _, s := range Verbs() {
				if s.Name == c.verb {
					spec = s
				}
			}
			st, _, err := spec.Build(verb.Env{Workers: 3, Mem: mem}, []string{c.arg}, idSchema)
			require.NoError(t, err)
			batches := idBatches(mem, 100, 100, 100, 100, 100, 100)
			want, err := run(t, st, batches...)
			require.NoError(t, err)
			defer releaseAll(want)
			results := make([]arrow.RecordBatch, len(batches))
			done := make(chan error, 3)
			for k := range 3 {
				go func() {
					w := st.NewWorker()
					for j := k; j < len(batches); j += 3 {
						batches[j].Retain()
						res, err := w.Process(context.Background(), uint64(j), batches[j])
						if err != nil {
							done <- err
							return
						}
						results[j] = res
					}
					done <- nil
				}()
			}
			for range 3 {
				select {
				case err := <-done:
					require.NoError(t, err)
				case <-time.After(30 * time.Second):
					t.Fatal("workers timed out")
				}
			}
			releaseAll(batches)
			var got []arrow.RecordBatch
			for _, r := range results {
				if r != nil {
					got = append(got, r)
				}
			}
			defer releaseAll(got)
			require.Equal(t, len(want), len(got))
			for k := range want {
				assert.True(t, array.RecordEqual(want[k], got[k]), "batch %d", k)
			}
		})
	}
}
