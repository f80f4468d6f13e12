package window

import (
	"fmt"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/arrowpipe/arrowpipe/stages/aggregate"
	"github.com/arrowpipe/arrowpipe/stages/internal/colname"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// bound is a Func checked against the input schema: its output column and
// how to make its per-worker state.
type bound struct {
	f     Func
	field arrow.Field
	kind  kind // of the output column
	make  func(name string) fn
	order []orderKey // the ranks'
}

// orderKey is a rank's sort key bound to an input column.
type orderKey struct {
	col        int
	kind       kind
	desc       bool
	nullsFirst bool
}

// bind checks f against the input schema in.
func bind(in *arrow.Schema, f Func) (bound, error) {
	b := bound{f: f}
	col, k := -1, kind(0)
	var dt arrow.DataType
	if f.Column != "" {
		idx := in.FieldIndices(f.Column)
		if len(idx) == 0 {
			return b, fmt.Errorf("%s: no column %q", f.Op, f.Column)
		}
		col, dt = idx[0], in.Field(idx[0]).Type
		var err error
		if k, err = kindOf(dt); err != nil {
			return b, verb.NameColumn(fmt.Errorf("%s(%s): %w", f.Op, f.Column, err), f.Column)
		}
	}
	number := func() error {
		if !isNumber(dt) {
			return verb.TypeLimit(f.Column, dt, fmt.Errorf("%s(%s): the column's type %s is not a number", f.Op, f.Column, dt))
		}
		return nil
	}
	sumType := func() (arrow.DataType, kind) {
		if k == kindInt {
			return arrow.PrimitiveTypes.Int64, kindInt
		}
		return arrow.PrimitiveTypes.Float64, kindFloat
	}
	name := f.outName()
	f64 := arrow.PrimitiveTypes.Float64
	set := func(t arrow.DataType, ok kind, nullable bool, mk func(name string) fn) {
		b.field = arrow.Field{Name: name, Type: t, Nullable: nullable}
		b.kind, b.make = ok, mk
	}
	switch f.Op {
	case OpRowNumber:
		set(arrow.PrimitiveTypes.Int64, kindInt, false, func(string) fn { return &rowNumberFn{} })
	case OpRank, OpDenseRank:
		keys := f.Order
		if f.order != "" {
			var err error
			if keys, err = parseOrder(in, f.order); err != nil {
				return b, fmt.Errorf("%s: %w", f.Op, err)
			}
		}
		for _, sk := range keys {
			idx := in.FieldIndices(sk.Column)
			if len(idx) == 0 {
				return b, fmt.Errorf("%s: no column %q", f.Op, sk.Column)
			}
			kk, err := kindOf(in.Field(idx[0]).Type)
			if err != nil {
				return b, verb.NameColumn(fmt.Errorf("%s(%s): %w", f.Op, sk.Column, err), sk.Column)
			}
			b.order = append(b.order, orderKey{col: idx[0], kind: kk, desc: sk.Desc, nullsFirst: sk.NullsFirst})
		}
		set(arrow.PrimitiveTypes.Int64, kindInt, false, func(string) fn { return rankFn{} })
	case OpLag, OpLead:
		def, err := parseDefault(f.Default, k)
		if err != nil {
			return b, verb.NameColumn(fmt.Errorf("%s(%s): %w", f.Op, f.Column, err), f.Column)
		}
		if f.Op == OpLag {
			set(dt, k, true, func(string) fn { return &lagFn{col: col, kind: k, n: f.N, def: def} })
		} else {
			set(dt, k, true, func(string) fn { return &leadFn{col: col, kind: k, n: f.N, def: def} })
		}
	case OpRunningCount:
		set(arrow.PrimitiveTypes.Int64, kindInt, false, func(string) fn { return &runCountFn{col: col} })
	case OpRunningMin, OpRunningMax:
		if k == kindBool {
			return b, verb.TypeLimit(f.Column, dt, fmt.Errorf("%s(%s): the column's type %s has no order here", f.Op, f.Column, dt))
		}
		set(dt, k, true, func(string) fn { return &runExtremeFn{col: col, kind: k, max: f.Op == OpRunningMax} })
	case OpRunningSum:
		if err := number(); err != nil {
			return b, err
		}
		t, ok := sumType()
		set(t, ok, true, func(name string) fn { return &runSumFn{name: name, col: col, kind: k} })
	case OpRunningMean:
		if err := number(); err != nil {
			return b, err
		}
		set(f64, kindFloat, true, func(string) fn { return &runMeanFn{col: col, kind: k} })
	case OpMovingSum, OpMovingMean:
		if err := number(); err != nil {
			return b, err
		}
		t, ok := sumType()
		if f.Op == OpMovingMean {
			t, ok = f64, kindFloat
		}
		set(t, ok, true, func(name string) fn {
			return &movingFn{name: name, col: col, kind: k, n: f.N, mean: f.Op == OpMovingMean}
		})
	case OpDelta, OpRatio:
		if err := number(); err != nil {
			return b, err
		}
		t, ok := sumType()
		if f.Op == OpRatio {
			t, ok = f64, kindFloat
		}
		set(t, ok, true, func(name string) fn { return &stepFn{name: name, col: col, kind: k, ratio: f.Op == OpRatio} })
	case OpEWMA:
		if err := number(); err != nil {
			return b, err
		}
		set(f64, kindFloat, true, func(string) fn { return &ewmaFn{col: col, kind: k, alpha: f.Alpha} })
	default:
		return b, fmt.Errorf("unknown window function %q", f.Op)
	}
	return b, nil
}

// parseOrder reads the command line's ORDER ('COL [asc|desc] [nulls
// first|last], ...') for schema in, as sort does: a column named
// "price desc" is that column, ascending.
func parseOrder(in *arrow.Schema, order string) ([]aggregate.SortKey, error) {
	items, err := colname.Split(order)
	if err != nil {
		return nil, err
	}
	var keys []aggregate.SortKey
	for _, it := range items {
		if name, err := colname.Unquote(it.Text); err == nil && in.HasField(name) {
			keys = append(keys, aggregate.Asc(name))
			continue
		}
		var sk aggregate.SortKey
		text := it.Text
		lower := strings.ToLower(text)
		for _, sfx := range []string{" nulls first", " nulls last"} {
			if strings.HasSuffix(lower, sfx) {
				sk.NullsFirst = sfx == " nulls first"
				text = strings.TrimSpace(text[:len(text)-len(sfx)])
				lower = strings.ToLower(text)
			}
		}
		for _, sfx := range []string{" asc", " desc"} {
			if strings.HasSuffix(lower, sfx) {
				sk.Desc = sfx == " desc"
				text = strings.TrimSpace(text[:len(text)-len(sfx)])
			}
		}
		if sk.Column, err = colname.Unquote(text); err != nil {
			return nil, err
		}
		if !in.HasField(sk.Column) {
			return nil, fmt.Errorf("no column %q in the order %q", sk.Column, it.Text)
		}
		keys = append(keys, sk)
	}
	return keys, nil
}

// columnsRead lists the input columns f reads.
func (f Func) columnsRead(in *arrow.Schema) []string {
	var cols []string
	if f.Column != "" {
		cols = append(cols, f.Column)
	}
	keys := f.Order
	if f.order != "" {
		keys, _ = parseOrder(in, f.order)
	}
	for _, k := range keys {
		cols = append(cols, k.Column)
	}
	return slices.Compact(cols)
}
