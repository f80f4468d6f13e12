package aggregate

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/stages/internal/rowtest"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// feedBlocks runs batches through a new partial of g, updating the
// accumulators block rows at a time (0: each batch whole), and returns the
// output batch of its groups in id order. The caller releases it.
func feedBlocks(t *testing.T, g *groupBy, batches []arrow.RecordBatch, block func() int) arrow.RecordBatch {
	p := g.newPartial()
	var gids []uint32
	keys := make([]arrow.Array, len(g.plan.keyIdx))
	for seq, rec := range batches {
		for i, c := range g.plan.keyIdx {
			keys[i] = rec.Column(c)
		}
		n := int(rec.NumRows())
		var err error
		gids, err = p.tab.groups(keys, n, uint64(seq), gids)
		require.NoError(t, err)
		b := block()
		if b == 0 {
			b = max(n, 1)
		}
		require.NoError(t, p.update(g.plan, rec, uint64(seq), gids[:n], b))
	}
	rec, err := g.build(p, identity(p.tab.n))
	require.NoError(t, err)
	return rec
}

// Updating a batch in blocks of any size (and touching the state rows
// first) gives exactly the state that whole batches give, for every
// function, including first/last, whose positions come from the block's
// offset.
func TestBlockwiseUpdateMatchesWholeBatches(t *testing.T) {
	for _, keys := range []string{"v_int", "k_str", "k_int,k_bool", "-"} {
		t.Run("keys="+keys, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			r := rand.New(rand.NewPCG(7, uint64(len(keys))))
			var parts [][]row
			for range 4 {
				parts = append(parts, randomRows(r, 2500+r.IntN(3000)))
			}
			batches := rowtest.Batches(t, mem, testSchema, parts)
			defer releaseAll(batches)
			calls, err := parseAggs(diffAggs)
			require.NoError(t, err)
			var keyNames []string
			if keys != "-" {
				keyNames = strings.Split(keys, ",")
			}
			pl, err := newPlan(testSchema, keyNames, calls)
			require.NoError(t, err)
			g := &groupBy{name: "groupby", plan: pl, mem: mem, outRows: MaxBatchRows}

			whole := feedBlocks(t, g, batches, func() int { return 0 })
			defer whole.Release()
			for _, sizes := range [][]int{{1}, {7, 1000, 3}, {updateBlock}, {r.IntN(5000) + 1, r.IntN(300) + 1}} {
				t.Run(fmt.Sprint("blocks=", sizes), func(t *testing.T) {
					i := 0
					got := feedBlocks(t, g, batches, func() int { i++; return sizes[i%len(sizes)] })
					defer got.Release()
					require.Equal(t, whole.NumRows(), got.NumRows())
					for c := range whole.NumCols() {
						assert.True(t, array.Equal(whole.Column(int(c)), got.Column(int(c))),
							"column %s", whole.Schema().Field(int(c)).Name)
					}
				})
			}
		})
	}
}

// The simple accumulators share one state row per group: each gives the
// same column in company (wide rows, every offset taken, merged from three
// workers) as alone (a row of its own words).
func TestSharedRowsDoNotClobber(t *testing.T) {
	aggs := []string{"count()", "count(v_f)", "sum(v_int)", "sum(v_i32)", "sum(v_f)", "mean(v_int)",
		"mean(v_f)", "var(v_f)", "stddev(v_int)", "count(v_int)", "min(v_f)", "sum(v_bool)"}
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	parts := rowtest.Split(rand.New(rand.NewPCG(3, 4)), randomRows(rand.New(rand.NewPCG(5, 6)), 20000), 3000)
	run := func(list string) []arrow.RecordBatch {
		st, _, err := buildVerb(t, verb.Env{Workers: 3, Mem: mem}, "groupby", testSchema, "v_int", list)
		require.NoError(t, err)
		out, err := drive(t, context.Background(), st, rowtest.Batches(t, mem, testSchema, parts), 3, rand.New(rand.NewPCG(1, 2)))
		require.NoError(t, err)
		return out
	}
	calls, err := parseAggs(strings.Join(aggs, ", "))
	require.NoError(t, err)
	pl, err := newPlan(testSchema, []string{"v_int"}, calls)
	require.NoError(t, err)
	require.Equal(t, 1+1+2+2+3+3+3+3+3+1+0+2, pl.stride, "words of the shared rows")

	all := run(strings.Join(aggs, ", "))
	defer releaseAll(all)
	for i, a := range aggs {
		alone := run(a)
		require.Equal(t, len(all), len(alone))
		for b := range all {
			assert.True(t, array.Equal(alone[b].Column(0), all[b].Column(0)), "%s: keys of batch %d", a, b)
			assert.True(t, array.Equal(alone[b].Column(1), all[b].Column(1+i)), "%s: batch %d", a, b)
		}
		releaseAll(alone)
	}
}

// Merging partials a block at a time (mergeAccs) gives the state that
// merging every accumulator whole gives.
func TestBlockwiseMergeMatchesWhole(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	r := rand.New(rand.NewPCG(8, 9))
	var parts [][]row
	for range 4 {
		parts = append(parts, randomRows(r, 4000))
	}
	batches := rowtest.Batches(t, mem, testSchema, parts)
	defer releaseAll(batches)
	calls, err := parseAggs(diffAggs)
	require.NoError(t, err)
	pl, err := newPlan(testSchema, []string{"v_int"}, calls)
	require.NoError(t, err)
	g := &groupBy{name: "groupby", plan: pl, mem: mem, outRows: MaxBatchRows}
	feed := func(recs []arrow.RecordBatch, seq0 int) *partial {
		p := g.newPartial()
		for i, rec := range recs {
			n := int(rec.NumRows())
			gids, err := p.tab.groups([]arrow.Array{rec.Column(pl.keyIdx[0])}, n, uint64(seq0+i), nil)
			require.NoError(t, err)
			require.NoError(t, p.update(pl, rec, uint64(seq0+i), gids, updateBlock))
		}
		return p
	}
	merged := func(blockwise bool) arrow.RecordBatch {
		dst, src := feed(batches[:2], 0), feed(batches[2:], 2)
		gids, err := dst.merge(mem, src)
		require.NoError(t, err)
		require.Greater(t, len(gids), updateBlock, "one block only")
		if blockwise {
			require.NoError(t, dst.mergeAccs(src, gids))
		} else {
			dst.grow()
			for i, a := range dst.accs {
				require.NoError(t, a.merge(src.accs[i], gids))
			}
		}
		rec, err := g.build(dst, identity(dst.tab.n))
		require.NoError(t, err)
		return rec
	}
	whole, blocks := merged(false), merged(true)
	defer whole.Release()
	defer blocks.Release()
	for c := range whole.NumCols() {
		assert.True(t, array.Equal(whole.Column(int(c)), blocks.Column(int(c))), "column %s", whole.Schema().Field(int(c)).Name)
	}
}
