package transform

import (
	"slices"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/arrowpipe/arrowpipe/stages/expr"
)

// The Reads of the transform verbs: which input columns each needs for
// the output columns needed downstream (see verb.Verb.Reads), computed
// from the typed arguments. needed nil means every column; when an
// expression does not parse they answer nil and leave the error to Build.

// readsPassing is for verbs that pass through the columns they do not
// name (drop, cast): what is needed downstream plus the columns they name,
// which Build checks.
func readsPassing(needed, cols []string) []string {
	if needed == nil {
		return nil
	}
	out := slices.Clone(needed)
	for _, c := range cols {
		out = addName(out, c)
	}
	return out
}

func readsRename(renames []Renaming, needed []string) []string {
	if needed == nil {
		return nil
	}
	old := map[string]string{} // new name -> old
	for _, r := range renames {
		old[r.New] = r.Old
	}
	var out []string
	for _, n := range needed {
		if o, ok := old[n]; ok {
			n = o
		}
		out = addName(out, n)
	}
	for _, r := range renames {
		out = addName(out, r.Old)
	}
	return out
}

func readsFilter(cond string, needed []string) []string {
	if needed == nil {
		return nil
	}
	cols, err := expr.Columns(cond)
	if err != nil {
		return nil
	}
	return readsPassing(needed, cols)
}

// readsDerive walks the definitions backwards: a derived column is
// computed, not read, but the columns its expression uses are needed, from
// the input or from an earlier definition.
func readsDerive(defs []Definition, needed []string) []string {
	if needed == nil {
		return nil
	}
	out := slices.Clone(needed)
	for _, d := range slices.Backward(defs) {
		cols, err := expr.Columns(d.Expr)
		if err != nil {
			return nil
		}
		out = slices.DeleteFunc(out, func(n string) bool { return n == d.Name })
		for _, c := range cols {
			out = addName(out, c)
		}
	}
	return out
}

// readsRows is for verbs that only choose rows (head, tail).
func readsRows(_ *arrow.Schema, needed []string) []string {
	return needed
}

func addName(names []string, n string) []string {
	if slices.Contains(names, n) {
		return names
	}
	return append(names, n)
}
