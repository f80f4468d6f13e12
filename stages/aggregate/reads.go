package aggregate

import (
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
)

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

// dictionaryKeys (verb.Verb.DictionaryKeys of a group-by): the utf8 and
// large_utf8 keys that no aggregate reads. A single such key is grouped by its dictionary
// codes (see findDict); with other keys, a dictionary key is compared
// through its codes, row by row.
func dictionaryKeys(in *arrow.Schema, keys []string, aggs []Aggregate) []string {
	var out []string
	for _, k := range keys {
		idx := in.FieldIndices(k)
		if len(idx) != 1 || !isText(in.Field(idx[0]).Type) || slices.Contains(out, k) ||
			slices.ContainsFunc(aggs, func(a Aggregate) bool { return a.col == k }) {
			continue
		}
		out = append(out, k)
	}
	return out
}

func isText(dt arrow.DataType) bool {
	return dt.ID() == arrow.STRING || dt.ID() == arrow.LARGE_STRING
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
