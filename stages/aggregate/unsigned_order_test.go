package aggregate

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// uint64 sort, top and distinct keys order and match as unsigned numbers:
// 2^63 and 2^64-1 sort after 1, not before it as their int64 bits would.
func TestUint64OrderKeys(t *testing.T) {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "u", Type: arrow.PrimitiveTypes.Uint64, Nullable: true},
		{Name: "id", Type: arrow.PrimitiveTypes.Int64},
	}, nil)
	r := rand.New(rand.NewPCG(3, 4))
	pool := []uint64{0, 1, 2, 1 << 62, 1<<63 - 1, 1 << 63, 1<<63 + 1, math.MaxUint64 - 1, math.MaxUint64}
	type urow struct {
		u    uint64
		null bool
		id   int64
	}
	var rows []urow
	for i := range 2000 {
		rows = append(rows, urow{u: pool[r.IntN(len(pool))], null: r.IntN(10) == 0, id: int64(i)})
	}
	batchesFrom := func(mem memory.Allocator, size int) []arrow.RecordBatch {
		var out []arrow.RecordBatch
		for lo := 0; lo < len(rows); lo += size {
			b := array.NewRecordBuilder(mem, schema)
			for _, x := range rows[lo:min(lo+size, len(rows))] {
				if x.null {
					b.Field(0).AppendNull()
				} else {
					b.Field(0).(*array.Uint64Builder).Append(x.u)
				}
				b.Field(1).(*array.Int64Builder).Append(x.id)
			}
			out = append(out, b.NewRecordBatch())
			b.Release()
		}
		return out
	}
	// The reference: a stable sort by u (nulls last) then the ids, and the
	// first row of each distinct u in input order.
	sorted := slices.Clone(rows)
	slices.SortStableFunc(sorted, func(a, b urow) int {
		if a.null || b.null {
			return cmp.Compare(btoi(a.null), btoi(b.null))
		}
		return -cmp.Compare(a.u, b.u)
	})
	var wantSort []int64
	for _, x := range sorted {
		wantSort = append(wantSort, x.id)
	}
	var wantDistinct []int64
	seen := map[string]bool{}
	for _, x := range rows {
		key := fmt.Sprint(x.u)
		if x.null {
			key = "null"
		}
		if !seen[key] {
			seen[key] = true
			wantDistinct = append(wantDistinct, x.id)
		}
	}
	for _, workers := range []int{1, 4} {
		for _, size := range []int{7, 1000} {
			for _, c := range []struct {
				verb string
				args []string
				want []int64
			}{
				{"sort", []string{"u desc"}, wantSort},
				{"top", []string{"50", "u desc"}, wantSort[:50]},
				{"distinct", []string{"u"}, wantDistinct},
			} {
				t.Run(fmt.Sprintf("%s/workers=%d/batch=%d", c.verb, workers, size), func(t *testing.T) {
					mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
					defer mem.AssertSize(t, 0)
					st, _, err := buildVerb(t, verb.Env{Workers: workers, Mem: mem, TempDir: t.TempDir()}, c.verb, schema, c.args...)
					require.NoError(t, err)
					out, err := drive(t, context.Background(), st, batchesFrom(mem, size), workers, rand.New(rand.NewPCG(1, uint64(workers))))
					require.NoError(t, err)
					defer releaseAll(out)
					var got []int64
					for _, rec := range out {
						got = append(got, rec.Column(1).(*array.Int64).Int64Values()...)
					}
					assert.Equal(t, c.want, got)
				})
			}
		}
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
