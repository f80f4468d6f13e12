package aggregate

import "slices"

// The Reads functions of the aggregate verbs (see verb.Verb.Reads),
// computed from their typed arguments. A name missing from the schema is
// left in: the verb's Build reports it.

// groupReads: the keys and the aggregated columns, whatever is needed
// downstream (every output column comes from them).
func groupReads(keys []string, aggs []Aggregate) []string {
	out := appendNew([]string{}, keys...)
	for _, a := range aggs {
		if a.col != "" {
			out = appendNew(out, a.col)
		}
	}
	return out
}

// passReads is for verbs that pass rows through whole (sort, top,
// distinct): what is needed downstream (nil: every column) plus the
// columns they compare.
func passReads(needed, compared []string) []string {
	if needed == nil {
		return nil
	}
	return appendNew(slices.Clone(needed), compared...)
}

func keyColumns(keys []SortKey) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = k.Column
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
