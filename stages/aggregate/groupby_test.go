package aggregate

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/stages/aggregate/sketch"
	"github.com/arrowpipe/arrowpipe/stages/internal/rowtest"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// refAgg is one aggregate as the reference computes it.
type refAgg struct {
	fn, col string
	q       float64
}

// The aggregate list of the differential test and its reference twins.
const diffAggs = "count() as n, count(v_int), sum(v_int), sum(v_f), sum(v_i32), min(v_int), max(v_f), " +
	"min(v_str), max(v_str), min(v_ts), max(v_date), min(v_bool), max(v_bool), max(v_i32), " +
	"mean(v_int), mean(v_f), stddev(v_f), var(v_int), first(v_str), last(v_str), first(v_f), " +
	"last(v_int), first(v_ts), last(v_bool), count_distinct(v_str), count_distinct(v_int), " +
	"count_distinct(v_f), count_distinct(v_bool), approx_count_distinct(v_str), approx_count_distinct(v_int), " +
	"approx_count_distinct(v_f), median(v_f), p90(v_int), quantile(v_f, 0.25) as q25, p99(v_f), p50(v_i32), avg(v_i32)"

var diffRef = []refAgg{
	{"count", "", 0}, {"count", "v_int", 0}, {"sum", "v_int", 0}, {"sum", "v_f", 0}, {"sum", "v_i32", 0},
	{"min", "v_int", 0}, {"max", "v_f", 0}, {"min", "v_str", 0}, {"max", "v_str", 0}, {"min", "v_ts", 0},
	{"max", "v_date", 0}, {"min", "v_bool", 0}, {"max", "v_bool", 0}, {"max", "v_i32", 0},
	{"mean", "v_int", 0}, {"mean", "v_f", 0}, {"stddev", "v_f", 0}, {"var", "v_int", 0},
	{"first", "v_str", 0}, {"last", "v_str", 0}, {"first", "v_f", 0}, {"last", "v_int", 0},
	{"first", "v_ts", 0}, {"last", "v_bool", 0}, {"count_distinct", "v_str", 0}, {"count_distinct", "v_int", 0},
	{"count_distinct", "v_f", 0}, {"count_distinct", "v_bool", 0}, {"approx", "v_str", 0}, {"approx", "v_int", 0},
	{"approx", "v_f", 0}, {"quantile", "v_f", 0.5}, {"quantile", "v_int", 0.9}, {"quantile", "v_f", 0.25},
	{"quantile", "v_f", 0.99}, {"quantile", "v_i32", 0.5}, {"mean", "v_i32", 0},
}

func colIndex(t testing.TB, name string) int {
	idx := testSchema.FieldIndices(name)
	require.Len(t, idx, 1, name)
	return idx[0]
}

func refLess(a, b any) bool {
	switch a := a.(type) {
	case int64:
		return a < b.(int64)
	case int32:
		return a < b.(int32)
	case float64:
		return a < b.(float64)
	case string:
		return a < b.(string)
	case bool:
		return !a && b.(bool)
	case arrow.Date32:
		return a < b.(arrow.Date32)
	case arrow.Timestamp:
		return a < b.(arrow.Timestamp)
	}
	panic(fmt.Sprintf("refLess %T", a))
}

func toFloat(v any) float64 {
	switch v := v.(type) {
	case int64:
		return float64(v)
	case int32:
		return float64(v)
	case float64:
		return v
	}
	panic(fmt.Sprintf("toFloat %T", v))
}

