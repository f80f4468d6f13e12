package cluster

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/aggregate"
	"github.com/arrowpipe/arrowpipe/stages/internal/colname"
	"github.com/arrowpipe/arrowpipe/stages/plan"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// aggCall matches one aggregate of a groupby's AGGS: fn(arg) [as name].
var aggCall = regexp.MustCompile(`(?i)^([a-z_]+)\(\s*([A-Za-z_][A-Za-z0-9_]*)?\s*\)(?:\s+as\s+[A-Za-z_][A-Za-z0-9_]*)?$`)

var ident = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// partialGroupBy splits a groupby whose aggregates all merge exactly into
// a groupby per task (the map side) and a groupby of the tasks' groups
// (the reduce side): workers then send one row per group and task
// instead of every row. The partial state of a group is a row of the
// map side's output, carried as Arrow IPC like any result:
//
//	count(x)            count(x)                  → sum
//	sum(x) of integers  sum(x)                    → sum (128-bit, exact)
//	min(x), max(x)      min(x), max(x)            → min, max
//	first(x), last(x)   first(x), last(x)         → first, last (by position)
//	mean(x) of integers sum(x), count(x)          → sum, sum, then sum / count
//	count_distinct(x),  x becomes a key of the    → count_distinct(x),
//	approx_count_...    map side (the exact set)    approx_count_distinct(x)
//	  of a non-float x
//
// The merge gives the single-process result bit for bit: integer sums
// are exact, first and last pick by input position, a mean of integers is
// its total over its count as the aggregate computes it, and a distinct
// count (or its HyperLogLog, which duplicates do not change) sees the
// same set. first and last do not combine with a distinct count (the map
// side's finer groups would reorder their positions). Float sums, means
// of floats, var, stddev and the quantiles keep the single-process
// result only with every row: for them the groupby runs whole on the
// coordinator. The output order is kept, each group's first row in the
// input, because the tasks' groups arrive in task order, each task's in
// the order of their first rows.
//
// in and out are the groupby's input and output schemas in the whole
// plan; ok is false when an aggregate does not split or the split's
// output schema is not out.
func partialGroupBy(env verb.Env, call plan.Call, in, out *arrow.Schema) (mapWords []string, reduce []pipeline.Stage, partial *arrow.Schema, ok bool) {
	if call.Spec.Name != "groupby" || len(call.Args) != 2 {
		return nil, nil, nil, false
	}
	keys := call.Args[0]
	keyNames, err := colname.Names(keys)
	if err != nil {
		return nil, nil, nil, false
	}
	items, err := colname.SplitTop(call.Args[1], ',')
	if err != nil {
		return nil, nil, nil, false
	}
	nk := out.NumFields() - len(items)
	if nk < 1 {
		return nil, nil, nil, false
	}
	var mapAggs, reduceAggs, counts, means, extraKeys []string
	picks := false
	for i, item := range items {
		m := aggCall.FindStringSubmatch(strings.TrimSpace(item))
		if m == nil {
			return nil, nil, nil, false
		}
		fn, arg, name := strings.ToLower(m[1]), m[2], out.Field(nk+i).Name
		if !ident.MatchString(name) {
			return nil, nil, nil, false
		}
		argType := func() arrow.DataType {
			if idx := in.FieldIndices(arg); len(idx) == 1 {
				return in.Field(idx[0]).Type
			}
			return nil
		}
		p := fmt.Sprintf("__partial%d", i)
		switch fn {
		case "count":
			mapAggs = append(mapAggs, fmt.Sprintf("count(%s) as %s", arg, p))
			reduceAggs = append(reduceAggs, fmt.Sprintf("sum(%s) as %s", p, name))
		case "sum":
			if !isInteger(argType()) {
				return nil, nil, nil, false // float sums round by order
			}
			mapAggs = append(mapAggs, fmt.Sprintf("sum(%s) as %s", arg, p))
			reduceAggs = append(reduceAggs, fmt.Sprintf("sum(%s) as %s", p, name))
		case "min", "max", "first", "last":
			if arg == "" {
				return nil, nil, nil, false
			}
			picks = picks || fn == "first" || fn == "last"
			mapAggs = append(mapAggs, fmt.Sprintf("%s(%s) as %s", fn, arg, p))
			reduceAggs = append(reduceAggs, fmt.Sprintf("%s(%s) as %s", fn, p, name))
		case "mean", "avg":
			if !isSigned(argType()) {
				return nil, nil, nil, false
			}
			c := p + "n"
			mapAggs = append(mapAggs, fmt.Sprintf("sum(%s) as %s", arg, p), fmt.Sprintf("count(%s) as %s", arg, c))
			reduceAggs = append(reduceAggs, fmt.Sprintf("sum(%s) as %s", p, name))
			counts = append(counts, fmt.Sprintf("sum(%s) as %s", c, c))
			means = append(means, fmt.Sprintf("%s = %s / %s", name, name, c))
		case "count_distinct", "approx_count_distinct":
			t := argType()
			if t == nil || arrow.IsFloating(t.ID()) {
				return nil, nil, nil, false // float keys merge -0 with 0 and NaNs
			}
			if !slices.Contains(keyNames, arg) && !slices.Contains(extraKeys, arg) {
				extraKeys = append(extraKeys, arg)
			}
			reduceAggs = append(reduceAggs, fmt.Sprintf("%s(%s) as %s", fn, arg, name))
		default:
			return nil, nil, nil, false
		}
	}
	if picks && len(extraKeys) > 0 {
		return nil, nil, nil, false
	}
	mapKeys := keys
	for _, k := range extraKeys {
		mapKeys += ", " + k
	}
	if len(mapAggs) == 0 {
		mapAggs = []string{"count() as __partial"}
	}
	mapWords = []string{"groupby", mapKeys, strings.Join(mapAggs, ", ")}
	mv, err := call.Spec.Parse(mapWords[1:])
	if err != nil {
		return nil, nil, nil, false
	}
	if _, partial, err = mv.Build(env, in); err != nil {
		return nil, nil, nil, false
	}
	reduceWords := [][]string{{"groupby", keys, strings.Join(append(reduceAggs, counts...), ", ")}}
	if len(means) > 0 {
		var drop []string
		for _, c := range counts {
			drop = append(drop, c[strings.LastIndex(c, " ")+1:])
		}
		reduceWords = append(reduceWords, []string{"derive", strings.Join(means, "; ")}, []string{"drop", strings.Join(drop, ",")})
	}
	reduce, final, err := buildWords(env, reduceWords, partial)
	if err != nil || !final.Equal(out) {
		return nil, nil, nil, false
	}
	for i := range reduce {
		reduce[i].Name = call.Spec.Name
	}
	return mapWords, reduce, partial, true
}

