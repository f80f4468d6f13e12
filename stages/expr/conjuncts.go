package expr

import "time"

// A Comparison is a conjunct of a condition that compares one column
// with constants: Column Op Values[0] for Op == != < <= > >=, Column in
// (Values...) for "in", and Column is null / is not null for "is null"
// and "is not null" (no Values). A constant is an int64, a uint64 (an
// integer above MaxInt64), a float64, a string, a bool or a time.Time (a
// timestamp literal; a date literal is its midnight UTC).
type Comparison struct {
	Column string
	Op     string
	Values []any
}

// Conjuncts returns the conjuncts of condition src (the operands of its
// top-level ands) that are Comparisons, a constant on the left turned
// around (3 < qty is qty > 3); the others are left out, and so are the
// null constants of an in list, which match nothing. A row for which src
// is true satisfies each Comparison as the expression compares (numbers
// through float64 when either side is a float, instants for times): a
// reader may skip data where some Comparison holds for no row. It fails
// only when src does not parse; it does not check columns or types.
func Conjuncts(src string) ([]Comparison, error) {
	tree, err := parse(src)
	if err != nil {
		return nil, err
	}
	var out []Comparison
	var walk func(n astNode)
	walk = func(n astNode) {
		switch n := n.(type) {
		case *binaryExpr:
			if n.op == "and" {
				walk(n.l)
				walk(n.r)
				return
			}
			if c, ok := comparison(n); ok {
				out = append(out, c)
			}
		case *inExpr:
			col, ok := n.x.(*colExpr)
			if !ok || n.not {
				return
			}
			c := Comparison{Column: col.name, Op: "in", Values: []any{}}
			for _, e := range n.list {
				l, ok := e.(*litExpr)
				if !ok {
					return
				}
				if v, ok := constant(l); ok {
					c.Values = append(c.Values, v)
				} else if l.kind != litNull {
					return
				}
			}
			out = append(out, c)
		case *isNullExpr:
			if col, ok := n.x.(*colExpr); ok {
				op := "is null"
				if n.not {
					op = "is not null"
				}
				out = append(out, Comparison{Column: col.name, Op: op})
			}
		}
	}
	walk(tree)
	return out, nil
}

// comparison reads column op constant or constant op column.
func comparison(n *binaryExpr) (Comparison, bool) {
	swapped := map[string]string{"==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
	if _, ok := swapped[n.op]; !ok {
		return Comparison{}, false
	}
	col, isCol := n.l.(*colExpr)
	lit, isLit := n.r.(*litExpr)
	op := n.op
	if !isCol || !isLit {
		col, isCol = n.r.(*colExpr)
		lit, isLit = n.l.(*litExpr)
		op = swapped[n.op]
	}
	if !isCol || !isLit {
		return Comparison{}, false
	}
	v, ok := constant(lit)
	if !ok {
		return Comparison{}, false
	}
	return Comparison{Column: col.name, Op: op, Values: []any{v}}, true
}

// constant returns a literal's value, false for null.
func constant(l *litExpr) (any, bool) {
	switch l.kind {
	case litBool:
		return l.b, true
	case litInt:
		return l.i, true
	case litUint:
		return l.u, true
	case litFloat:
		return l.f, true
	case litString:
		return l.s, true
	case litTime:
		return time.UnixMicro(l.i).UTC(), true
	case litTimeNs:
		return time.Unix(0, l.i).UTC(), true
	case litDate:
		return time.Unix(l.i*86400, 0).UTC(), true
	}
	return nil, false
}