// refValue computes one aggregate over a group's rows, row at a time.
func refValue(t testing.TB, rows []row, a refAgg) any {
	if a.fn == "count" && a.col == "" {
		return int64(len(rows))
	}
	c := colIndex(t, a.col)
	if a.fn == "list" {
		out := []any{}
		for _, r := range rows {
			out = append(out, r[c])
		}
		return out
	}
	var vals []any
	for _, r := range rows {
		if r[c] != nil {
			vals = append(vals, r[c])
		}
	}
	switch a.fn {
	case "count":
		return int64(len(vals))
	case "count_distinct", "approx":
		set := map[any]bool{}
		for _, v := range vals {
			set[v] = true
		}
		return int64(len(set))
	}
	if len(vals) == 0 {
		return nil
	}
	switch a.fn {
	case "sum":
		if _, ok := vals[0].(float64); ok {
			s := 0.0
			for _, v := range vals {
				s += v.(float64)
			}
			return s
		}
		var s int64
		for _, v := range vals {
			s += int64(toFloat(v))
		}
		return s
	case "min", "max":
		best := vals[0]
		for _, v := range vals[1:] {
			if a.fn == "min" && refLess(v, best) || a.fn == "max" && refLess(best, v) {
				best = v
			}
		}
		return best
	case "first":
		return vals[0]
	case "last":
		return vals[len(vals)-1]
	}
	fs := make([]float64, len(vals))
	for i, v := range vals {
		fs[i] = toFloat(v)
	}
	mean := 0.0
	for _, f := range fs {
		mean += f
	}
	mean /= float64(len(fs))
	switch a.fn {
	case "mean":
		return mean
	case "var", "stddev":
		if len(fs) < 2 {
			return nil
		}
		ss := 0.0
		for _, f := range fs {
			ss += (f - mean) * (f - mean)
		}
		v := ss / float64(len(fs)-1)
		if a.fn == "stddev" {
			return math.Sqrt(v)
		}
		return v
	case "quantile":
		slices.Sort(fs)
		p := a.q * float64(len(fs)-1)
		i := int(math.Floor(p))
		if i+1 >= len(fs) {
			return fs[len(fs)-1]
		}
		return fs[i] + (fs[i+1]-fs[i])*(p-math.Floor(p))
	}
	t.Fatalf("refValue: %s", a.fn)
	return nil
}

// refGroupBy groups rows by the key columns in order of first appearance.
func refGroupBy(t testing.TB, rows []row, keys []string, aggs []refAgg) []row {
	var order []string
	groups := map[string][]row{}
	for _, r := range rows {
		var k []string
		for _, name := range keys {
			v := r[colIndex(t, name)]
			if f, ok := v.(float64); ok && f == 0 {
				v = 0.0 // -0 and 0 are one group
			}
			k = append(k, fmt.Sprintf("%T:%v", v, v))
		}
		ks := strings.Join(k, "|")
		if _, ok := groups[ks]; !ok {
			order = append(order, ks)
		}
		groups[ks] = append(groups[ks], r)
	}
	if len(keys) == 0 && len(order) == 0 {
		order = append(order, "")
	}
	var out []row
	for _, ks := range order {
		g := groups[ks]
		var o row
		for _, name := range keys {
			o = append(o, g[0][colIndex(t, name)])
		}
		for _, a := range aggs {
			o = append(o, refValue(t, g, a))
		}
		out = append(out, o)
	}
	return out
}

func closeFloat(a, b float64) bool {
	return math.Abs(a-b) <= 1e-6+1e-9*math.Max(math.Abs(a), math.Abs(b))
}

// assertRowsMatch compares output rows with reference rows; columns named
// in approx may differ by 3 % + 1.
func assertRowsMatch(t *testing.T, want, got []row, names []string) {
	t.Helper()
	require.Equal(t, len(want), len(got), "row count")
	for i := range want {
		require.Equal(t, len(want[i]), len(got[i]), "columns of row %d", i)
		for c := range want[i] {
			w, g := want[i][c], got[i][c]
			if w == nil || g == nil {
				assert.Equal(t, w, g, "row %d column %s", i, names[c])
				continue
			}
			if strings.HasPrefix(names[c], "approx_") {
				assert.InDelta(t, float64(w.(int64)), float64(g.(int64)), 1+0.03*float64(w.(int64)), "row %d column %s", i, names[c])
				continue
			}
			if wf, ok := w.(float64); ok {
				gf, ok := g.(float64)
				if assert.True(t, ok, "row %d column %s: %T", i, names[c], g) {
					assert.True(t, closeFloat(wf, gf), "row %d column %s: want %v got %v", i, names[c], wf, gf)
				}
				continue
			}
			assert.Equal(t, w, g, "row %d column %s", i, names[c])
		}
	}
}

