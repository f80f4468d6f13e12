package cluster

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/sharedmem"
	"github.com/arrowpipe/arrowpipe/stages/csvout"
	"github.com/arrowpipe/arrowpipe/stages/plan"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// edgeFile writes CSV rows with nulls in every column, negative and
// large integers (sums near ±2^62), repeated and unique keys, and notes
// with quoted newlines.
func edgeFile(t *testing.T, rows int) string {
	t.Helper()
	rng := rand.New(rand.NewPCG(22, 5))
	var b strings.Builder
	b.WriteString("id,k,g,big,note\n")
	for i := range rows {
		maybe := func(s string) string {
			if rng.IntN(9) == 0 {
				return ""
			}
			return s
		}
		big := fmt.Sprint(rng.Int64N(1<<56) - 1<<55)
		note := fmt.Sprintf("n%d", rng.IntN(40))
		if rng.IntN(6) == 0 {
			note = fmt.Sprintf("\"x\ny%d\"", rng.IntN(3))
		}
		fmt.Fprintf(&b, "%d,%s,%s,%s,%s\n", i, maybe(fmt.Sprint(rng.IntN(30)-15)), maybe(fmt.Sprintf("g%d", rng.IntN(7))),
			maybe(big), maybe(note))
	}
	path := filepath.Join(t.TempDir(), "edge.csv")
	require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o644))
	return path
}

// mapThenReduce runs a job's map side on each of its tasks in this
// process, in task order, and its reduce side on their results: what the
// cluster does, without the messages.
func mapThenReduce(t *testing.T, files []string, calls []plan.Call, read ReadSpec, size int64, workers int, mode sharedmem.Mode) string {
	t.Helper()
	ctx := context.Background()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	env := verb.Env{Mem: mem, Workers: workers}
	cfg := pipeline.Config{Mem: mem}
	cfg.Handoff.Mode = mode
	p, err := planJob(ctx, files, nil, 1, Job{Calls: calls, Read: read, Env: env})
	require.NoError(t, err)
	tasks, err := planTasks(ctx, files, make([]plan.FileOrigin, len(files)), read, size, make([]upload, len(files)))
	require.NoError(t, err)
	var parts []arrow.RecordBatch
	defer func() {
		for _, r := range parts {
			r.Release()
		}
	}()
	for i, in := range tasks {
		task := &Task{Version: TaskVersion, Job: "j", Index: i, Files: []string{in.file}, Chain: p.mapChain, Read: read, Columns: p.columns, Range: in.rng}
		if in.rng != nil {
			task.Read.Format, task.Schema = in.format, in.schema
		}
		ropts, err := task.Read.Options()
		require.NoError(t, err)
		ropts.Mem = mem
		src, _, err := openTask(ctx, task, ropts)
		require.NoError(t, err)
		require.NoError(t, src.Project(p.columns))
		verbs, err := parseCalls(p.mapChain, WorkerOptions{}.withDefaults().Specs)
		require.NoError(t, err)
		pl, err := plan.Build(env, verbs, src, plan.Options{})
		require.NoError(t, err)
		require.NoError(t, pipeline.New(src, pl.Stages, pipeline.ToFunc(func(_ context.Context, rec arrow.RecordBatch) error {
			rec.Retain()
			parts = append(parts, rec)
			return nil
		}), cfg).Run(ctx))
		require.NoError(t, src.Close())
	}
	rr, err := array.NewRecordReader(p.input, parts)
	require.NoError(t, err)
	defer rr.Release()
	var out bytes.Buffer
	sink, err := csvout.NewSink(&out, p.output, csvout.Options{})
	require.NoError(t, err)
	require.NoError(t, pipeline.New(pipeline.FromRecordReader(rr), p.reduce, sink, cfg).Run(ctx))
	return out.String()
}

// Property: for every aggregate that splits, merging the partial states
// of any cut of the input into tasks gives the single-process output,
// for any batch size, worker count and handoff.
func TestPartialGroupByMergesAsTheWhole(t *testing.T) {
	files := []string{edgeFile(t, 250)}
	chains := map[string][]string{
		"count-sum-min-max": {"groupby", "g", "count() as n, count(k), sum(k), sum(big), min(note), max(big)"},
		"mean-first-last":   {"groupby", "g, k", "mean(k), mean(big) as mb, first(note), last(big), first(id)"},
		"distinct":          {"groupby", "g", "count_distinct(k), approx_count_distinct(note) as a, count_distinct(g) as self, mean(big), min(id)"},
		"distinct-only":     {"filter", "id > 3", "then", "groupby", "k", "count_distinct(note) as d"},
		// Through partial states (statesGroupBy).
		"states":        {"derive", "x = big / 7.0", "then", "groupby", "g", "sum(x), mean(x), count(x), var(k), stddev(x), median(x), p90(k), quantile(x, 0.25) as q, first(note), count_distinct(k) as dk, min(x), last(id)"},
		"states-no-key": {"derive", "x = k * 0.1", "then", "agg", "sum(x), var(x), median(k), count_distinct(note) as d, first(note), approx_count_distinct(x) as ax, list(note) as notes"},
	}
	cases := []struct {
		workers int
		mode    sharedmem.Mode
		batch   int
	}{{1, sharedmem.Shared, 1}, {4, sharedmem.Copy, 7}}
	for name, words := range chains {
		calls := parseWords(t, words...)
		for _, tc := range cases {
			read := ReadSpec{BatchRows: tc.batch}
			want := reference(t, files, calls, read)
			sizes := []int64{500, 3000}
			if strings.HasPrefix(name, "states") {
				sizes = []int64{900} // keeps the race run short
			}
			for _, size := range sizes {
				t.Run(fmt.Sprintf("chain=%s/workers=%d/mode=%s/batch=%d/task-bytes=%d", name, tc.workers, tc.mode, tc.batch, size), func(t *testing.T) {
					p, err := planJob(context.Background(), files, nil, 1, Job{Calls: calls, Env: verb.Env{Mem: memory.NewGoAllocator()}})
					require.NoError(t, err)
					assert.Contains(t, []string{"groupby", "groupby_states"}, p.mapChain[len(p.mapChain)-1][0], "the groupby splits")
					got := mapThenReduce(t, files, calls, read, size, tc.workers, tc.mode)
					if strings.HasPrefix(name, "states") {
						// var and stddev merge per-task Welford states:
						// equal to the last few bits.
						assertCSVClose(t, want, got, 1e-12)
					} else {
						assert.Equal(t, want, got)
					}
				})
			}
		}
	}
}

// assertCSVClose checks that two CSV texts have the same cells, numbers
// within a relative difference of tol.
func assertCSVClose(t *testing.T, want, got string, tol float64) {
	t.Helper()
	w, err := csv.NewReader(strings.NewReader(want)).ReadAll()
	require.NoError(t, err)
	g, err := csv.NewReader(strings.NewReader(got)).ReadAll()
	require.NoError(t, err)
	require.Equal(t, len(w), len(g), "rows")
	for i := range w {
		require.Equal(t, len(w[i]), len(g[i]), "cells of row %d", i)
		for j := range w[i] {
			if w[i][j] == g[i][j] {
				continue
			}
			x, errx := strconv.ParseFloat(w[i][j], 64)
			y, erry := strconv.ParseFloat(g[i][j], 64)
			if errx != nil || erry != nil || math.Abs(x-y) > tol*math.Max(math.Abs(x), math.Abs(y)) {
				t.Errorf("row %d, column %s: %q, want %q", i, w[0][j], g[i][j], w[i][j])
			}
		}
	}
}
