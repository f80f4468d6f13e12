package transform

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/arrowpipe/arrowpipe/stages/internal/colname"
)

// decimalTarget casts to decimal(p,s) with to_decimal of stages/expr:
// halves away from zero, a value beyond the precision an error.
func decimalTarget(d *arrow.Decimal128Type) castTarget {
	return castTarget{to: d, name: d.String(), fn: fmt.Sprintf("to_decimal, %d, %d", d.Precision, d.Scale)}
}

// decimalType reads decimal(p,s), decimal(p) (scale 0) or decimal
// (DuckDB's default, decimal(18,3)); numeric is a synonym. ok is false
// for any other word.
func decimalType(word string) (dt arrow.DataType, ok bool, err error) {
	word = strings.ReplaceAll(word, " ", "")
	rest, found := strings.CutPrefix(word, "decimal")
	if !found {
		if rest, found = strings.CutPrefix(word, "numeric"); !found {
			return nil, false, nil
		}
	}
	if rest == "" {
		return &arrow.Decimal128Type{Precision: 18, Scale: 3}, true, nil
	}
	inner, found := strings.CutPrefix(rest, "(")
	if inner, found2 := strings.CutSuffix(inner, ")"); found && found2 {
		ps, ss, hasScale := strings.Cut(inner, ",")
		p, perr := strconv.Atoi(ps)
		s := 0
		var serr error
		if hasScale {
			s, serr = strconv.Atoi(ss)
		}
		if perr == nil && serr == nil && p >= 1 && p <= 38 && s >= 0 && s <= min(p, 18) {
			return &arrow.Decimal128Type{Precision: int32(p), Scale: int32(s)}, true, nil
		}
	}
	return nil, true, fmt.Errorf("bad decimal type %q: want decimal(p,s) with precision 1 to 38 and scale 0 to 18, at most p", word)
}

// castCall is the expression that converts the quoted column with fn:
// fn(col), or to_decimal(col, p, s) for decimalTarget's fn.
func castCall(fn, quoted string) string {
	if p, ok := strings.CutPrefix(fn, "to_decimal"); ok && p != "" {
		return "to_decimal(" + quoted + p + ")"
	}
	return fn + "(" + quoted + ")"
}

// joinParens joins the entries that Split cut at a comma inside
// parentheses or brackets: 'd:decimal(10,2)' and 't:timestamp[us, UTC]'
// are one entry each.
func joinParens(items []colname.Item) []colname.Item {
	var out []colname.Item
	open := func(s string) bool {
		return strings.Count(s, "(") > strings.Count(s, ")") || strings.Count(s, "[") > strings.Count(s, "]")
	}
	for _, it := range items {
		if n := len(out); n > 0 && open(out[n-1].Text) {
			out[n-1].Text += "," + it.Text
			continue
		}
		out = append(out, it)
	}
	return out
}