func TestGroupByDifferential(t *testing.T) {
	// v_int, v_i32 and v_f are single integer/float keys with thousands of
	// groups (several rehashes of the integer slots), with nulls.
	keySets := []string{"k_str", "k_int,k_bool", "k_date,k_ts,k_str", "k_f", "k_bool,k_f,k_int,k_str", "-", "v_int", "v_i32", "v_f"}
	for _, keys := range keySets {
		for _, workers := range []int{1, 2, 3, 5, 8} {
			t.Run(fmt.Sprintf("keys=%s/workers=%d", keys, workers), func(t *testing.T) {
				mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
				defer mem.AssertSize(t, 0)
				r := rand.New(rand.NewPCG(uint64(workers), uint64(len(keys))))
				parts := rowtest.Split(r, randomRows(r, 3000), 200)
				var keyNames []string
				if keys != "-" {
					keyNames = strings.Split(keys, ",")
				}
				want := refGroupBy(t, flatten(parts), keyNames, diffRef)

				st, schema, err := buildVerb(t, verb.Env{Workers: workers, Mem: mem}, "groupby", testSchema, keys, diffAggs)
				require.NoError(t, err)
				out, err := drive(t, context.Background(), st, rowtest.Batches(t, mem, testSchema, parts), workers, r)
				require.NoError(t, err)
				defer releaseAll(out)
				for _, rec := range out {
					assert.True(t, rec.Schema().Equal(schema))
				}
				names := make([]string, len(schema.Fields()))
				for i, f := range schema.Fields() {
					names[i] = f.Name
				}
				assertRowsMatch(t, want, rowtest.Rows(t, out), names)
			})
		}
	}
}

func TestGroupByOutputSchema(t *testing.T) {
	_, schema, err := buildVerb(t, verb.Env{}, "groupby", testSchema, "k_str,k_date",
		"count(), count(v_f) as nf, sum(v_int), sum(v_f), mean(v_int), avg(v_f), min(v_ts), max(v_date), first(v_bool), last(v_str), p99(v_f), quantile(v_f, 0.999), median(v_i32), count_distinct(v_str), approx_count_distinct(v_str), max(v_i32)")
	require.NoError(t, err)
	type col struct {
		name string
		id   arrow.Type
	}
	var got []col
	for _, f := range schema.Fields() {
		got = append(got, col{f.Name, f.Type.ID()})
	}
	assert.Equal(t, []col{
		{"k_str", arrow.STRING}, {"k_date", arrow.DATE32},
		{"count", arrow.INT64}, {"nf", arrow.INT64}, {"sum_v_int", arrow.INT64}, {"sum_v_f", arrow.FLOAT64},
		{"mean_v_int", arrow.FLOAT64}, {"avg_v_f", arrow.FLOAT64}, {"min_v_ts", arrow.TIMESTAMP}, {"max_v_date", arrow.DATE32},
		{"first_v_bool", arrow.BOOL}, {"last_v_str", arrow.STRING}, {"p99_v_f", arrow.FLOAT64},
		{"q0.999_v_f", arrow.FLOAT64}, {"median_v_i32", arrow.FLOAT64}, {"count_distinct_v_str", arrow.INT64},
		{"approx_count_distinct_v_str", arrow.INT64}, {"max_v_i32", arrow.INT32},
	}, got)
}

