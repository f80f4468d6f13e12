package cluster

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/internal/colname"
	"github.com/arrowpipe/arrowpipe/stages/plan"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// aggCall matches one aggregate of a groupby's AGGS: fn(arg) [as name].
var aggCall = regexp.MustCompile(`(?i)^([a-z_]+)\(\s*([A-Za-z_][A-Za-z0-9_]*)?\s*\)(?:\s+as\s+[A-Za-z_][A-Za-z0-9_]*)?$`)

var ident = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// partialGroupBy splits a groupby whose aggregates all merge exactly
// (count, integer sum, min, max) into a groupby per task and a groupby of
// the tasks' groups: workers then send one row per group and task
// instead of every row. The merge is exact (counts and integer sums add
// in 128 bits, min and max compare) and keeps the output order, each
// group's first row in the input, because the tasks' groups arrive in
// task order, each task's in the order of their first rows. in and out
// are the groupby's input and output schemas in the whole plan; ok is
// false, and the groupby runs whole on the coordinator, for any other
// aggregate or when the split's output schema is not out.
func partialGroupBy(env verb.Env, call plan.Call, in, out *arrow.Schema) (mapWords []string, reduce pipeline.Stage, partial *arrow.Schema, ok bool) {
	if call.Spec.Name != "groupby" || len(call.Args) != 2 {
		return nil, reduce, nil, false
	}
	keys := call.Args[0]
	items, err := colname.SplitTop(call.Args[1], ',')
	if err != nil {
		return nil, reduce, nil, false
	}
	nk := out.NumFields() - len(items)
	if nk < 1 {
		return nil, reduce, nil, false
	}
	var mapAggs, reduceAggs []string
	for i, item := range items {
		m := aggCall.FindStringSubmatch(strings.TrimSpace(item))
		if m == nil {
			return nil, reduce, nil, false
		}
		fn, arg, name := strings.ToLower(m[1]), m[2], out.Field(nk+i).Name
		if !ident.MatchString(name) {
			return nil, reduce, nil, false
		}
		p := fmt.Sprintf("__partial%d", i)
		switch fn {
		case "count":
			reduceAggs = append(reduceAggs, fmt.Sprintf("sum(%s) as %s", p, name))
		case "sum":
			if idx := in.FieldIndices(arg); len(idx) != 1 || !isInteger(in.Field(idx[0]).Type) {
				return nil, reduce, nil, false // float sums round by order
			}
			reduceAggs = append(reduceAggs, fmt.Sprintf("sum(%s) as %s", p, name))
		case "min", "max":
			if arg == "" {
				return nil, reduce, nil, false
			}
			reduceAggs = append(reduceAggs, fmt.Sprintf("%s(%s) as %s", fn, p, name))
		default:
			return nil, reduce, nil, false
		}
		mapAggs = append(mapAggs, fmt.Sprintf("%s(%s) as %s", fn, arg, p))
	}
	mapWords = []string{"groupby", keys, strings.Join(mapAggs, ", ")}
	mv, err := call.Spec.Parse(mapWords[1:])
	if err != nil {
		return nil, reduce, nil, false
	}
	_, partial, err = mv.Build(env, in)
	if err != nil {
		return nil, reduce, nil, false
	}
	rv, err := call.Spec.Parse([]string{keys, strings.Join(reduceAggs, ", ")})
	if err != nil {
		return nil, reduce, nil, false
	}
	reduce, final, err := rv.Build(env, partial)
	if err != nil || !final.Equal(out) {
		return nil, reduce, nil, false
	}
	return mapWords, reduce, partial, true
}

func isInteger(t arrow.DataType) bool {
	switch t.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64, arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64:
		return true
	}
	return false
}
