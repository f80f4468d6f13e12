package aggregate

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// statesInput makes batches of rows rows at most: a text key with nulls,
// integers, floats with NaN, ±Inf, -0 and values near overflow, text
// values, all with nulls.
func statesInput(t *testing.T, mem memory.Allocator, rng *rand.Rand, rows, batch int) (*arrow.Schema, []arrow.RecordBatch) {
	t.Helper()
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "k", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "i", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "f", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true},
	}, nil)
	floats := []float64{math.NaN(), math.Inf(1), math.Inf(-1), math.Copysign(0, -1), 1.7e308, -1.7e308, 1e-300, 0.1, 1e16}
	var out []arrow.RecordBatch
	for lo := 0; lo < rows; lo += batch {
		b := array.NewRecordBuilder(mem, schema)
		for range min(batch, rows-lo) {
			null := func() bool { return rng.IntN(8) == 0 }
			if null() {
				b.Field(0).AppendNull()
			} else {
				b.Field(0).(*array.StringBuilder).Append(fmt.Sprintf("g%d", rng.IntN(5)))
			}
			if null() {
				b.Field(1).AppendNull()
			} else {
				b.Field(1).(*array.Int64Builder).Append(rng.Int64N(1<<40) - 1<<39)
			}
			switch {
			case null():
				b.Field(2).AppendNull()
			case rng.IntN(40) == 0:
				b.Field(2).(*array.Float64Builder).Append(floats[rng.IntN(len(floats))])
			default:
				b.Field(2).(*array.Float64Builder).Append(rng.NormFloat64() * 1e3)
			}
			if null() {
				b.Field(3).AppendNull()
			} else {
				b.Field(3).(*array.StringBuilder).Append(fmt.Sprintf("v%d", rng.IntN(30)))
			}
		}
		out = append(out, b.NewRecordBatch())
		b.Release()
	}
	return schema, out
}

// statesAggs has every aggregate with a partial state, on every kind of
// column it takes.
var statesAggs = "count() as n, count(f) as nf, sum(i), sum(f), mean(i), mean(f), var(f), stddev(i), var(i) as vi, stddev(f) as sf, " +
	"min(s), max(f), min(i) as mi, first(s), last(f), first(i) as fi, last(s) as ls, count_distinct(s), count_distinct(f) as df, " +
	"count_distinct(i) as di, median(f), p90(i), quantile(f, 0.3) as q3, approx_count_distinct(s) as acs, approx_count_distinct(f) as af, approx_median(f) as am, approx_p99(i) as a99, list(s) as l, list(f) as lf"

// runStates runs GroupByStates over batches on one worker and returns its
// output after an Arrow IPC round trip.
func runStates(t *testing.T, env verb.Env, in *arrow.Schema, keys []string, aggs []Aggregate, batches []arrow.RecordBatch) []arrow.RecordBatch {
	t.Helper()
	st, schema, err := GroupByStates(keys, aggs...).Build(env, in)
	require.NoError(t, err)
	var buf bytes.Buffer
	w := ipc.NewWriter(&buf, ipc.WithSchema(schema), ipc.WithAllocator(env.Mem))
	rr, err := array.NewRecordReader(in, batches)
	require.NoError(t, err)
	defer rr.Release()
	require.NoError(t, pipeline.New(pipeline.FromRecordReader(rr), []pipeline.Stage{st},
		pipeline.ToFunc(func(_ context.Context, rec arrow.RecordBatch) error { return w.Write(rec) }), pipeline.Config{Mem: env.Mem}).Run(context.Background()))
	require.NoError(t, w.Close())
	r, err := ipc.NewReader(&buf, ipc.WithAllocator(env.Mem))
	require.NoError(t, err)
	defer r.Release()
	var out []arrow.RecordBatch
	for r.Next() {
		rec := r.RecordBatch()
		rec.Retain()
		out = append(out, rec)
	}
	require.NoError(t, r.Err())
	return out
}

// valueStrings prints every value of recs, floats exactly (shortest
// round-trip form, -0 and NaN as such).
func valueStrings(recs []arrow.RecordBatch) []string {
	var out []string
	for _, rec := range recs {
		for r := range int(rec.NumRows()) {
			for c := range int(rec.NumCols()) {
				out = append(out, rec.Column(c).ValueStr(r))
			}
		}
	}
	return out
}

