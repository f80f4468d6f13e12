package aggregate

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// The typed constructors of the verbs. Each returns a verb.Verb that
// builds a new stage every time (see verb.Verb); an argument that no
// schema makes valid, or a column missing from the schema, is an error
// of the Verb's Build, prefixed with the verb's name. The constructors
// copy their slices.

// GroupBy returns the groupby verb: one row per distinct combination of
// the key columns, in order of each combination's first row, with the
// key columns and then one column per aggregate (see Aggregate). Null is
// a key of its own. No keys is one group over the whole stream, as Agg.
// At least one aggregate is needed. Group state above verb.Env.MaxMemory
// is an error wrapping ErrMemory; exact quantiles' values spill to
// verb.Env.TempDir instead.
func GroupBy(keys []string, aggs ...Aggregate) verb.Verb {
	return groupVerb("groupby", slices.Clone(keys), slices.Clone(aggs))
}

// Agg returns the agg verb: one row with the aggregates over the whole
// stream (an empty stream gives counts of 0 and nulls).
func Agg(aggs ...Aggregate) verb.Verb {
	return groupVerb("agg", nil, slices.Clone(aggs))
}

func groupVerb(name string, keys []string, aggs []Aggregate) verb.Verb {
	if len(aggs) == 0 {
		return verb.Failed(name, fmt.Errorf("%s: empty aggregate list", name))
	}
	return verb.Verb{
		Name: name,
		Build: func(env verb.Env, in *arrow.Schema) (pipeline.Stage, *arrow.Schema, error) {
			return named(name)(newGroupBy(env, name, in, keys, aggs))
		},
		Reads:          func(*arrow.Schema, []string) []string { return groupReads(keys, aggs) },
		DictionaryKeys: func(in *arrow.Schema) []string { return dictionaryKeys(in, keys, aggs) },
		Spills:         slices.ContainsFunc(aggs, Aggregate.exactQuantile),
	}
}

// Count returns the count verb: one row, one int64 column "count", the
// number of rows in the stream. It reads no column.
func Count() verb.Verb {
	return verb.Verb{
		Name: "count",
		Build: func(env verb.Env, _ *arrow.Schema) (pipeline.Stage, *arrow.Schema, error) {
			s, schema := newCount(env)
			return s, schema, nil
		},
		Reads: func(*arrow.Schema, []string) []string { return []string{} },
	}
}

// Distinct returns the distinct verb: the first row of each distinct
// combination of cols (of whole rows when cols is empty), whole and in
// input order, passed on as it arrives (one worker). Its set of keys
// above verb.Env.MaxMemory is an error wrapping ErrMemory.
func Distinct(cols ...string) verb.Verb {
	return distinctVerb(slices.Clone(cols), false)
}

// DistinctLast returns the distinct verb that keeps the latest row of
// each distinct combination of cols (of whole rows when cols is empty),
// DuckDB's "latest record per key": the rows come out from Finish in the
// order of their input positions, that is ordered by each key's last
// occurrence. It holds the batches of the latest rows (compacted to one
// row a key when they pass twice the keys), one worker; past
// verb.Env.MaxMemory it spills them to verb.Env.TempDir, partitioned by
// key, and resolves one partition at a time at the end (a partition that
// alone passes the cap is an error wrapping ErrMemory).
func DistinctLast(cols ...string) verb.Verb {
	return distinctVerb(slices.Clone(cols), true)
}

func distinctVerb(cols []string, last bool) verb.Verb {
	return verb.Verb{
		Name: "distinct",
		Build: func(env verb.Env, in *arrow.Schema) (pipeline.Stage, *arrow.Schema, error) {
			return named("distinct")(newDistinct(env, in, cols, last))
		},
		Reads: func(_ *arrow.Schema, needed []string) []string {
			if len(cols) == 0 {
				return nil
			}
			return passReads(needed, cols)
		},
		Spills: last,
	}
}