func TestGroupByBuildErrors(t *testing.T) {
	for _, tc := range []struct {
		name, keys, aggs, want string
	}{
		{"unknown column", "k_str", "sum(nope)", `unknown column "nope" (columns: k_str,`},
		{"unknown key", "nope", "count()", `unknown column "nope" (columns: k_str,`},
		{"misspelt column", "k_str", "sum(v_itn)", `unknown column "v_itn", did you mean "v_int"?`},
		{"misspelt key", "k_strr", "count()", `unknown column "k_strr", did you mean "k_str"?`},
		{"unknown function", "k_str", "frobnicate(v_int)", `unknown function "frobnicate" (aggregates: count(), count(col), sum(col),`},
		{"misspelt function", "k_str", "stdev(v_int)", `unknown function "stdev", did you mean "stddev"?`},
		{"a verb is not an aggregate", "k_str", "distinct(v_int)", `unknown function "distinct"`},
		{"sum of string", "k_str", "sum(v_str)", "needs a numeric column"},
		{"duplicate name", "k_str", "sum(v_int), sum(v_int)", `"sum_v_int" already exists`},
		{"name clashes with key", "k_str", "count() as k_str", `"k_str" already exists`},
		{"bad quantile", "k_str", "quantile(v_f, 1.5)", "not a number in [0, 1]"},
		{"bad syntax", "k_str", "sum(v_int) as", "expected fn(column) [as name]"},
		{"missing column", "k_str", "sum()", "sum needs a column"},
		{"empty list", "k_str", " ", "empty aggregate list"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := buildVerb(t, verb.Env{}, "groupby", testSchema, tc.keys, tc.aggs)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

// keyOrder is the reference for count_distinct: keys in order of first
// appearance with their row counts.
func TestCountDistinct(t *testing.T) {
	for _, workers := range []int{1, 4} {
		t.Run(fmt.Sprintf("workers=%d", workers), func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			r := rand.New(rand.NewPCG(7, uint64(workers)))
			parts := rowtest.Split(r, randomRows(r, 2000), 100)
			want := refGroupBy(t, flatten(parts), []string{"k_str", "k_int"}, []refAgg{{fn: "count"}})
			st, schema, err := buildVerb(t, verb.Env{Workers: workers, Mem: mem}, "count_distinct", testSchema, "k_str,k_int")
			require.NoError(t, err)
			assert.Equal(t, "count", schema.Field(2).Name)
			out, err := drive(t, context.Background(), st, rowtest.Batches(t, mem, testSchema, parts), workers, r)
			require.NoError(t, err)
			defer releaseAll(out)
			assertRowsMatch(t, want, rowtest.Rows(t, out), []string{"k_str", "k_int", "count"})
		})
	}
}

func TestCountAndEmptyStream(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	r := rand.New(rand.NewPCG(1, 1))
	parts := rowtest.Split(r, randomRows(r, 1234), 100)

	st, _, err := buildVerb(t, verb.Env{Workers: 3, Mem: mem}, "count", testSchema)
	require.NoError(t, err)
	out, err := drive(t, context.Background(), st, rowtest.Batches(t, mem, testSchema, parts), 3, r)
	require.NoError(t, err)
	assert.Equal(t, []row{{int64(1234)}}, rowtest.Rows(t, out))
	releaseAll(out)

	// agg over no rows: one row, count 0, sums null.
	st, _, err = buildVerb(t, verb.Env{Workers: 2, Mem: mem}, "agg", testSchema, "count(), sum(v_int), max(v_str)")
	require.NoError(t, err)
	out, err = drive(t, context.Background(), st, nil, 2, r)
	require.NoError(t, err)
	assert.Equal(t, []row{{int64(0), nil, nil}}, rowtest.Rows(t, out))
	releaseAll(out)

	// groupby over no rows: no rows.
	st, _, err = buildVerb(t, verb.Env{Workers: 2, Mem: mem}, "groupby", testSchema, "k_str", "count()")
	require.NoError(t, err)
	out, err = drive(t, context.Background(), st, nil, 2, r)
	require.NoError(t, err)
	assert.Empty(t, rowtest.Rows(t, out))
	releaseAll(out)
}

func TestGroupByMemoryCap(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	schema := arrow.NewSchema([]arrow.Field{{Name: "id", Type: arrow.PrimitiveTypes.Int64}}, nil)
	var parts [][]row
	for b := range 20 {
		var p []row
		for i := range 1000 {
			p = append(p, row{int64(b*1000 + i)})
		}
		parts = append(parts, p)
	}
	st, _, err := buildVerb(t, verb.Env{Workers: 2, Mem: mem, MaxMemory: 256 << 10}, "groupby", schema, "id", "count()")
	require.NoError(t, err)
	_, err = drive(t, context.Background(), st, rowtest.Batches(t, mem, schema, parts), 2, rand.New(rand.NewPCG(1, 2)))
	require.ErrorIs(t, err, ErrMemory)
	assert.Contains(t, err.Error(), "cap of 256 KiB")
	assert.Contains(t, err.Error(), "groups")
}

func TestGroupByIntOverflow(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	schema := arrow.NewSchema([]arrow.Field{{Name: "v", Type: arrow.PrimitiveTypes.Int64}}, nil)
	// In one batch (worker update), then across workers (merge).
	for _, parts := range [][][]row{{{{int64(math.MaxInt64)}, {int64(1)}}}, {{{int64(math.MaxInt64)}}, {{int64(1)}}}} {
		st, _, err := buildVerb(t, verb.Env{Workers: 2, Mem: mem}, "agg", schema, "sum(v)")
		require.NoError(t, err)
		_, err = drive(t, context.Background(), st, rowtest.Batches(t, mem, schema, parts), 2, rand.New(rand.NewPCG(1, 1)))
		require.ErrorContains(t, err, "agg: sum(v): the total 9223372036854775808 is outside the int64 range")
	}
}

// Groups with more than ApproxExactMax values switch to the t-digest in
// the approximate quantiles; the answer stays within its rank error, for
// any worker count.
func TestGroupByQuantileSketch(t *testing.T) {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "k", Type: arrow.BinaryTypes.String},
		{Name: "v", Type: arrow.PrimitiveTypes.Float64},
	}, nil)
	const n = 100_000
	r := rand.New(rand.NewPCG(5, 5))
	perm := r.Perm(n)
	rows := make([]row, n)
	for i, v := range perm {
		rows[i] = row{[]string{"a", "b"}[i%2], float64(v)}
	}
	parts := rowtest.Split(r, rows, 5000)
	for _, workers := range []int{1, 4} {
		t.Run(fmt.Sprintf("workers=%d", workers), func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			st, _, err := buildVerb(t, verb.Env{Workers: workers, Mem: mem}, "groupby", schema, "k", "count(), approx_p50(v), approx_quantile(v, 0.99), approx_count_distinct(v)")
			require.NoError(t, err)
			out, err := drive(t, context.Background(), st, rowtest.Batches(t, mem, schema, parts), workers, r)
			require.NoError(t, err)
			defer releaseAll(out)
			got := rowtest.Rows(t, out)
			require.Len(t, got, 2)
			for _, g := range got {
				assert.Equal(t, int64(n/2), g[1])
				// Each group holds half of 0..n-1, so value v has rank ≈ v/n.
				assert.InDelta(t, 0.5, g[2].(float64)/n, 0.005)
				assert.InDelta(t, 0.99, g[3].(float64)/n, 0.001)
				assert.InDelta(t, n/2, float64(g[4].(int64)), 3*0.0081*n/2)
			}
		})
	}
}

