package aggregate

import (
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/arrowpipe/arrowpipe/stages/internal/colname"
)

// The Reads functions of the aggregate verbs (see verb.Spec.Reads). When an
// argument does not parse they answer nil, every column, and leave the
// error to Build.

// readsGroupBy: the keys and the aggregated columns, whatever is needed
// downstream (every output column comes from them).
func readsGroupBy(keys, aggs string) []string {
	calls, err := parseAggs(aggs)
	if err != nil {
		return nil
	}
	out := []string{}
	if strings.TrimSpace(keys) != "-" {
		names, err := colname.Names(keys)
		if err != nil {
			return nil
		}
		out = appendNew(out, names...)
	}
	for _, c := range calls {
		if c.col != "" {
			out = appendNew(out, c.col)
		}
	}
	return out
}

// readsOrdered is for verbs that pass rows through whole (sort, top,
// distinct): what is needed downstream plus the columns they compare.
func readsOrdered(in *arrow.Schema, needed []string, order string) []string {
	if needed == nil {
		return nil
	}
	keys, err := parseOrder(in, order)
	if err != nil {
		return nil
	}
	out := slices.Clone(needed)
	for _, k := range keys {
		out = appendNew(out, in.Field(k.col).Name)
	}
	return out
}

func appendNew(names []string, add ...string) []string {
	for _, n := range add {
		if !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	return names
}
