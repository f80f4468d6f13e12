package aggregate

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/internal/colname"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// Verbs returns the command-line form of the aggregate and ordering verbs:
// groupby, agg, count, distinct, count_distinct, sort and top. Each Spec
// parses its words into the typed arguments (keys, Aggregate, SortKey, n)
// and calls the verb's constructor (GroupBy, Agg, ...); an ORDER is parsed
// when the schema is known, which tells a column named "price desc" from
// "price" descending.
//
// Costs measured on one core of a shared, heavily loaded 2-core machine
// (BenchmarkGroupBy, BenchmarkGroupByManyKeys, BenchmarkSort), in rows per
// CPU-second: group-by on one string key with 8 values and sum, count,
// mean ~40M (count alone ~50M); agg without keys ~130M; 1M distinct int64
// keys ~6.5M, with ~94 bytes of state per group; an in-memory sort of 1M
// rows on an int64 key ~2.7M.
func Verbs() []verb.Spec {
	return []verb.Spec{
		{
			Name:    "groupby",
			Args:    []string{"KEYS", "AGGS"},
			Summary: "one row per distinct KEYS (comma-separated, - for none) with the aggregates AGGS, e.g. 'count() as n, sum(qty), p99(price)', in order of first appearance",
			Parse: func(args []string) (verb.Verb, error) {
				aggs, err := parseAggs(args[1])
				if err != nil {
					return verb.Verb{}, fmt.Errorf("groupby: %w", err)
				}
				var keys []string
				if strings.TrimSpace(args[0]) != "-" {
					if keys, err = colname.Names(args[0]); err != nil {
						return verb.Verb{}, fmt.Errorf("groupby: %w", err)
					}
				}
				return GroupBy(keys, aggs...), nil
			},
		},
		{
			Name:    "agg",
			Args:    []string{"AGGS"},
			Summary: "one row with the aggregates AGGS over the whole stream",
			Parse: func(args []string) (verb.Verb, error) {
				aggs, err := parseAggs(args[0])
				if err != nil {
					return verb.Verb{}, fmt.Errorf("agg: %w", err)
				}
				return Agg(aggs...), nil
			},
		},
		{
			Name:    "count",
			Summary: "one row with the number of rows in the stream",
			Parse:   func([]string) (verb.Verb, error) { return Count(), nil },
		},
		{
			Name:    "distinct",
			Args:    []string{"[COLS [last]]"},
			Summary: "the first row of each distinct combination of COLS (of whole rows without COLS), streaming; with last, the latest row of each, held to the end (spilled to TempDir beyond the memory cap) and given in the order of those rows",
			Words:   distinctWords,
			Parse: func(args []string) (verb.Verb, error) {
				if len(args) == 0 {
					return Distinct(), nil
				}
				cols, err := colname.Names(args[0])
				if err != nil {
					return verb.Verb{}, fmt.Errorf("distinct: %w", err)
				}
				if len(args) == 2 {
					return DistinctLast(cols...), nil
				}
				return Distinct(cols...), nil
			},
		},
		{
			Name:    "count_distinct",
			Args:    []string{"COLS"},
			Summary: "each distinct combination of COLS with its number of rows (column count), in order of first appearance",
			Parse: func(args []string) (verb.Verb, error) {
				cols, err := colname.Names(args[0])
				if err != nil {
					return verb.Verb{}, fmt.Errorf("count_distinct: %w", err)
				}
				return CountDistinct(cols...), nil
			},
		},
		{
			Name:    "sort",
			Args:    []string{"ORDER"},
			Summary: "stable sort by 'COL [asc|desc] [nulls first|last], ...'; spills to TempDir beyond the memory cap",
			Parse: func(args []string) (verb.Verb, error) {
				return orderedVerb("sort", args[0], func(keys []SortKey) verb.Verb { return Sort(keys...) })
			},
		},
		{
			Name:    "top",
			Args:    []string{"N", "ORDER", "[KEYS]"},
			Summary: "the N first rows in ORDER ('COL desc, ...'), sorted, ties in input order; keeps only N rows a worker (an N above 16Ki, or whose rows would not fit the memory cap, sorts instead and spills to TempDir beyond the cap); with KEYS, the N first rows of each distinct combination of KEYS, groups in order of first appearance",
			Words:   topWords,
			Parse: func(args []string) (verb.Verb, error) {
				n, err := strconv.ParseInt(strings.TrimSpace(args[0]), 10, 64)
				if err != nil || n < 1 {
					return verb.Verb{}, fmt.Errorf("top: the row count %q is not a positive integer", args[0])
				}
				var by []string
				if len(args) == 3 {
					if by, err = colname.Names(args[2]); err != nil {
						return verb.Verb{}, fmt.Errorf("top: keys: %w", err)
					}
				}
				return orderedVerb("top", args[1], func(keys []SortKey) verb.Verb { return TopBy(by, n, keys...) })
			},
		},
	}
}

// distinctWords counts distinct's words: none when the chain or the
// command line ends there or an existing file follows (distinct
// orders.csv), else COLS, and "last" after it.
func distinctWords(rest []string) int {
	if len(rest) == 0 || rest[0] == "then" || rest[0] == "-" {
		return 0
	}
	if st, err := os.Stat(rest[0]); err == nil && !st.IsDir() {
		return 0
	}
	if len(rest) >= 2 && rest[1] == "last" {
		return 2
	}
	return 1
}

// topWords counts top's words: N and ORDER, and KEYS after them unless
// the chain or the command line ends there or an existing file follows
// (top 3 price orders.csv).
func topWords(rest []string) int {
	if len(rest) < 3 || rest[2] == "then" || rest[2] == "-" {
		return 2
	}
	if st, err := os.Stat(rest[2]); err == nil && !st.IsDir() {
		return 2
	}
	return 3
}

// orderedVerb returns the verb that mk makes of the keys in order, which
// are parsed for the schema the verb is built for. Errors that need no
// schema (an unterminated backtick, an empty term) are reported at once.
func orderedVerb(name, order string, mk func([]SortKey) verb.Verb) (verb.Verb, error) {
	if _, err := colname.Split(order); err != nil {
		return verb.Verb{}, fmt.Errorf("%s: order: %w", name, err)
	}
	return verb.Verb{
		Name: name,
		Build: func(env verb.Env, in *arrow.Schema) (pipeline.Stage, *arrow.Schema, error) {
			keys, err := sortKeys(in, order)
			if err != nil {
				return pipeline.Stage{}, nil, fmt.Errorf("%s: %w", name, err)
			}
			return mk(keys).Build(env, in)
		},
		Reads: func(in *arrow.Schema, needed []string) []string {
			keys, err := sortKeys(in, order)
			if err != nil {
				return nil
			}
			return mk(keys).Reads(in, needed)
		},
		// As the verb mk makes declares, whatever its keys.
		Spills: mk(nil).Spills,
	}, nil
}
