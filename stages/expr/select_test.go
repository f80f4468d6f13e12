package expr

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestFilterMatchesComputeFilter compares Evaluator.Filter and Select with
// arrow's compute.FilterRecordBatch on random batches, including sliced
// ones and column types only the fallback path handles.
func TestFilterMatchesComputeFilter(t *testing.T) {
	for _, nullRate := range []float64{0, 0.3} {
		for _, sliced := range []bool{false, true} {
			t.Run(fmt.Sprintf("nulls=%v/sliced=%v", nullRate, sliced), func(t *testing.T) {
				mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
				defer mem.AssertSize(t, 0)
				rng := rand.New(rand.NewPCG(5, 6))
				base := randomBatch(rng, mem, 300, nullRate)
				defer base.Release()
				rec := withListColumn(t, base, mem)
				defer rec.Release()
				if sliced {
					s := rec.NewSlice(11, 290)
					defer s.Release()
					rec = s
				}
				for _, src := range []string{"i1 > 0", "s1 == 'EU' or b1", "f1 is null", "b2", "i2 % 2 == 0 and t1 > t2", "true", "false", "null"} {
					e, err := Compile(src, rec.Schema())
					require.NoError(t, err)
					got, err := e.NewEvaluator().Filter(context.Background(), rec, mem)
					require.NoError(t, err)
					mask, err := e.Eval(context.Background(), rec, mem)
					require.NoError(t, err)
					if mask.DataType().ID() == arrow.NULL {
						mask.Release()
						assert.Nil(t, got, src)
						continue
					}
					want, err := compute.FilterRecordBatch(context.Background(), rec, mask, compute.DefaultFilterOptions())
					require.NoError(t, err)
					viaSelect, err := Select(context.Background(), rec, mask, mem)
					require.NoError(t, err)
					mask.Release()
					for _, g := range []arrow.RecordBatch{got, viaSelect} {
						if want.NumRows() == 0 {
							assert.Nil(t, g, src)
							continue
						}
						require.NotNil(t, g, src)
						assert.True(t, array.RecordApproxEqual(want, g, array.WithNaNsEqual(true), array.WithAbsTolerance(0)), src)
						if want.NumRows() == rec.NumRows() {
							assert.Same(t, rec.Column(0), g.Column(0), "all rows pass: zero-copy")
						}
						g.Release()
					}
					want.Release()
				}
			})
		}
	}
}

// withListColumn appends a list<int64> column, which Select takes through
// compute.Take.
func withListColumn(t *testing.T, rec arrow.RecordBatch, mem memory.Allocator) arrow.RecordBatch {
	t.Helper()
	lb := array.NewListBuilder(mem, arrow.PrimitiveTypes.Int64)
	defer lb.Release()
	vb := lb.ValueBuilder().(*array.Int64Builder)
	for r := 0; r < int(rec.NumRows()); r++ {
		if r%7 == 3 {
			lb.AppendNull()
			continue
		}
		lb.Append(true)
		for k := 0; k < r%3; k++ {
			vb.Append(int64(r*10 + k))
		}
	}
	list := lb.NewArray()
	defer list.Release()
	fields := append(rec.Schema().Fields(), arrow.Field{Name: "list", Type: list.DataType(), Nullable: true})
	cols := append(rec.Columns()[:len(rec.Columns()):len(rec.Columns())], list)
	return array.NewRecordBatch(arrow.NewSchema(fields, nil), cols, rec.NumRows())
}

func TestSelectErrors(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rec := specBatch(t, mem)
	defer rec.Release()
	_, err := Select(context.Background(), rec, rec.Column(0), mem)
	assert.ErrorContains(t, err, "not bool")
	short := array.NewSlice(rec.Column(3), 0, 1)
	defer short.Release()
	_, err = Select(context.Background(), rec, short, mem)
	assert.ErrorContains(t, err, "mask has 1 rows, batch has 3")
	e, err := Compile("a + 1", rec.Schema())
	require.NoError(t, err)
	_, err = e.NewEvaluator().Filter(context.Background(), rec, mem)
	assert.ErrorContains(t, err, "needs a bool expression")
}
