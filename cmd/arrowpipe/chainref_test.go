package main

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
)

// refTable is the in-test reference for the stateful verbs: a table of
// nullable int64 and string cells, transformed row by row with plain loops
// and stable sorts. It knows nothing of batches, workers or handoffs.
type refTable struct {
	cols  []string
	isInt []bool
	rows  [][]refCell
}

type refCell struct {
	null bool
	i    int64
	s    string
}

func (c refCell) text() string {
	switch {
	case c.null:
		return ""
	case c.s != "":
		return c.s
	default:
		return strconv.FormatInt(c.i, 10)
	}
}

// key is a cell's identity for grouping: nulls group together (SQL).
func (c refCell) key() string {
	if c.null {
		return "\x00null"
	}
	return c.text()
}

func (t *refTable) col(name string) int {
	i := slices.Index(t.cols, name)
	if i < 0 {
		panic("reference: no column " + name)
	}
	return i
}

// csv renders the table as arrowpipe writes it: a header, then one line
// per row, a null as an empty field. Values never need quoting.
func (t *refTable) csv() [][]string {
	out := [][]string{slices.Clone(t.cols)}
	for _, r := range t.rows {
		rec := make([]string, len(r))
		for i, c := range r {
			rec[i] = c.text()
		}
		out = append(out, rec)
	}
	return out
}

// randomTable has ties everywhere: k in 0..49, g one of eight strings, h in
// -5..5, each null one time in ten, and a unique id that shows stability.
func randomTable(rng *rand.Rand, n int) *refTable {
	t := &refTable{cols: []string{"id", "k", "g", "h"}, isInt: []bool{true, true, false, true}}
	maybeNull := func(c refCell) refCell {
		if rng.IntN(10) == 0 {
			return refCell{null: true}
		}
		return c
	}
	for i := range n {
		t.rows = append(t.rows, []refCell{
			{i: int64(i)},
			maybeNull(refCell{i: rng.Int64N(50)}),
			maybeNull(refCell{s: string(rune('a' + rng.IntN(8)))}),
			maybeNull(refCell{i: rng.Int64N(11) - 5}),
		})
	}
	return t
}

func (t *refTable) inputCSV() string {
	var b strings.Builder
	for _, rec := range t.csv() {
		b.WriteString(strings.Join(rec, ","))
		b.WriteByte('\n')
	}
	return b.String()
}

// refOrder is one sort key.
type refOrder struct {
	col  string
	desc bool
}

func orderSpec(keys []refOrder) string {
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k.col
		if k.desc {
			parts[i] += " desc"
		}
	}
	return strings.Join(parts, ", ")
}

// sorted is a stable sort with nulls last in both directions (DuckDB's
// default, and arrowpipe's).
func (t *refTable) sorted(keys []refOrder) [][]refCell {
	rows := slices.Clone(t.rows)
	idx := make([]int, len(keys))
	for i, k := range keys {
		idx[i] = t.col(k.col)
	}
	slices.SortStableFunc(rows, func(a, b []refCell) int {
		for i, k := range keys {
			x, y := a[idx[i]], b[idx[i]]
			if x.null || y.null {
				if x.null && y.null {
					continue
				}
				if x.null {
					return 1
				}
				return -1
			}
			var c int
			if t.isInt[idx[i]] {
				c = cmp.Compare(x.i, y.i)
			} else {
				c = strings.Compare(x.s, y.s)
			}
			if k.desc {
				c = -c
			}
			if c != 0 {
				return c
			}
		}
		return 0
	})
	return rows
}

func (t *refTable) with(rows [][]refCell) *refTable {
	return &refTable{cols: t.cols, isInt: t.isInt, rows: rows}
}

func (t *refTable) sort(keys []refOrder) *refTable { return t.with(t.sorted(keys)) }

func (t *refTable) top(n int, keys []refOrder) *refTable {
	rows := t.sorted(keys)
	return t.with(rows[:min(n, len(rows))])
}

func (t *refTable) head(n int) *refTable { return t.with(t.rows[:min(n, len(t.rows))]) }

func (t *refTable) tail(n int) *refTable { return t.with(t.rows[max(0, len(t.rows)-n):]) }

// groups lists the distinct combinations of cols in order of first
// appearance, with the rows of each.
func (t *refTable) groups(cols []string) (keys [][]refCell, members [][]int) {
	idx := make([]int, len(cols))
	for i, c := range cols {
		idx[i] = t.col(c)
	}
	at := map[string]int{}
	for r, row := range t.rows {
		var kb strings.Builder
		key := make([]refCell, len(idx))
		for i, j := range idx {
			key[i] = row[j]
			kb.WriteString(row[j].key())
			kb.WriteByte(0xff)
		}
		g, ok := at[kb.String()]
		if !ok {
			g = len(keys)
			at[kb.String()] = g
			keys = append(keys, key)
			members = append(members, nil)
		}
		members[g] = append(members[g], r)
	}
	return keys, members
}

