package window

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/arrowpipe/arrowpipe/stages/internal/colname"
)

// ParseFuncs parses the command line's 'NAME = FUNC(ARGS), ...' ("NAME ="
// may be left out: the column is then named OP_COLUMN). Errors quote the
// function at fault.
func ParseFuncs(text string) ([]Func, error) {
	items, err := colname.SplitTop(text, ',')
	if err != nil {
		return nil, err
	}
	if len(items) == 0 {
		return nil, fmt.Errorf("no window function: give NAME = FUNC(ARGS) for each new column")
	}
	var fns []Func
	for _, it := range items {
		f, err := parseFunc(it)
		if err != nil {
			return nil, fmt.Errorf("%w in %q", err, it)
		}
		fns = append(fns, f)
	}
	return fns, nil
}

func parseFunc(item string) (Func, error) {
	var f Func
	call := item
	if eq, err := colname.SplitTop(item, '='); err == nil && len(eq) == 2 {
		if f.Name, err = colname.Unquote(eq[0]); err != nil {
			return f, err
		}
		call = eq[1]
	} else if err != nil {
		return f, err
	} else if len(eq) > 2 {
		return f, fmt.Errorf("more than one '='")
	}
	open := strings.IndexByte(call, '(')
	if open < 0 || !strings.HasSuffix(call, ")") {
		return f, fmt.Errorf("not NAME = FUNC(ARGS)")
	}
	f.Op = Op(strings.ToLower(strings.TrimSpace(call[:open])))
	inner := strings.TrimSpace(call[open+1 : len(call)-1])
	if f.Op == OpRank || f.Op == OpDenseRank {
		if inner != "" {
			if _, err := colname.Split(inner); err != nil {
				return f, err
			}
		}
		f.order = inner
		return f, f.check()
	}
	var args []string
	if inner != "" {
		var err error
		if args, err = colname.SplitTop(inner, ','); err != nil {
			return f, err
		}
	}
	want := map[Op][2]int{ // least and most arguments
		OpLag: {1, 3}, OpLead: {1, 3}, OpRowNumber: {0, 0}, OpRunningCount: {0, 1},
		OpRunningSum: {1, 1}, OpRunningMean: {1, 1}, OpRunningMin: {1, 1}, OpRunningMax: {1, 1},
		OpMovingSum: {2, 2}, OpMovingMean: {2, 2}, OpDelta: {1, 1}, OpRatio: {1, 1}, OpEWMA: {2, 2},
	}
	w, ok := want[f.Op]
	if !ok {
		return f, fmt.Errorf("unknown window function %q", f.Op)
	}
	if len(args) < w[0] || len(args) > w[1] {
		return f, fmt.Errorf("%s takes %d to %d arguments, not %d", f.Op, w[0], w[1], len(args))
	}
	if len(args) > 0 && args[0] != "*" {
		var err error
		if f.Column, err = colname.Unquote(args[0]); err != nil {
			return f, err
		}
	}
	switch f.Op {
	case OpLag, OpLead:
		f.N = 1
		if len(args) > 1 {
			n, err := strconv.Atoi(args[1])
			if err != nil {
				return f, fmt.Errorf("%s: the offset %q is not an integer", f.Op, args[1])
			}
			f.N = n
		}
		if len(args) > 2 {
			f.Default = literal(args[2])
		}
	case OpMovingSum, OpMovingMean:
		n, err := strconv.Atoi(args[1])
		if err != nil {
			return f, fmt.Errorf("%s: the window %q is not an integer", f.Op, args[1])
		}
		f.N = n
	case OpEWMA:
		a, err := strconv.ParseFloat(args[1], 64)
		if err != nil {
			return f, fmt.Errorf("ewma: alpha %q is not a number", args[1])
		}
		f.Alpha = a
	}
	return f, f.check()
}

// literal is a default as written: null, a 'quoted string' (” is a
// quote), or text parsed for the column's type at Build.
func literal(s string) any {
	switch {
	case strings.EqualFold(s, "null"):
		return nil
	case len(s) >= 2 && s[0] == '\'' && s[len(s)-1] == '\'':
		return strings.ReplaceAll(s[1:len(s)-1], "''", "'")
	}
	return s
}
