package aggregate

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/stages/internal/rowtest"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// sliceRun is a SortedRun of prepared batches; fail, when set, is
// returned instead of the batch at failAt.
type sliceRun struct {
	recs   []arrow.RecordBatch
	fail   error
	failAt int
}

func (s *sliceRun) Next(context.Context) (arrow.RecordBatch, error) {
	if s.fail != nil && s.failAt == 0 {
		return nil, s.fail
	}
	s.failAt--
	if len(s.recs) == 0 {
		return nil, nil
	}
	rec := s.recs[0]
	s.recs = s.recs[1:]
	return rec, nil
}

func (s *sliceRun) release() { releaseAll(s.recs) }

// rowsWithFloatEdges are randomRows with NaN, -0, +0 and -Inf among the
// k_f keys, which sort orders as cmp.Compare does (-0 equal to 0).
func rowsWithFloatEdges(r *rand.Rand, n int) []row {
	rows := randomRows(r, n)
	edges := []float64{math.NaN(), math.Copysign(0, -1), 0, math.Inf(-1)}
	for _, v := range rows {
		if v[5] != nil && r.IntN(3) == 0 {
			v[5] = edges[r.IntN(len(edges))]
		}
	}
	return rows
}

// sortParts sorts each part of the input on its own with the sort verb,
// as a worker sorts its task: one run per part.
func sortParts(t *testing.T, mem memory.Allocator, r *rand.Rand, order string, parts [][][]row) []*sliceRun {
	t.Helper()
	runs := make([]*sliceRun, len(parts))
	for i, p := range parts {
		st, _, err := buildVerb(t, verb.Env{Mem: mem, BatchRows: 1 + r.IntN(300)}, "sort", testSchema, order)
		require.NoError(t, err)
		out, err := drive(t, context.Background(), st, rowtest.Batches(t, mem, testSchema, p), 1, r)
		require.NoError(t, err)
		runs[i] = &sliceRun{recs: out}
	}
	return runs
}

// The merge of the stable sorts of consecutive parts of an input is the
// stable sort of the whole input, row for row and bit for bit (NaN, -0,
// nulls first and last, descending keys, several keys), for any batch
// sizes, empty parts and one part included.
func TestSortedMergeEqualsSort(t *testing.T) {
	orders := append([]string{"k_f desc nulls first, k_str", "k_f, v_int desc"}, sortSpecs...)
	for i, order := range orders {
		for _, nparts := range []int{1, 7} {
			t.Run(fmt.Sprintf("order=%s/parts=%d", order, nparts), func(t *testing.T) {
				mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
				defer mem.AssertSize(t, 0)
				r := rand.New(rand.NewPCG(uint64(i), uint64(nparts)))
				rows := rowsWithFloatEdges(r, 1500)
				st, _, err := buildVerb(t, verb.Env{Mem: mem}, "sort", testSchema, order)
				require.NoError(t, err)
				whole, err := drive(t, context.Background(), st, rowtest.Batches(t, mem, testSchema, rowtest.Split(r, rows, 200)), 1, r)
				require.NoError(t, err)
				want := fmt.Sprint(rowtest.Rows(t, whole))
				releaseAll(whole)

				// Consecutive parts of random sizes, some empty.
				var parts [][][]row
				for lo, k := 0, 0; k < nparts; k++ {
					hi := lo + r.IntN(2*len(rows)/nparts+1)
					if k == nparts-1 || hi > len(rows) {
						hi = len(rows)
					}
					parts = append(parts, rowtest.Split(r, rows[lo:hi], 1+r.IntN(100)))
					lo = hi
				}
				runs := sortParts(t, mem, r, order, parts)
				keys, err := ParseOrder(testSchema, order)
				require.NoError(t, err)
				in := make([]SortedRun, len(runs))
				for k, run := range runs {
					in[k] = run
				}
				m, err := NewSortedMerge(testSchema, keys, mem, 1+r.IntN(500), in)
				require.NoError(t, err)
				var out []arrow.RecordBatch
				for {
					rec, err := m.Next(context.Background())
					require.NoError(t, err)
					if rec == nil {
						break
					}
					out = append(out, rec)
				}
				m.Release()
				assert.Equal(t, want, fmt.Sprint(rowtest.Rows(t, out)))
				releaseAll(out)
			})
		}
	}
}

// A run's error and a cancelled context end the merge with that error;
// Release then frees every batch it holds.
func TestSortedMergeErrorsRelease(t *testing.T) {
	boom := errors.New("boom")
	for _, tc := range []struct {
		name   string
		cancel bool
		failAt int // -1: no run fails
	}{{"run-error-first", false, 0}, {"run-error-later", false, 2}, {"cancelled", true, -1}} {
		t.Run(tc.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			r := rand.New(rand.NewPCG(3, 4))
			rows := randomRows(r, 600)
			runs := sortParts(t, mem, r, "k_int", [][][]row{rowtest.Split(r, rows[:300], 20), rowtest.Split(r, rows[300:], 20)})
			if tc.failAt >= 0 {
				runs[1].fail, runs[1].failAt = boom, tc.failAt
			}
			keys, err := ParseOrder(testSchema, "k_int")
			require.NoError(t, err)
			m, err := NewSortedMerge(testSchema, keys, mem, 50, []SortedRun{runs[0], runs[1]})
			require.NoError(t, err)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tc.cancel {
				rec, err := m.Next(ctx)
				require.NoError(t, err)
				rec.Release()
				cancel()
			}
			for {
				rec, e := m.Next(ctx)
				if rec == nil {
					err = e
					break
				}
				rec.Release()
			}
			if tc.cancel {
				assert.ErrorIs(t, err, context.Canceled)
			} else {
				assert.ErrorIs(t, err, boom)
			}
			m.Release()
			for _, run := range runs {
				run.release()
			}
		})
	}
}