func (t *refTable) keyTypes(cols []string) []bool {
	out := make([]bool, len(cols))
	for i, c := range cols {
		out[i] = t.isInt[t.col(c)]
	}
	return out
}

// groupBy computes count() and, when sumCol is set, sum(sumCol): null when
// every value of the group is null, as in SQL.
func (t *refTable) groupBy(keys []string, countName, sumCol, sumName string) *refTable {
	out := &refTable{cols: append(slices.Clone(keys), countName), isInt: append(t.keyTypes(keys), true)}
	if sumCol != "" {
		out.cols = append(out.cols, sumName)
		out.isInt = append(out.isInt, true)
	}
	gk, members := t.groups(keys)
	for g, key := range gk {
		row := append(slices.Clone(key), refCell{i: int64(len(members[g]))})
		if sumCol != "" {
			j := t.col(sumCol)
			sum := refCell{null: true}
			for _, r := range members[g] {
				if c := t.rows[r][j]; !c.null {
					sum = refCell{i: sum.i + c.i}
				}
			}
			row = append(row, sum)
		}
		out.rows = append(out.rows, row)
	}
	return out
}

func (t *refTable) distinct(cols []string) *refTable {
	_, members := t.groups(cols)
	rows := make([][]refCell, len(members))
	for g, m := range members {
		rows[g] = t.rows[m[0]]
	}
	return t.with(rows)
}

func (t *refTable) countDistinct(cols []string) *refTable {
	out := &refTable{cols: append(slices.Clone(cols), "count"), isInt: append(t.keyTypes(cols), true)}
	gk, members := t.groups(cols)
	for g, key := range gk {
		out.rows = append(out.rows, append(slices.Clone(key), refCell{i: int64(len(members[g]))}))
	}
	return out
}

// A refVerb is one verb of a chain: its command-line words and what it
// does to the reference table.
type refVerb struct {
	args  []string
	apply func(*refTable) *refTable
}

var statefulVerbs = []string{"sort", "top", "tail", "groupby", "distinct", "count_distinct", "head"}

// randomVerb builds a verb named name over t's columns; step makes the
// names of new columns unique along the chain.
func randomVerb(rng *rand.Rand, name string, t *refTable, step int) refVerb {
	pick := func(max int, avoid ...string) []string {
		var cand []string
		for _, c := range t.cols {
			if !slices.Contains(avoid, c) {
				cand = append(cand, c)
			}
		}
		rng.Shuffle(len(cand), func(i, j int) { cand[i], cand[j] = cand[j], cand[i] })
		return cand[:1+rng.IntN(min(max, len(cand)))]
	}
	order := func() []refOrder {
		var keys []refOrder
		for _, c := range pick(2) {
			keys = append(keys, refOrder{col: c, desc: rng.IntN(2) == 0})
		}
		return keys
	}
	n := len(t.rows)
	count := func() int { return 1 + rng.IntN(max(1, n+n/4)) }
	switch name {
	case "sort":
		keys := order()
		return refVerb{[]string{"sort", orderSpec(keys)}, func(t *refTable) *refTable { return t.sort(keys) }}
	case "top":
		keys, k := order(), count()
		return refVerb{[]string{"top", strconv.Itoa(k), orderSpec(keys)}, func(t *refTable) *refTable { return t.top(k, keys) }}
	case "tail":
		k := count()
		return refVerb{[]string{"tail", strconv.Itoa(k)}, func(t *refTable) *refTable { return t.tail(k) }}
	case "head":
		k := count()
		return refVerb{[]string{"head", strconv.Itoa(k)}, func(t *refTable) *refTable { return t.head(k) }}
	case "groupby":
		keys := pick(2, "count")
		countName := fmt.Sprintf("n%d", step)
		aggs := "count() as " + countName
		var sumCol, sumName string
		for _, c := range t.cols {
			if t.isInt[t.col(c)] && !slices.Contains(keys, c) {
				sumCol, sumName = c, fmt.Sprintf("s%d", step)
				aggs += fmt.Sprintf(", sum(%s) as %s", sumCol, sumName)
				break
			}
		}
		return refVerb{[]string{"groupby", strings.Join(keys, ","), aggs}, func(t *refTable) *refTable {
			return t.groupBy(keys, countName, sumCol, sumName)
		}}
	case "distinct":
		cols := pick(2)
		return refVerb{[]string{"distinct", strings.Join(cols, ",")}, func(t *refTable) *refTable { return t.distinct(cols) }}
	case "count_distinct":
		cols := pick(2, "count")
		return refVerb{[]string{"count_distinct", strings.Join(cols, ",")}, func(t *refTable) *refTable { return t.countDistinct(cols) }}
	}
	panic("reference: no verb " + name)
}

// chainArgs joins verbs with "then".
func chainArgs(verbs []refVerb) []string {
	var args []string
	for i, v := range verbs {
		if i > 0 {
			args = append(args, "then")
		}
		args = append(args, v.args...)
	}
	return args
}
