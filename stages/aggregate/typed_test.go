package aggregate

import (
	"context"
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

// wordsVerb parses the command line's words for the named verb.
func wordsVerb(t *testing.T, name string, args ...string) verb.Verb {
	t.Helper()
	for _, s := range Verbs() {
		if s.Name == name {
			if s.Words == nil {
				require.Len(t, args, len(s.Args), "verb %s args", name)
			}
			v, err := s.Parse(args)
			require.NoError(t, err)
			return v
		}
	}
	t.Fatalf("no verb %q", name)
	return verb.Verb{}
}

// runVerb builds v for testSchema and drives it over parts on four
// workers, the batches dealt in the order seed gives.
func runVerb(t *testing.T, mem memory.Allocator, v verb.Verb, parts [][]row, seed uint64) (*arrow.Schema, []row) {
	t.Helper()
	st, schema, err := v.Build(verb.Env{Workers: 4, Mem: mem, BatchRows: 64}, testSchema)
	require.NoError(t, err)
	out, err := drive(t, context.Background(), st, rowtest.Batches(t, mem, testSchema, parts), 4, rand.New(rand.NewPCG(seed, 0)))
	require.NoError(t, err)
	defer releaseAll(out)
	return schema, rowtest.Rows(t, out)
}

// A typed constructor and the command line's words for the same verb give
// the same verb: the same output schema and rows on the same batches, the
// same Reads and Spills.
func TestTypedMatchesWords(t *testing.T) {
	for _, tc := range []struct {
		name  string
		typed verb.Verb
		verb  string
		args  []string
	}{
		{"groupby", GroupBy([]string{"k_str", "k_bool"},
			CountRows().As("n"), CountValues("v_int"), Sum("v_int"), Sum("v_f"), Mean("v_int"), Var("v_f"), Stddev("v_int"),
			Min("v_ts"), Max("v_str"), First("v_date"), Last("v_bool"), CountDistinctValues("v_str"),
			ApproxCountDistinctValues("v_str"), Median("v_i32"), Quantile("v_f", 0.9), Quantile("v_int", 0.99),
			ApproxMedian("v_f"), ApproxQuantile("v_int", 0.25).As("q1")),
			"groupby", []string{"k_str, k_bool", "count() as n, count(v_int), sum(v_int), sum(v_f), mean(v_int), var(v_f), stddev(v_int), " +
				"min(v_ts), max(v_str), first(v_date), last(v_bool), count_distinct(v_str), " +
				"approx_count_distinct(v_str), median(v_i32), quantile(v_f, 0.9), p99(v_int), " +
				"approx_median(v_f), approx_quantile(v_int, 0.25) as q1"}},
		{"groupby/no keys", GroupBy(nil, Sum("v_int").As("total"), Max("k_date")), "groupby", []string{"-", "sum(v_int) as total, max(k_date)"}},
		{"agg", Agg(CountRows(), Mean("v_f"), Quantile("v_f", 0.5)), "agg", []string{"count(), mean(v_f), p50(v_f)"}},
		{"count", Count(), "count", nil},
		{"sort", Sort(Desc("k_int"), SortKey{Column: "k_str", NullsFirst: true}, SortKey{Column: "v_f", Desc: true, NullsFirst: true}),
			"sort", []string{"k_int desc, k_str nulls first, v_f desc nulls first"}},
		{"sort/defaults", Sort(Asc("k_f"), Desc("k_date"), Asc("v_int")), "sort", []string{"k_f asc nulls last, k_date desc nulls last, v_int"}},
		{"top", Top(25, SortKey{Column: "v_int", Desc: true, NullsFirst: true}, Asc("k_str")), "top", []string{"25", "v_int desc nulls first, k_str"}},
		{"top/by sort", Top(20000, Desc("k_ts"), Asc("v_i32")), "top", []string{"20000", "k_ts desc, v_i32"}},
		{"distinct", Distinct("k_str", "k_bool"), "distinct", []string{"k_str, k_bool"}},
		{"count_distinct", CountDistinct("k_int", "k_date"), "count_distinct", []string{"k_int, k_date"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			r := rand.New(rand.NewPCG(7, uint64(len(tc.name))))
			parts := rowtest.Split(r, randomRows(r, 3000), 40)
			words := wordsVerb(t, tc.verb, tc.args...)

			wantSchema, want := runVerb(t, mem, words, parts, 11)
			gotSchema, got := runVerb(t, mem, tc.typed, parts, 11)
			require.NotEmpty(t, want)
			assert.True(t, wantSchema.Equal(gotSchema), "schema %v, want %v", gotSchema, wantSchema)
			assert.Equal(t, want, got)

			assert.Equal(t, words.Name, tc.typed.Name)
			assert.Equal(t, words.Spills, tc.typed.Spills)
			for _, needed := range [][]string{nil, {}, {"v_str"}} {
				assert.Equal(t, words.Reads(testSchema, needed), tc.typed.Reads(testSchema, needed), "needed %q", needed)
			}
		})
	}
}

// Arguments no schema makes valid, and columns missing from the schema,
// fail when the typed verb is built, with the verb's name and the reason.
func TestTypedBuildErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		v    verb.Verb
		want string
	}{
		{"top/negative", Top(-1, Asc("v_int")), "top: the row count -1 is not a positive integer"},
		{"top/zero", Top(0, Asc("v_int")), "top: the row count 0 is not a positive integer"},
		{"quantile/above 1", GroupBy([]string{"k_str"}, Quantile("v_f", 1.5)),
			`groupby: aggregate "quantile(v_f, 1.5)": quantile fraction 1.5 is not a number in [0, 1]`},
		{"quantile/negative", Agg(ApproxQuantile("v_f", -0.1).As("x")),
			`agg: aggregate "approx_quantile(v_f, -0.1) as x": quantile fraction -0.1 is not a number in [0, 1]`},
		{"quantile/NaN", Agg(Quantile("v_f", math.NaN())), "quantile fraction NaN is not a number in [0, 1]"},
		{"sort/missing key", Sort(Desc("nope")), `sort: sort key: unknown column "nope" (columns: k_str, k_int,`},
		{"top/misspelt key", Top(3, Asc("v_itn")), `top: sort key: unknown column "v_itn", did you mean "v_int"?`},
		{"sort/no key", Sort(), "sort: no sort key"},
		{"groupby/no aggregate", GroupBy([]string{"k_str"}), "groupby: empty aggregate list"},
		{"groupby/missing key", GroupBy([]string{"nope"}, CountRows()), `groupby: group key: unknown column "nope"`},
		{"agg/missing column", Agg(Sum("v_itn")), `agg: aggregate "sum(v_itn)": unknown column "v_itn", did you mean "v_int"?`},
		{"agg/no column", Agg(Sum("")), "sum needs a column"},
		{"agg/zero Aggregate", Agg(Aggregate{}), "made by its constructor"},
		{"agg/string sum", Agg(Sum("v_str")), "sum needs a numeric column"},
		{"agg/duplicate name", Agg(Sum("v_int"), Sum("v_int")), `output column "sum_v_int" already exists`},
		{"groupby/as clashes with key", GroupBy([]string{"k_str"}, CountRows().As("k_str")), `output column "k_str" already exists`},
		{"distinct/missing", Distinct("nope"), `distinct: unknown column "nope"`},
		{"count_distinct/no column", CountDistinct(), "count_distinct: no key column"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, schema, err := tc.v.Build(verb.Env{}, testSchema)
			require.Error(t, err)
			assert.Nil(t, schema)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

// The typed verbs copy their arguments: changing the caller's slice after
// the call changes nothing.
func TestTypedCopiesArguments(t *testing.T) {
	keys := []string{"k_str"}
	aggs := []Aggregate{CountRows().As("n")}
	order := []SortKey{Asc("v_int")}
	group, sorted := GroupBy(keys, aggs...), Sort(order...)
	keys[0], aggs[0], order[0] = "nope", Sum("nope"), Asc("nope")

	_, schema, err := group.Build(verb.Env{}, testSchema)
	require.NoError(t, err)
	assert.Equal(t, []string{"k_str", "n"}, schemaNames(schema))
	_, _, err = sorted.Build(verb.Env{}, testSchema)
	require.NoError(t, err)
}

// Reads follows the typed arguments; only exact quantiles make a group-by
// spill.
func TestTypedReadsAndSpills(t *testing.T) {
	g := GroupBy([]string{"k_str", "k_int"}, CountRows(), Sum("v_int"), Max("k_str"), ApproxMedian("v_f"))
	assert.Equal(t, []string{"k_str", "k_int", "v_int", "v_f"}, g.Reads(testSchema, []string{"count"}))
	assert.False(t, g.Spills)
	assert.True(t, Agg(Median("v_f")).Spills)
	assert.False(t, CountDistinct("k_str").Spills)
	assert.Equal(t, []string{}, Count().Reads(testSchema, nil))
	assert.Nil(t, Sort(Desc("k_int")).Reads(testSchema, nil), "every column when all are needed downstream")
	assert.Equal(t, []string{"v_str", "k_int"}, Top(3, Desc("k_int"), Asc("v_str")).Reads(testSchema, []string{"v_str"}))
	assert.Equal(t, []string{"v_str", "k_str"}, Distinct("k_str").Reads(testSchema, []string{"v_str"}))
}

func schemaNames(s *arrow.Schema) []string {
	var out []string
	for _, f := range s.Fields() {
		out = append(out, f.Name)
	}
	return out
}
