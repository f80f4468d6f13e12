package window

import (
	"cmp"
	"fmt"
	"math"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/arrowpipe/arrowpipe/stages/aggregate"
)

// The reference computes each function row by row from its definition
// over the whole group (DuckDB's: f(...) OVER (PARTITION BY keys ORDER BY
// input position ROWS ...)), with no state carried from row to row except
// where the definition is a recurrence (ewma).

func colIndex(name string) int {
	idx := testSchema.FieldIndices(name)
	if len(idx) == 0 {
		panic("no column " + name)
	}
	return idx[0]
}

// refWindow returns the input rows with each function's value appended.
func refWindow(rows []row, keys []string, fns []Func) []row {
	groups := map[string][]int{}
	for i, r := range rows {
		var k []any
		for _, key := range keys {
			k = append(k, zeroSign(r[colIndex(key)]))
		}
		s := fmt.Sprintf("%#v", k)
		groups[s] = append(groups[s], i)
	}
	out := make([]row, len(rows))
	for i, r := range rows {
		out[i] = append(row{}, r...)
	}
	for _, f := range fns {
		vals := make([]any, len(rows))
		for _, idx := range groups {
			for j, i := range idx {
				vals[i] = refValue(rows, idx, j, f)
			}
		}
		for i := range out {
			out[i] = append(out[i], vals[i])
		}
	}
	return out
}

// refValue is f on row idx[j] of the group idx.
func refValue(rows []row, idx []int, j int, f Func) any {
	c := -1
	if f.Column != "" {
		c = colIndex(f.Column)
	}
	val := func(k int) any { return rows[idx[k]][c] }
	nonNull := func(lo, hi int) []any {
		var vs []any
		for k := max(lo, 0); k <= hi; k++ {
			if v := val(k); v != nil {
				vs = append(vs, v)
			}
		}
		return vs
	}
	switch f.Op {
	case OpLag:
		if j-f.N >= 0 {
			return val(j - f.N)
		}
		return f.Default
	case OpLead:
		if j+f.N < len(idx) {
			return val(j + f.N)
		}
		return f.Default
	case OpRowNumber:
		return int64(j + 1)
	case OpRunningCount:
		if c < 0 {
			return int64(j + 1)
		}
		return int64(len(nonNull(0, j)))
	case OpRunningSum:
		return refSum(nonNull(0, j))
	case OpMovingSum:
		return refSum(nonNull(j-f.N+1, j))
	case OpRunningMean:
		return refMean(nonNull(0, j))
	case OpMovingMean:
		return refMean(nonNull(j-f.N+1, j))
	case OpRunningMin, OpRunningMax:
		var best any
		for _, v := range nonNull(0, j) {
			switch {
			case best == nil,
				f.Op == OpRunningMax && refLess(best, v),
				f.Op == OpRunningMin && refLess(v, best):
				best = v
			}
		}
		return best
	case OpDelta, OpRatio:
		if j == 0 || val(j) == nil || val(j-1) == nil {
			return nil
		}
		if f.Op == OpRatio {
			return toFloat(val(j)) / toFloat(val(j-1))
		}
		if _, ok := val(j).(float64); ok {
			return val(j).(float64) - val(j-1).(float64)
		}
		return toInt(val(j)) - toInt(val(j-1))
	case OpEWMA:
		var s any
		for _, v := range nonNull(0, j) {
			if s == nil {
				s = toFloat(v)
			} else {
				s = f.Alpha*toFloat(v) + (1-f.Alpha)*s.(float64)
			}
		}
		return s
	case OpRank, OpDenseRank:
		// 1 + the rows (rank) or the distinct order tuples (dense_rank)
		// ordered before the row.
		before := map[string]bool{}
		for k := range idx {
			if refOrder(rows[idx[k]], rows[idx[j]], f.Order) < 0 {
				key := fmt.Sprint(k)
				if f.Op == OpDenseRank {
					key = fmt.Sprintf("%#v", orderTuple(rows[idx[k]], f.Order))
				}
				before[key] = true
			}
		}
		return int64(len(before) + 1)
	}
	panic("refValue: " + f.Op)
}

func orderTuple(r row, order []aggregate.SortKey) []any {
	var t []any
	for _, k := range order {
		t = append(t, zeroSign(r[colIndex(k.Column)]))
	}
	return t
}

// refOrder compares rows by order: nulls last unless NullsFirst, NaN
// greatest, desc reverses the values.
func refOrder(a, b row, order []aggregate.SortKey) int {
	for _, k := range order {
		x, y := a[colIndex(k.Column)], b[colIndex(k.Column)]
		var c int
		switch {
		case x == nil && y == nil:
		case x == nil || y == nil:
			c = 1
			if x != nil {
				c = -1
			}
			if k.NullsFirst {
				c = -c
			}
		default:
			if refLess(x, y) {
				c = -1
			} else if refLess(y, x) {
				c = 1
			}
			if k.Desc {
				c = -c
			}
		}
		if c != 0 {
			return c
		}
	}
	return 0
}

// refLess orders values of one type, NaN after every number.
func refLess(a, b any) bool {
	switch a := a.(type) {
	case float64:
		b := b.(float64)
		if math.IsNaN(a) {
			return false
		}
		return math.IsNaN(b) || a < b
	case string:
		return a < b.(string)
	case bool:
		return !a && b.(bool)
	}
	return toInt(a) < toInt(b)
}

func toInt(v any) int64 {
	switch v := v.(type) {
	case int64:
		return v
	case int32:
		return int64(v)
	case arrow.Timestamp:
		return int64(v)
	}
	panic(fmt.Sprintf("toInt(%T)", v))
}

func toFloat(v any) float64 {
	if f, ok := v.(float64); ok {
		return f
	}
	return float64(toInt(v))
}

func refSum(vs []any) any {
	if len(vs) == 0 {
		return nil
	}
	if _, ok := vs[0].(float64); ok {
		var s float64
		for _, v := range vs {
			s += v.(float64)
		}
		return s
	}
	var s int64
	for _, v := range vs {
		s += toInt(v)
	}
	return s
}

func refMean(vs []any) any {
	if len(vs) == 0 {
		return nil
	}
	if _, ok := vs[0].(float64); ok {
		return refSum(vs).(float64) / float64(len(vs))
	}
	return float64(refSum(vs).(int64)) / float64(len(vs))
}

// sameRows reports the first difference between want and got, NaN equal
// to NaN; "" when they are equal.
func sameRows(want, got []row, names []string) string {
	if len(want) != len(got) {
		return fmt.Sprintf("%d rows, want %d", len(got), len(want))
	}
	for i := range want {
		if len(want[i]) != len(got[i]) {
			return fmt.Sprintf("row %d: %d columns, want %d", i, len(got[i]), len(want[i]))
		}
		for c := range want[i] {
			w, g := want[i][c], got[i][c]
			if wf, ok := w.(float64); ok {
				if gf, ok := g.(float64); ok && (wf == gf || math.IsNaN(wf) && math.IsNaN(gf)) {
					continue
				}
			}
			if cmp.Compare(fmt.Sprintf("%T %#v", w, w), fmt.Sprintf("%T %#v", g, g)) != 0 {
				return fmt.Sprintf("row %d column %s: got %T %v, want %T %v\nrow %v", i, names[c], g, g, w, w, want[i])
			}
		}
	}
	return ""
}

// zeroSign makes -0 0: they are one group and one rank.
func zeroSign(v any) any {
	if f, ok := v.(float64); ok && f == 0 {
		return 0.0
	}
	return v
}
