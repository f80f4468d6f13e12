package aggregate

import (
	"fmt"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/internal/colname"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// Verbs returns the aggregate and ordering verbs: groupby, agg, count,
// distinct, count_distinct, sort and top.
//
// Costs measured on one core of a shared, heavily loaded 2-core machine
// (BenchmarkGroupBy, BenchmarkGroupByManyKeys, BenchmarkSort), in rows per
// CPU-second: group-by on one string key with 8 values and sum, count,
// mean ~40M (count alone ~50M); agg without keys ~130M; 1M distinct int64
// keys ~6.5M, with ~94 bytes of state per group; an in-memory sort of 1M
// rows on an int64 key ~2.7M.
func Verbs() []verb.Spec {
	return specs([]cliVerb{
		{
			Name:    "groupby",
			Args:    []string{"KEYS", "AGGS"},
			Summary: "one row per distinct KEYS (comma-separated, - for none) with the aggregates AGGS, e.g. 'count() as n, sum(qty), p99(price)', in order of first appearance",
			Reads:   func(args []string, _ *arrow.Schema, _ []string) []string { return readsGroupBy(args[0], args[1]) },
			Build: func(env verb.Env, args []string, in *arrow.Schema) (pipeline.Stage, *arrow.Schema, error) {
				calls, err := parseAggs(args[1])
				if err != nil {
					return pipeline.Stage{}, nil, fmt.Errorf("groupby: %w", err)
				}
				var keys []string
				if strings.TrimSpace(args[0]) != "-" {
					if keys, err = colname.Names(args[0]); err != nil {
						return pipeline.Stage{}, nil, fmt.Errorf("groupby: %w", err)
					}
				}
				return wrapBuild("groupby")(newGroupBy(env, "groupby", in, keys, calls))
			},
		},
		{
			Name:    "agg",
			Args:    []string{"AGGS"},
			Summary: "one row with the aggregates AGGS over the whole stream",
			Reads:   func(args []string, _ *arrow.Schema, _ []string) []string { return readsGroupBy("-", args[0]) },
			Build: func(env verb.Env, args []string, in *arrow.Schema) (pipeline.Stage, *arrow.Schema, error) {
				calls, err := parseAggs(args[0])
				if err != nil {
					return pipeline.Stage{}, nil, fmt.Errorf("agg: %w", err)
				}
				return wrapBuild("agg")(newGroupBy(env, "agg", in, nil, calls))
			},
		},
		{
			Name:    "count",
			Summary: "one row with the number of rows in the stream",
			Reads:   func([]string, *arrow.Schema, []string) []string { return []string{} },
			Build: func(env verb.Env, _ []string, _ *arrow.Schema) (pipeline.Stage, *arrow.Schema, error) {
				s, schema := newCount(env)
				return s, schema, nil
			},
		},
		{
			Name:    "distinct",
			Args:    []string{"COLS"},
			Summary: "the first row of each distinct combination of COLS, streaming",
			Reads: func(args []string, _ *arrow.Schema, needed []string) []string {
				if needed == nil {
					return nil
				}
				keys, err := colname.Names(args[0])
				if err != nil {
					return nil
				}
				return appendNew(slices.Clone(needed), keys...)
			},
			Build: func(env verb.Env, args []string, in *arrow.Schema) (pipeline.Stage, *arrow.Schema, error) {
				keys, err := colname.Names(args[0])
				if err != nil {
					return pipeline.Stage{}, nil, fmt.Errorf("distinct: %w", err)
				}
				return wrapBuild("distinct")(newDistinct(env, in, keys))
			},
		},
		{
			Name:    "count_distinct",
			Args:    []string{"COLS"},
			Summary: "each distinct combination of COLS with its number of rows (column count), in order of first appearance",
			Reads: func(args []string, _ *arrow.Schema, _ []string) []string {
				keys, err := colname.Names(args[0])
				if err != nil {
					return nil
				}
				return keys
			},
			Build: func(env verb.Env, args []string, in *arrow.Schema) (pipeline.Stage, *arrow.Schema, error) {
				keys, err := colname.Names(args[0])
				if err != nil {
					return pipeline.Stage{}, nil, fmt.Errorf("count_distinct: %w", err)
				}
				return wrapBuild("count_distinct")(newGroupBy(env, "count_distinct", in, keys,
					[]aggCall{{text: "count()", fn: "count", name: "count"}}))
			},
		},
		{
			Name:    "sort",
			Args:    []string{"ORDER"},
			Summary: "stable sort by 'COL [asc|desc] [nulls first|last], ...'; spills to TempDir beyond the memory cap",
			Reads: func(args []string, in *arrow.Schema, needed []string) []string {
				return readsOrdered(in, needed, args[0])
			},
			Build: func(env verb.Env, args []string, in *arrow.Schema) (pipeline.Stage, *arrow.Schema, error) {
				return wrapBuild("sort")(newSort(env, in, args[0]))
			},
		},
		{
			Name:    "top",
			Args:    []string{"N", "ORDER"},
			Summary: "the N first rows in ORDER ('COL desc, ...'), sorted, ties in input order; keeps only N rows a worker (an N above 16Ki, or whose rows would not fit the memory cap, sorts instead and spills to TempDir beyond the cap)",
			Reads: func(args []string, in *arrow.Schema, needed []string) []string {
				return readsOrdered(in, needed, args[1])
			},
			Build: func(env verb.Env, args []string, in *arrow.Schema) (pipeline.Stage, *arrow.Schema, error) {
				return wrapBuild("top")(newTop(env, in, args[0], args[1]))
			},
		},
	})
}

// wrapBuild returns a function that prefixes a build error with the verb's
// name.
func wrapBuild(name string) func(pipeline.Stage, *arrow.Schema, error) (pipeline.Stage, *arrow.Schema, error) {
	return func(s pipeline.Stage, schema *arrow.Schema, err error) (pipeline.Stage, *arrow.Schema, error) {
		if err != nil {
			return pipeline.Stage{}, nil, fmt.Errorf("%s: %w", name, err)
		}
		return s, schema, nil
	}
}

// cliVerb is a verb whose build and reads functions take the words
// themselves.
type cliVerb struct {
	Name    string
	Args    []string
	Summary string
	Reads   func(args []string, in *arrow.Schema, needed []string) []string
	Build   func(env verb.Env, args []string, in *arrow.Schema) (pipeline.Stage, *arrow.Schema, error)
}

func specs(cvs []cliVerb) []verb.Spec {
	out := make([]verb.Spec, len(cvs))
	for i, cv := range cvs {
		out[i] = verb.Spec{Name: cv.Name, Args: cv.Args, Summary: cv.Summary, Parse: func(args []string) (verb.Verb, error) {
			return verb.Verb{
				Name: cv.Name,
				Build: func(env verb.Env, in *arrow.Schema) (pipeline.Stage, *arrow.Schema, error) {
					return cv.Build(env, args, in)
				},
				Reads:  func(in *arrow.Schema, needed []string) []string { return cv.Reads(args, in, needed) },
				Spills: cv.Name != "count" && cv.Name != "distinct", // sort, top; exact quantiles of groupby, agg, count_distinct
			}, nil
		}}
	}
	return out
}