// statesGroupBy splits a groupby or agg whose aggregates all have a
// partial state (see aggregate.GroupByStates: counts, sums and means of
// any number, var, stddev, min, max, first, last, the distinct counts,
// the exact and approximate quantiles, list) into aggregate.GroupByStates per
// task and aggregate.MergeStates on the coordinator, which merges the
// tasks' states in task order. It serves what partialGroupBy cannot:
// float sums and means, var and stddev, the quantiles, first or last
// with a distinct count. Integers, picks, distinct counts and exact
// quantiles give the single-process result exactly (approximate
// quantiles too up to aggregate.ApproxExactMax values a group; beyond,
// t-digests merged in task order); float sums, means, var and stddev are
// merged from per-task states, so they can differ from it in the last
// bits (~1e-14 relative), as a single-process run on two workers differs
// from one on one, and from one run to the next when a task runs on
// several workers (the worker's batches split between them differently).
func statesGroupBy(env verb.Env, call plan.Call, in, out *arrow.Schema) (mapWords []string, reduce []pipeline.Stage, partial *arrow.Schema, ok bool) {
	var keyWords, aggWords string
	switch {
	case call.Spec.Name == "groupby" && len(call.Args) == 2:
		keyWords, aggWords = call.Args[0], call.Args[1]
	case call.Spec.Name == "agg" && len(call.Args) == 1:
		keyWords, aggWords = "-", call.Args[0]
	default:
		return nil, nil, nil, false
	}
	keys, aggs, err := aggregate.ParseGroupBy(keyWords, aggWords)
	if err != nil {
		return nil, nil, nil, false
	}
	if partial, err = aggregate.StatesSchema(in, keys, aggs); err != nil {
		return nil, nil, nil, false
	}
	st, final, err := aggregate.MergeStates(env, in, keys, aggs)
	if err != nil || !final.Equal(out) {
		return nil, nil, nil, false
	}
	st.Name = call.Spec.Name
	return []string{aggregate.StatesVerb, keyWords, aggWords}, []pipeline.Stage{st}, partial, true
}

// buildWords builds a chain given as words (each call a verb's name and
// its words) on in.
func buildWords(env verb.Env, calls [][]string, in *arrow.Schema) ([]pipeline.Stage, *arrow.Schema, error) {
	verbs, err := parseCalls(calls, plan.Specs(nil, nil))
	if err != nil {
		return nil, nil, err
	}
	stages := make([]pipeline.Stage, len(verbs))
	for i, v := range verbs {
		if stages[i], in, err = v.Build(env, in); err != nil {
			return nil, nil, err
		}
	}
	return stages, in, nil
}

func isInteger(t arrow.DataType) bool {
	if t == nil {
		return false
	}
	switch t.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64, arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64:
		return true
	}
	return false
}

func isSigned(t arrow.DataType) bool {
	if t == nil {
		return false
	}
	switch t.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64:
		return true
	}
	return false
}