// Order of first appearance does not depend on which worker saw what.
func TestGroupByFirstAppearanceOrder(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	schema := arrow.NewSchema([]arrow.Field{{Name: "k", Type: arrow.PrimitiveTypes.Int64}}, nil)
	// Batch i holds keys 100-i..: later batches introduce smaller keys, so
	// any worker-local or sorted order would differ from input order.
	var parts [][]row
	var want []row
	for i := range 50 {
		parts = append(parts, []row{{int64(1000 - i)}, {int64(1000)}})
		want = append(want, row{int64(1000 - i)})
	}
	st, _, err := buildVerb(t, verb.Env{Workers: 8, Mem: mem}, "groupby", schema, "k", "first(k) as f")
	require.NoError(t, err)
	out, err := drive(t, context.Background(), st, rowtest.Batches(t, mem, schema, parts), 8, rand.New(rand.NewPCG(9, 9)))
	require.NoError(t, err)
	defer releaseAll(out)
	got := rowtest.Rows(t, out)
	require.Len(t, got, len(want))
	for i := range want {
		assert.Equal(t, want[i][0], got[i][0], "row %d", i)
	}
	assert.True(t, slices.IsSortedFunc(got[1:], func(a, b row) int { return cmp.Compare(b[0].(int64), a[0].(int64)) }))
}

