package window

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/stages/internal/rowtest"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// numberedRows are rows whose v_int is their position.
func numberedRows(n int) []row {
	rows := randomRows(newRand(), n)
	for i := range rows {
		rows[i][colIndex("v_int")] = int64(i)
	}
	return rows
}

func positions(t *testing.T, rows []row) []int64 {
	var out []int64
	for _, r := range rows {
		out = append(out, r[colIndex("v_int")].(int64))
	}
	return out
}

// sample N: min(N, rows) distinct rows in input order, the same for a
// seed whatever the batches and configuration.
func TestSampleReservoir(t *testing.T) {
	rows := numberedRows(600)
	for _, n := range []int64{0, 1, 50, 599, 600, 1000} {
		var first []int64
		for k, cfg := range configs() {
			for _, maxRows := range []int{1, 7, 100, 1000} {
				if k > 0 && maxRows != 100 {
					continue
				}
				t.Run(fmt.Sprintf("n=%d/%v/batch=%d", n, cfg, maxRows), func(t *testing.T) {
					mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
					defer mem.AssertSize(t, 0)
					got, err := runVerb(t, context.Background(), mem, verb.Env{}, cfg, rowtest.Split(newRand(), rows, maxRows), Sample(n, 7))
					require.NoError(t, err)
					pos := positions(t, got)
					require.Len(t, pos, int(min(n, 600)))
					for i := 1; i < len(pos); i++ {
						require.Less(t, pos[i-1], pos[i], "input order, no repeats")
					}
					for _, r := range got {
						require.Empty(t, sameRows([]row{rows[r[colIndex("v_int")].(int64)]}, []row{r}, outNames(nil)))
					}
					if first == nil {
						first = pos
					}
					require.Equal(t, first, pos, "the same rows for the seed")
				})
			}
		}
	}
}

// Every row is equally likely to be sampled: 10 of 100 rows over 1000
// seeds, each row's count near 100 (σ ≈ 9.5).
func TestSampleUniform(t *testing.T) {
	rows := numberedRows(100)
	parts := rowtest.Split(newRand(), rows, 13)
	counts := make([]int, 100)
	for seed := range uint64(1000) {
		st, _, err := Sample(10, seed).Build(verb.Env{}, testSchema)
		require.NoError(t, err)
		w := st.NewWorker()
		for i, p := range parts {
			_, err := w.Process(context.Background(), uint64(i), rowtest.Batch(t, memory.DefaultAllocator, testSchema, p))
			require.NoError(t, err)
		}
		var out []row
		require.NoError(t, w.(*reservoir).finish(context.Background(), nil2(func(r []row) { out = r }, t)))
		for _, p := range positions(t, out) {
			counts[p]++
		}
	}
	for i, c := range counts {
		assert.InDelta(t, 100, c, 45, "row %d", i)
	}
}

// sample P%: about P% of the rows, in input order, the same for a seed
// and batches.
func TestSampleFraction(t *testing.T) {
	rows := numberedRows(20000)
	parts := rowtest.Split(newRand(), rows, 500)
	var first []int64
	for _, cfg := range configs() {
		t.Run(cfg.String(), func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			got, err := runVerb(t, context.Background(), mem, verb.Env{}, cfg, parts, SampleFraction(0.1, 3))
			require.NoError(t, err)
			pos := positions(t, got)
			assert.InDelta(t, 2000, len(pos), 200)
			if cfg.unordered {
				return
			}
			for i := 1; i < len(pos); i++ {
				require.Less(t, pos[i-1], pos[i])
			}
			if first == nil {
				first = pos
			}
			require.Equal(t, first, pos)
		})
	}
}

// A reservoir over the memory cap fails and releases what it held; a
// cancel releases it too.
func TestSampleBounded(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rows := numberedRows(5000)
	_, err := runVerb(t, context.Background(), mem, verb.Env{MaxMemory: 8 << 10}, configs()[0], rowtest.Split(newRand(), rows, 20), Sample(4000, 1))
	require.ErrorIs(t, err, ErrMemory)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = runVerb(t, ctx, mem, verb.Env{}, configs()[0], rowtest.Split(newRand(), rows, 20), Sample(4000, 1))
	require.Error(t, err)
}

// nil2 is an emit that collects the rows of the one batch emitted.
func nil2(f func([]row), t *testing.T) func(rec arrowRecord) error {
	return func(rec arrowRecord) error {
		defer rec.Release()
		f(rowtest.Rows(t, []arrowRecord{rec}))
		return nil
	}
}