// CountDistinct returns the count_distinct verb: each distinct
// combination of cols with its number of rows in an int64 column "count",
// in order of first appearance; GroupBy(cols, CountRows()).
func CountDistinct(cols ...string) verb.Verb {
	if len(cols) == 0 {
		return verb.Failed("count_distinct", errors.New("count_distinct: no key column"))
	}
	cols = slices.Clone(cols)
	aggs := []Aggregate{CountRows()}
	return verb.Verb{
		Name: "count_distinct",
		Build: func(env verb.Env, in *arrow.Schema) (pipeline.Stage, *arrow.Schema, error) {
			return named("count_distinct")(newGroupBy(env, "count_distinct", in, cols, aggs))
		},
		Reads:          func(*arrow.Schema, []string) []string { return groupReads(cols, aggs) },
		DictionaryKeys: func(in *arrow.Schema) []string { return dictionaryKeys(in, cols, aggs) },
	}
}

// Sort returns the sort verb: every row, stably sorted by keys (the first
// key decides, ties fall to the next, then to input order). It buffers
// the stream on one worker and spills sorted runs to verb.Env.TempDir
// beyond verb.Env.MaxMemory. At least one key is needed.
func Sort(keys ...SortKey) verb.Verb {
	keys = slices.Clone(keys)
	return verb.Verb{
		Name: "sort",
		Build: func(env verb.Env, in *arrow.Schema) (pipeline.Stage, *arrow.Schema, error) {
			return named("sort")(newSort(env, in, keys))
		},
		Reads:  func(_ *arrow.Schema, needed []string) []string { return passReads(needed, keyColumns(keys)) },
		Spills: true,
	}
}

// Top returns the top verb: the n first rows in the order of keys, sorted,
// ties in input order; n must be positive. Each worker keeps its n best
// rows in a heap; an n above 16Ki, or whose rows would not fit
// verb.Env.MaxMemory, runs as a Sort cut to n rows, which spills.
func Top(n int64, keys ...SortKey) verb.Verb {
	if n < 1 {
		return verb.Failed("top", fmt.Errorf("top: the row count %d is not a positive integer", n))
	}
	keys = slices.Clone(keys)
	return verb.Verb{
		Name: "top",
		Build: func(env verb.Env, in *arrow.Schema) (pipeline.Stage, *arrow.Schema, error) {
			return named("top")(newTop(env, in, int(min(n, math.MaxInt)), keys))
		},
		Reads:  func(_ *arrow.Schema, needed []string) []string { return passReads(needed, keyColumns(keys)) },
		Spills: true,
	}
}

// TopBy returns the top verb per group: the n first rows in the order of
// keys within each distinct combination of the by columns, as DuckDB's
// QUALIFY row_number() OVER (PARTITION BY by ORDER BY keys) <= n, ties in
// input order. Null is a key of its own. Groups come out in the order of
// their first row in the input, each group's rows sorted. Each worker
// keeps at most n rows a group; past verb.Env.MaxMemory it spills them to
// verb.Env.TempDir, partitioned by key, and Finish resolves one partition
// at a time (a partition that alone passes the cap is an error wrapping
// ErrMemory). No by columns is Top.
func TopBy(by []string, n int64, keys ...SortKey) verb.Verb {
	if len(by) == 0 {
		return Top(n, keys...)
	}
	if n < 1 {
		return verb.Failed("top", fmt.Errorf("top: the row count %d is not a positive integer", n))
	}
	by, keys = slices.Clone(by), slices.Clone(keys)
	return verb.Verb{
		Name: "top",
		Build: func(env verb.Env, in *arrow.Schema) (pipeline.Stage, *arrow.Schema, error) {
			return named("top")(newTopGroup(env, in, int(min(n, math.MaxInt)), keys, by))
		},
		Reads: func(_ *arrow.Schema, needed []string) []string {
			return passReads(needed, appendNew(keyColumns(keys), by...))
		},
		Spills: true,
	}
}

// named returns a function that prefixes a build error with the verb's
// name.
func named(name string) func(pipeline.Stage, *arrow.Schema, error) (pipeline.Stage, *arrow.Schema, error) {
	return func(s pipeline.Stage, schema *arrow.Schema, err error) (pipeline.Stage, *arrow.Schema, error) {
		if err != nil {
			return pipeline.Stage{}, nil, fmt.Errorf("%s: %w", name, err)
		}
		return s, schema, nil
	}
}