// approx_count_distinct through the stage, on 1M distinct values split
// over 4 workers: within 3 standard errors of sketch.HLLStdError.
func TestApproxCountDistinctMillion(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "i", Type: arrow.PrimitiveTypes.Int64},
		{Name: "s", Type: arrow.BinaryTypes.String},
	}, nil)
	n := 1_000_000
	if raceEnabled {
		n = 200_000
	}
	var batches []arrow.RecordBatch
	for lo := 0; lo < n; lo += MaxBatchRows {
		b := array.NewRecordBuilder(mem, schema)
		for i := lo; i < min(lo+MaxBatchRows, n); i++ {
			b.Field(0).(*array.Int64Builder).Append(int64(i) * 7919)
			b.Field(1).(*array.StringBuilder).Append(strconv.Itoa(i))
		}
		batches = append(batches, b.NewRecordBatch())
		b.Release()
	}
	st, _, err := buildVerb(t, verb.Env{Workers: 4, Mem: mem}, "agg", schema, "approx_count_distinct(i), approx_count_distinct(s)")
	require.NoError(t, err)
	out, err := drive(t, context.Background(), st, batches, 4, rand.New(rand.NewPCG(1, 1)))
	require.NoError(t, err)
	defer releaseAll(out)
	got := rowtest.Rows(t, out)
	require.Len(t, got, 1)
	for c := range 2 {
		assert.InDelta(t, float64(n), float64(got[0][c].(int64)), 3*sketch.HLLStdError*float64(n), "column %d", c)
	}
}

func TestGroupByFloatKeys(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	schema := arrow.NewSchema([]arrow.Field{{Name: "f", Type: arrow.PrimitiveTypes.Float64, Nullable: true}}, nil)
	parts := [][]row{{{math.Copysign(0, -1)}, {math.NaN()}, {nil}}, {{0.0}, {math.NaN()}, {1.5}}}
	st, _, err := buildVerb(t, verb.Env{Workers: 2, Mem: mem}, "count_distinct", schema, "f")
	require.NoError(t, err)
	out, err := drive(t, context.Background(), st, rowtest.Batches(t, mem, schema, parts), 2, rand.New(rand.NewPCG(1, 1)))
	require.NoError(t, err)
	defer releaseAll(out)
	got := rowtest.Rows(t, out)
	require.Len(t, got, 4)
	assert.Equal(t, row{0.0, int64(2)}, got[0])
	assert.True(t, math.IsNaN(got[1][0].(float64)))
	assert.Equal(t, int64(2), got[1][1])
	assert.Equal(t, row{nil, int64(1)}, got[2])
	assert.Equal(t, row{1.5, int64(1)}, got[3])
}

func TestDistinctMemoryCap(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	schema := arrow.NewSchema([]arrow.Field{{Name: "id", Type: arrow.PrimitiveTypes.Int64}}, nil)
	var parts [][]row
	for b := range 10 {
		var p []row
		for i := range 1000 {
			p = append(p, row{int64(b*1000 + i)})
		}
		parts = append(parts, p)
	}
	st, _, err := buildVerb(t, verb.Env{Mem: mem, MaxMemory: 64 << 10}, "distinct", schema, "id")
	require.NoError(t, err)
	_, err = drive(t, context.Background(), st, rowtest.Batches(t, mem, schema, parts), 1, nil)
	require.ErrorIs(t, err, ErrMemory)
	assert.Contains(t, err.Error(), "cap of 64 KiB")
}