// refSampleBy is sample N by KEYS from its definition: Algorithm R per
// group, drawing from the verb's random stream in input order; the
// positions of the rows kept, ascending.
func refSampleBy(rows []row, keys []string, n int64, seed uint64) []int64 {
	rng := rand.New(rand.NewPCG(seed, 0x5a4d504c45))
	seen := map[string]int64{}
	res := map[string][]int64{}
	for i, r := range rows {
		var k []any
		for _, key := range keys {
			k = append(k, zeroSign(r[colIndex(key)]))
		}
		g := fmt.Sprintf("%#v", k)
		seen[g]++
		if int64(len(res[g])) < n {
			res[g] = append(res[g], int64(i))
		} else if j := rng.Int64N(seen[g]); j < n {
			res[g][j] = int64(i)
		}
	}
	var out []int64
	for _, p := range res {
		out = append(out, p...)
	}
	slices.Sort(out)
	return out
}

// sample N by KEYS keeps the rows the reference keeps (so N a group, in
// input order), the same for a seed whatever the batches and
// configuration.
func TestSampleByMatchesReference(t *testing.T) {
	rows := numberedRows(600)
	for _, keys := range [][]string{{"g"}, {"g", "h"}, {"v_f"}} {
		for _, n := range []int64{0, 1, 7, 200} {
			want := refSampleBy(rows, keys, n, 11)
			for k, cfg := range configs() {
				for _, maxRows := range []int{1, 7, 100, 1000} {
					if (k > 0 && (maxRows != 100 || len(keys) != 2)) || (maxRows == 1 && n != 7) {
						continue
					}
					t.Run(fmt.Sprintf("keys=%v/n=%d/%v/batch=%d", keys, n, cfg, maxRows), func(t *testing.T) {
						mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
						defer mem.AssertSize(t, 0)
						rows, want := rows, want
						if maxRows == 1 {
							rows = rows[:100]
							want = refSampleBy(rows, keys, n, 11)
						}
						got, err := runVerb(t, context.Background(), mem, verb.Env{}, cfg, rowtest.Split(newRand(), rows, maxRows), SampleBy(n, 11, keys...))
						require.NoError(t, err)
						require.Equal(t, want, positions(t, got))
						for _, r := range got {
							require.Empty(t, sameRows([]row{rows[r[colIndex("v_int")].(int64)]}, []row{r}, outNames(nil)))
						}
					})
				}
			}
		}
	}
}

// Every row of a group is equally likely to be sampled: 3 of each
// group's 20 rows (two groups interleaved) over 600 seeds, each row's
// count near 90, and a chi-square over the 40 rows within its 99.9 %
// bound.
func TestSampleByUniform(t *testing.T) {
	rows := numberedRows(40)
	for i := range rows {
		rows[i][colIndex("g")] = []string{"x", "y"}[i%2]
	}
	parts := rowtest.Split(newRand(), rows, 9)
	counts := make([]int, len(rows))
	for seed := range uint64(600) {
		st, _, err := SampleBy(3, seed, "g").Build(verb.Env{}, testSchema)
		require.NoError(t, err)
		w := st.NewWorker()
		for i, p := range parts {
			_, err := w.Process(context.Background(), uint64(i), rowtest.Batch(t, memory.DefaultAllocator, testSchema, p))
			require.NoError(t, err)
		}
		var out []row
		require.NoError(t, w.(*reservoir).finish(context.Background(), nil2(func(r []row) { out = r }, t)))
		require.Len(t, out, 6)
		for _, p := range positions(t, out) {
			counts[p]++
		}
	}
	chi2 := 0.0
	for i, c := range counts {
		assert.InDelta(t, 90, c, 40, "row %d", i)
		chi2 += float64((c-90)*(c-90)) / 90
	}
	// 39 degrees of freedom: P(chi2 > 72.1) = 0.001.
	assert.Less(t, chi2, 72.1)
}

// The groups' samples over the cap fail with ErrMemory and release what
// they held; a bad key fails at Build.
func TestSampleByBounded(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rows := numberedRows(5000)
	for i := range rows {
		rows[i][colIndex("h")] = int64(i)
	}
	_, err := runVerb(t, context.Background(), mem, verb.Env{MaxMemory: 16 << 10}, configs()[0], rowtest.Split(newRand(), rows, 50), SampleBy(2, 1, "h"))
	require.ErrorIs(t, err, ErrMemory)
	_, _, err = SampleBy(2, 1, "nope").Build(verb.Env{}, testSchema)
	require.ErrorContains(t, err, `no key column "nope"`)
}
