package window

import (
	"context"
	"errors"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/sharedmem"
	"github.com/arrowpipe/arrowpipe/stages/aggregate"
	"github.com/arrowpipe/arrowpipe/stages/internal/rowtest"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// bigRows has v_int at the int64 maximum, so that sums overflow.
func bigRows(n int) []row {
	rows := make([]row, n)
	for i := range rows {
		rows[i] = row{"a", int64(1), int64(math.MaxInt64 - i), 1.0, int32(1), "s", arrow.Timestamp(0), true}
	}
	return rows
}

// An integer overflow fails the run with ErrOverflow, naming the
// function, and leaves nothing allocated, whether the stage streams or
// holds batches.
func TestWindowOverflow(t *testing.T) {
	cases := map[string][]Func{
		"running_sum":        {RunningSum("v_int")},
		"moving_sum":         {MovingSum("v_int", 2)},
		"delta":              {Lag("v_int", 1), Delta("v_int")},
		"running_sum+lead":   {Lead("v_int", 2), RunningSum("v_int")},
		"running_sum+rank":   {Rank(aggregate.Asc("v_int")), RunningSum("v_int")},
		"moving_sum+lead+20": {Lead("v_str", 20), MovingSum("v_int", 3)},
	}
	for name, fns := range cases {
		for _, cfg := range configs()[:4] {
			t.Run(name+"/"+cfg.String(), func(t *testing.T) {
				mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
				defer mem.AssertSize(t, 0)
				rows := bigRows(50)
				if name == "delta" {
					rows[1][2] = int64(math.MinInt64)
				}
				_, err := runVerb(t, context.Background(), mem, verb.Env{}, cfg, rowtest.Split(newRand(), rows, 7), Window(nil, fns...))
				require.ErrorIs(t, err, ErrOverflow)
				require.Contains(t, err.Error(), fns[len(fns)-1].outName())
			})
		}
	}
}

// A moving integer sum that fits is right even when a sum of part of its
// window does not, and one that does not fit is an error.
func TestMovingSumExactWindow(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	const m = math.MaxInt64
	rowsWith := func(vals ...int64) []row {
		rows := make([]row, len(vals))
		for i, v := range vals {
			rows[i] = row{"a", int64(1), v, 1.0, int32(1), "s", arrow.Timestamp(0), true}
		}
		return rows
	}
	// The fifth row's window {m, 3, -8} fits; {m, 3}, on the way, does not.
	rows := rowsWith(5, -10, m, 3, -8)
	got, err := runVerb(t, context.Background(), mem, verb.Env{}, configs()[0], [][]row{rows[:2], rows[2:]}, Window(nil, MovingSum("v_int", 3)))
	require.NoError(t, err)
	for i, w := range []int64{5, -5, m - 5, m - 7, m - 5} {
		require.Equal(t, w, got[i][8], "row %d", i)
	}
	rows = rowsWith(m, 1)
	_, err = runVerb(t, context.Background(), mem, verb.Env{}, configs()[0], [][]row{rows}, Window(nil, MovingSum("v_int", 4)))
	require.ErrorIs(t, err, ErrOverflow)
}

// The per-group state does not spill: past half of Env.MaxMemory (lead
// and ranks, whose held batches spill) or all of it the run fails with
// ErrMemory and releases what it held.
func TestWindowMemoryCap(t *testing.T) {
	cases := map[string][]Func{
		"rank-groups": {Rank(aggregate.Asc("v_int"))},
		"lead-groups": {Lead("v_int", 1)},
		"lag-state":   {Lag("v_str", 5000)},
	}
	for name, fns := range cases {
		for _, cfg := range configs()[:2] {
			t.Run(name+"/"+cfg.String(), func(t *testing.T) {
				mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
				defer mem.AssertSize(t, 0)
				r := newRand()
				rows := randomRows(r, 3000)
				for i := range rows {
					rows[i][0] = fmt.Sprint(i) // every row its own group: nothing resolves a lead
					rows[i][1] = int64(i)
				}
				env := verb.Env{MaxMemory: 32 << 10}
				_, err := runVerb(t, context.Background(), mem, env, cfg, rowtest.Split(r, rows, 100), Window([]string{"g", "h"}, fns...))
				require.ErrorIs(t, err, ErrMemory)
			})
		}
	}
}

// Without keys, lead holds only the batches whose rows wait for the next
// ones: a stream far over the cap runs.
func TestLeadHoldsLittle(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	r := newRand()
	rows := randomRows(r, 20000)
	env := verb.Env{MaxMemory: 64 << 10}
	got, err := runVerb(t, context.Background(), mem, env, configs()[0], rowtest.Split(r, rows, 200), Window(nil, Lead("v_int", 3), Lead("v_str", 1)))
	require.NoError(t, err)
	require.Len(t, got, len(rows))
}

// Cancelling the run while the stage holds batches (ranks, lead) or
// streams releases everything, and Run returns the cause.
func TestWindowCancel(t *testing.T) {
	cases := map[string][]Func{
		"rank":      {Rank(aggregate.Desc("v_f"))},
		"lead":      {Lead("v_int", 1)},
		"streaming": {RunningSum("v_f"), Lag("v_str", 1)},
	}
	for name, fns := range cases {
		for _, cfg := range configs() {
			t.Run(name+"/"+cfg.String(), func(t *testing.T) {
				mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
				defer mem.AssertSize(t, 0)
				r := newRand()
				rows := randomRows(r, 4000)
				ctx, cancel := context.WithCancelCause(context.Background())
				defer cancel(nil)
				stop := errors.New("stop")
				st, _, err := Window([]string{"g"}, fns...).Build(verb.Env{Mem: mem}, testSchema)
				require.NoError(t, err)
				n := 0
				// The source cancels the run half way through.
				src := &genSource{rows: rowtest.Split(r, rows, 50), mem: mem, t: t, onNext: func(i int) {
					if i == 40 {
						cancel(stop)
					}
				}}
				sink := pipeline.ToFunc(func(context.Context, arrow.RecordBatch) error { n++; return nil })
				p := pipeline.New(src, []pipeline.Stage{st}, sink, pipeline.Config{
					Handoff: sharedmem.Policy{Mode: cfg.mode}, Mem: mem, Unordered: cfg.unordered,
					DecodeWorkers: cfg.workers, EncodeWorkers: cfg.workers,
				})
				done := make(chan error, 1)
				go func() { done <- p.Run(ctx) }()
				select {
				case err := <-done:
					require.ErrorIs(t, err, stop)
				case <-time.After(60 * time.Second):
					t.Fatal("run did not end")
				}
				// Run frees what the stage held before it returns.
				require.Zero(t, mem.CurrentAlloc())
			})
		}
	}
}

// genSource builds each batch when it is read.
type genSource struct {
	rows   [][]row
	mem    memory.Allocator
	t      *testing.T
	next   int
	onNext func(i int)
}

func (s *genSource) Schema() *arrow.Schema { return testSchema }

func (s *genSource) Next(ctx context.Context) (pipeline.Chunk, error) {
	if err := ctx.Err(); err != nil {
		return pipeline.Chunk{}, context.Cause(ctx)
	}
	if s.next == len(s.rows) {
		return pipeline.Chunk{}, errEOF
	}
	s.onNext(s.next)
	rec := rowtest.Batch(s.t, s.mem, testSchema, s.rows[s.next])
	s.next++
	return pipeline.Chunk{Batch: rec, Rows: int(rec.NumRows())}, nil
}

func (s *genSource) NewDecoder() pipeline.Decoder { return nil }

// Build errors name the verb and the bad argument.
func TestWindowBuildErrors(t *testing.T) {
	cases := map[string]struct {
		keys []string
		fns  []Func
		want string
	}{
		"no column":      {nil, []Func{Lag("nope", 1)}, `no column "nope"`},
		"no key":         {[]string{"nope"}, []Func{RowNumber()}, `no key column "nope"`},
		"not a number":   {nil, []Func{RunningSum("v_str")}, "not a number"},
		"bad default":    {nil, []Func{Lag("v_int", 1).Or("abc")}, `the default "abc"`},
		"duplicate":      {nil, []Func{RowNumber(), RowNumber()}, `"row_number" already exists`},
		"clash":          {nil, []Func{RowNumber().As("g")}, `"g" already exists`},
		"negative":       {nil, []Func{Lag("v_int", -1)}, "negative"},
		"moving zero":    {nil, []Func{MovingSum("v_int", 0)}, "not positive"},
		"alpha":          {nil, []Func{EWMA("v_f", 1.5)}, "alpha"},
		"no order":       {nil, []Func{Rank()}, "no order"},
		"rank column":    {nil, []Func{Rank(aggregate.Asc("zz"))}, `no column "zz"`},
		"no function":    {nil, nil, "no function"},
		"min of bools":   {nil, []Func{RunningMax("v_bool")}, "no order"},
		"unknown op":     {nil, []Func{{Op: "median", Column: "v_f"}}, "unknown window function"},
		"lag of no col":  {nil, []Func{{Op: OpLag, N: 1}}, "no column"},
		"ratio of dates": {nil, []Func{Ratio("v_ts")}, "not a number"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, _, err := Window(c.keys, c.fns...).Build(verb.Env{}, testSchema)
			require.ErrorContains(t, err, c.want)
			require.ErrorContains(t, err, "window: ")
		})
	}
}