// Property: the states of any cut of the input into parts, exported,
// sent through Arrow IPC and merged in order, give what merging the
// parts' accumulators in the process gives, bit for bit, for every
// aggregate with a state; with one part, what GroupBy gives.
func TestStatesMergeEqualsMerge(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	env := verb.Env{Mem: mem, Workers: 1}
	keys, aggs, err := ParseGroupBy("k", statesAggs)
	require.NoError(t, err)
	for trial := range 13 {
		rng := rand.New(rand.NewPCG(uint64(trial), 8))
		batch := []int{1, 7, 64}[trial%3]
		rows := 40 + rng.IntN(400)
		if batch == 1 {
			rows = 40 + rng.IntN(60)
		}
		parts := 1 + trial%4
		if trial == 12 {
			// Groups of more than ApproxExactMax values in each part: the
			// approximate quantiles' t-digests.
			rows, batch, parts = 60000, 4096, 2
		}
		t.Run(fmt.Sprintf("trial=%d/batch=%d/parts=%d", trial, batch, parts), func(t *testing.T) {
			in, batches := statesInput(t, mem, rng, rows, batch)
			// Cut the batches into parts at random batch boundaries.
			cuts := []int{0}
			for range parts - 1 {
				cuts = append(cuts, rng.IntN(len(batches)+1))
			}
			cuts = append(cuts, len(batches))
			sortInts(cuts)

			// In the process: one partial per part, merged in order.
			g, _, err := newStates(env, "groupby", in, keys, aggs)
			require.NoError(t, err)
			var ps []*partial
			var seq uint64
			for p := range parts {
				w := g.newWorker().(*groupWorker)
				for _, b := range batches[cuts[p]:cuts[p+1]] {
					b.Retain()
					_, err := w.Process(context.Background(), seq, b)
					require.NoError(t, err)
					seq++
				}
				ps = append(ps, w.part)
			}
			final, err := g.mergeWorkers(context.Background(), ps, make([]int64, parts))
			require.NoError(t, err)
			var want []arrow.RecordBatch
			if final.tab.n > 0 {
				rec, err := g.build(final, firstOrder(final.tab.first))
				require.NoError(t, err)
				want = append(want, rec)
			}

			// Through states: each part's states, merged in part order.
			var states []arrow.RecordBatch
			for p := range parts {
				states = append(states, runStates(t, env, in, keys, aggs, batches[cuts[p]:cuts[p+1]])...)
			}
			st, out, err := MergeStates(env, in, keys, aggs)
			require.NoError(t, err)
			statesSchema, err := StatesSchema(in, keys, aggs)
			require.NoError(t, err)
			rr, err := array.NewRecordReader(statesSchema, states)
			require.NoError(t, err)
			var got []arrow.RecordBatch
			require.NoError(t, pipeline.New(pipeline.FromRecordReader(rr), []pipeline.Stage{st}, pipeline.ToFunc(func(_ context.Context, rec arrow.RecordBatch) error {
				rec.Retain()
				got = append(got, rec)
				return nil
			}), pipeline.Config{Mem: mem}).Run(context.Background()))
			rr.Release()
			assert.Equal(t, valueStrings(want), valueStrings(got))
			assert.True(t, out.Equal(g.plan.schema))

			if parts == 1 {
				// One part: exactly GroupBy's output.
				gb, _, err := GroupBy(keys, aggs...).Build(env, in)
				require.NoError(t, err)
				rr, err := array.NewRecordReader(in, batches)
				require.NoError(t, err)
				var whole []arrow.RecordBatch
				require.NoError(t, pipeline.New(pipeline.FromRecordReader(rr), []pipeline.Stage{gb}, pipeline.ToFunc(func(_ context.Context, rec arrow.RecordBatch) error {
					rec.Retain()
					whole = append(whole, rec)
					return nil
				}), pipeline.Config{Mem: mem}).Run(context.Background()))
				rr.Release()
				assert.Equal(t, valueStrings(whole), valueStrings(got))
				releaseRecs(whole)
			}
			releaseRecs(want)
			releaseRecs(got)
			releaseRecs(states)
			releaseRecs(batches)
		})
	}
}

func sortInts(s []int) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

func releaseRecs(recs []arrow.RecordBatch) {
	for _, r := range recs {
		r.Release()
	}
}

// A batch of states of another version is refused when merged.
func TestStatesRefused(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	in := arrow.NewSchema([]arrow.Field{{Name: "k", Type: arrow.PrimitiveTypes.Int64}, {Name: "x", Type: arrow.PrimitiveTypes.Float64}}, nil)
	keys, aggs, err := ParseGroupBy("k", "sum(x)")
	require.NoError(t, err)
	st, _, err := MergeStates(verb.Env{Mem: mem}, in, keys, aggs)
	require.NoError(t, err)
	states, err := StatesSchema(in, keys, aggs)
	require.NoError(t, err)
	md := arrow.NewMetadata([]string{statesVersionKey}, []string{"0"})
	old := arrow.NewSchema(states.Fields(), &md)
	b := array.NewRecordBuilder(mem, old)
	b.Field(0).(*array.Int64Builder).Append(1)
	fl := b.Field(1).(*array.FixedSizeListBuilder)
	fl.Append(true)
	fl.ValueBuilder().(*array.Uint64Builder).AppendValues([]uint64{0, 0, 0}, nil)
	rec := b.NewRecordBatch()
	b.Release()
	rr, err := array.NewRecordReader(old, []arrow.RecordBatch{rec})
	require.NoError(t, err)
	defer rr.Release()
	rec.Release()
	err = pipeline.New(pipeline.FromRecordReader(rr), []pipeline.Stage{st}, pipeline.ToFunc(func(context.Context, arrow.RecordBatch) error { return nil }),
		pipeline.Config{Mem: mem}).Run(context.Background())
	assert.ErrorContains(t, err, `version "0"`)
}
