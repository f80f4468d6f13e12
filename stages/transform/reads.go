package transform

import (
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/arrowpipe/arrowpipe/stages/expr"
	"github.com/arrowpipe/arrowpipe/stages/internal/colname"
)

// The Reads functions of the transform verbs: which input columns each
// needs for the output columns needed downstream (see verb.Spec.Reads).
// When an argument does not parse they answer nil, every column, and leave
// the error to Build.

func readsSelect(args []string, _ *arrow.Schema, _ []string) []string {
	names, err := colname.Names(args[0])
	if err != nil {
		return nil
	}
	return names
}

// readsNamed is for verbs that pass through the columns they do not name
// (drop, cast): what is needed downstream plus the columns they name,
// which Build checks.
func readsNamed(args []string, _ *arrow.Schema, needed []string) []string {
	if needed == nil {
		return nil
	}
	items, err := colname.Split(args[0])
	if err != nil {
		return nil
	}
	out := slices.Clone(needed)
	for _, it := range items {
		col, _, _, err := colname.Cut(it.Text, ':') // cast's COL:TYPE
		if err != nil {
			return nil
		}
		out = addName(out, col)
	}
	return out
}

func readsRename(args []string, _ *arrow.Schema, needed []string) []string {
	if needed == nil {
		return nil
	}
	pairs, err := colname.Split(args[0])
	if err != nil {
		return nil
	}
	renamed := map[string]string{} // new name -> old
	var olds []string
	for _, p := range pairs {
		old, nu, ok, err := colname.Cut(p.Text, '=')
		if !ok || err != nil {
			return nil
		}
		renamed[nu] = old
		olds = append(olds, old)
	}
	var out []string
	for _, n := range needed {
		if old, ok := renamed[n]; ok {
			n = old
		}
		out = addName(out, n)
	}
	for _, old := range olds {
		out = addName(out, old)
	}
	return out
}

func readsFilter(args []string, _ *arrow.Schema, needed []string) []string {
	if needed == nil {
		return nil
	}
	cols, err := expr.Columns(args[0])
	if err != nil {
		return nil
	}
	out := slices.Clone(needed)
	for _, c := range cols {
		out = addName(out, c)
	}
	return out
}

// readsDerive walks the assignments backwards: a derived column is
// computed, not read, but the columns its expression uses are needed, from
// the input or from an earlier assignment.
func readsDerive(args []string, _ *arrow.Schema, needed []string) []string {
	if needed == nil {
		return nil
	}
	parts, _ := splitAssignments(args[0])
	out := slices.Clone(needed)
	for k := len(parts) - 1; k >= 0; k-- {
		p := parts[k]
		if strings.TrimSpace(p) == "" {
			continue
		}
		name, at, err := parseAssignment(p)
		if err != nil {
			return nil
		}
		cols, err := expr.Columns(p[at:])
		if err != nil {
			return nil
		}
		out = slices.DeleteFunc(out, func(n string) bool { return n == name })
		for _, c := range cols {
			out = addName(out, c)
		}
	}
	return out
}

// readsRows is for verbs that only choose rows (head, tail).
func readsRows(_ []string, _ *arrow.Schema, needed []string) []string {
	return needed
}

func addName(names []string, n string) []string {
	if slices.Contains(names, n) {
		return names
	}
	return append(names, n)
}
