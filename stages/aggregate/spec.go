package aggregate

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/arrowpipe/arrowpipe/stages/internal/colname"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// A plan is a parsed aggregate list bound to an input schema: which
// accumulators each worker keeps, over which input columns, and how the
// output columns are built from them.
type plan struct {
	keyIdx  []int
	keyType []arrow.DataType
	accs    []accSpec
	outs    []outSpec
	schema  *arrow.Schema
	// stride is the width of the state rows the accumulators share.
	stride int
	// quantQs are the fractions asked of each exact quantile accumulator
	// (by index in accs), in the order of the outputs that read them.
	quantQs map[int][]float64
}

type accSpec struct {
	col int // input column, -1 for count()
	// words is how many words of the shared state rows the accumulator
	// keeps per group (see stateRows); make gets its place in them.
	words int
	make  func(at rowSlot) accumulator
}

type outSpec struct {
	acc  int
	text string // the call, for errors: "sum(qty)"
	// build makes the output column for the groups in order; an error
	// about one group is a *groupError.
	build func(a accumulator, mem memory.Allocator, order []uint32) (arrow.Array, error)
}

var errSyntax = errors.New("expected fn(column) [as name]")

// parseAggs splits an aggregate list such as
// "count() as n, sum(qty), quantile(price, 0.9)" into calls.
func parseAggs(s string) ([]Aggregate, error) {
	var calls []Aggregate
	items, err := colname.SplitTop(s, ',')
	if err != nil {
		return nil, err
	}
	for _, item := range items {
		c, err := parseCall(item)
		if err != nil {
			return nil, fmt.Errorf("aggregate %q: %w", item, err)
		}
		calls = append(calls, c)
	}
	if len(calls) == 0 {
		return nil, errors.New("empty aggregate list")
	}
	return calls, nil
}

// Functions returns the aggregate functions, as the command line calls
// them; each has a constructor of Aggregate (count() is CountRows, pNN is
// Quantile(col, NN/100), avg is Mean).
//
// sum of integers is exact (128-bit) and an error when the total does not
// fit int64 (uint64 for uint64 columns); var and stddev are the sample
// ones (null under two values). median, pNN (p0..p100) and quantile are
// exact: the values sorted, position q·(n-1), linear interpolation (DuckDB's
// quantile_cont), spilling to disk beyond the memory cap; approx_median,
// approx_pNN and approx_quantile estimate them with a t-digest past 4096
// values a group, in bounded memory. list is every value of the group,
// nulls included, in input order, as a list of the column's type.
func Functions() []string {
	return []string{
		"count()", "count(col)", "sum(col)", "mean(col)", "avg(col)", "var(col)", "stddev(col)",
		"min(col)", "max(col)", "first(col)", "last(col)", "count_distinct(col)",
		"approx_count_distinct(col)", "median(col)", "pNN(col)", "quantile(col, q)",
		"approx_median(col)", "approx_pNN(col)", "approx_quantile(col, q)", "list(col)",
	}
}

// functionNames returns the names of Functions but the pNN forms, each
// once.
func functionNames() []string {
	var names []string
	for _, f := range Functions() {
		name, _, _ := strings.Cut(f, "(")
		if !strings.HasSuffix(name, "pNN") && (len(names) == 0 || names[len(names)-1] != name) {
			names = append(names, name)
		}
	}
	return names
}

// knownFunction reports whether fn is an aggregate function.
func knownFunction(fn string) bool {
	_, ok := percentile(fn)
	return ok || slices.Contains(functionNames(), fn)
}

// percentile returns NN for pNN or approx_pNN.
func percentile(fn string) (string, bool) {
	fn = strings.TrimPrefix(fn, "approx_")
	if len(fn) > 1 && fn[0] == 'p' && isDigits(fn[1:]) {
		return fn[1:], true
	}
	return "", false
}

// isQuantile reports whether fn is an exact or approximate quantile, and
// which.
func isQuantile(fn string) (quantile, approx bool) {
	approx = strings.HasPrefix(fn, "approx_")
	base := strings.TrimPrefix(fn, "approx_")
	_, pNN := percentile(fn)
	return pNN || base == "median" || base == "quantile", approx
}

func parseCall(item string) (Aggregate, error) {
	c := Aggregate{text: item}
	open := strings.IndexByte(item, '(')
	closing := strings.LastIndexByte(item, ')')
	if open <= 0 || closing < open {
		return c, errSyntax
	}
	c.fn = strings.ToLower(strings.TrimSpace(item[:open]))
	if !knownFunction(c.fn) {
		msg := fmt.Sprintf("unknown function %q", c.fn)
		if near := colname.Closest(c.fn, functionNames()); near != "" {
			msg += fmt.Sprintf(", did you mean %q?", near)
		}
		return c, fmt.Errorf("%s (aggregates: %s)", msg, strings.Join(Functions(), ", "))
	}
	args, err := colname.SplitTop(item[open+1:closing], ',')
	if err != nil {
		return c, err
	}
	for i := range args {
		args[i] = unquote(strings.TrimSpace(args[i]))
	}
	if len(args) > 0 {
		c.col = args[0]
	}
	rest := strings.TrimSpace(item[closing+1:])
	if rest != "" {
		f := strings.Fields(rest)
		if len(f) != 2 || !strings.EqualFold(f[0], "as") {
			return c, errSyntax
		}
		c.name = unquote(f[1])
	}
	nn, pNN := percentile(c.fn)
	switch {
	case c.fn == "quantile" || c.fn == "approx_quantile":
		if len(args) != 2 {
			return c, fmt.Errorf("%s takes a column and a fraction: %s(col, 0.9)", c.fn, c.fn)
		}
		q, err := strconv.ParseFloat(args[1], 64)
		if err != nil || q < 0 || q > 1 {
			return c, fmt.Errorf("quantile fraction %q is not a number in [0, 1]", args[1])
		}
		c.q = q
	case c.fn == "median" || c.fn == "approx_median":
		c.q = 0.5
	case pNN:
		p, err := strconv.Atoi(nn)
		if err != nil || p > 100 {
			return c, fmt.Errorf("percentile %s is over 100", c.fn)
		}
		c.q = float64(p) / 100
	case len(args) > 1:
		return c, fmt.Errorf("%s takes one column", c.fn)
	}
	if c.col == "" && c.fn != "count" {
		return c, fmt.Errorf("%s needs a column", c.fn)
	}
	if c.name == "" {
		c.name = defaultName(c)
	}
	return c, nil
}

func defaultName(c Aggregate) string {
	if c.fn == "count" && c.col == "" {
		return "count"
	}
	if c.fn == "quantile" || c.fn == "approx_quantile" {
		prefix := strings.TrimSuffix(c.fn, "quantile")
		if p := c.q * 100; p == float64(int(p)) {
			return prefix + "p" + strconv.Itoa(int(p)) + "_" + c.col
		}
		return prefix + "q" + strconv.FormatFloat(c.q, 'f', -1, 64) + "_" + c.col
	}
	return c.fn + "_" + c.col
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' || s[0] == '`') && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1]
	}
	return s
}

// columnIndex finds a column by name. An unknown name's error suggests
// the closest column name, or lists the columns when none is close.
func columnIndex(in *arrow.Schema, name string) (int, error) {
	idx := in.FieldIndices(name)
	if len(idx) == 0 {
		names := make([]string, in.NumFields())
		for k, f := range in.Fields() {
			names[k] = f.Name
		}
		if hint := colname.Closest(name, names); hint != "" {
			return 0, fmt.Errorf("unknown column %q, did you mean %q?", name, hint)
		}
		return 0, fmt.Errorf("unknown column %q (columns: %s)", name, strings.Join(names, ", "))
	}
	return idx[0], nil
}

func isNumeric(dt arrow.DataType) bool {
	if isDecimal(dt) {
		return true
	}
	switch dt.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64, arrow.UINT8, arrow.UINT16, arrow.UINT32,
		arrow.UINT64, arrow.FLOAT32, arrow.FLOAT64, arrow.BOOL:
		return true
	}
	return false
}

// newPlan binds key columns and an aggregate list to the input schema.
func newPlan(in *arrow.Schema, keys []string, calls []Aggregate) (*plan, error) {
	p := &plan{}
	var fields []arrow.Field
	seen := map[string]bool{}
	for _, k := range keys {
		i, err := columnIndex(in, k)
		if err != nil {
			return nil, fmt.Errorf("group key: %w", err)
		}
		f := in.Field(i)
		// A uint64 key is grouped by its bits, which equal exactly when
		// the values do, and output as uint64. A large_utf8 key (Polars'
		// text) is a string key output as large_utf8.
		if _, err := valueKindOf(f.Type); err != nil {
			return nil, verb.NameColumn(fmt.Errorf("group key %q: %w", k, err), k)
		}
		if seen[f.Name] {
			return nil, fmt.Errorf("group key %q given twice", k)
		}
		seen[f.Name] = true
		p.keyIdx = append(p.keyIdx, i)
		p.keyType = append(p.keyType, f.Type)
		fields = append(fields, arrow.Field{Name: f.Name, Type: f.Type, Nullable: true})
	}
	quantAccs := map[quantKey]int{}
	for _, c := range calls {
		if err := c.check(); err != nil {
			return nil, fmt.Errorf("aggregate %q: %w", c, err)
		}
		name := c.outName()
		if seen[name] {
			return nil, fmt.Errorf("aggregate %q: output column %q already exists (use \"as name\")", c, name)
		}
		seen[name] = true
		dt, err := p.add(in, c, quantAccs)
		if err != nil {
			return nil, fmt.Errorf("aggregate %q: %w", c, err)
		}
		fields = append(fields, arrow.Field{Name: name, Type: dt, Nullable: true})
	}
	p.schema = arrow.NewSchema(fields, nil)
	words := 0
	for _, a := range p.accs {
		words += a.words
	}
	p.stride = words
	return p, nil
}

// quantKey names the quantile accumulator of a column, exact or not.
type quantKey struct {
	col    int
	approx bool
}

// add plans one aggregate call and returns its output type.
func (p *plan) add(in *arrow.Schema, c Aggregate, quantAccs map[quantKey]int) (arrow.DataType, error) {
	col := -1
	var dt arrow.DataType
	if c.col != "" {
		i, err := columnIndex(in, c.col)
		if err != nil {
			return nil, err
		}
		col, dt = i, in.Field(i).Type
		if _, err := valueKindOf(dt); err != nil {
			return nil, verb.NameColumn(err, c.col)
		}
	}
	var k kind
	if dt != nil {
		k, _ = valueKindOf(dt)
	}
	numeric := func() error {
		if !isNumeric(dt) {
			return verb.TypeLimit(c.col, dt, fmt.Errorf("%s needs a numeric column, %q is %s", c.fn, c.col, dt))
		}
		return nil
	}
	newAcc := func(words int, mk func(at rowSlot) accumulator) int {
		p.accs = append(p.accs, accSpec{col: col, words: words, make: mk})
		return len(p.accs) - 1
	}
	outErr := func(acc int, build func(a accumulator, mem memory.Allocator, order []uint32) (arrow.Array, error)) {
		p.outs = append(p.outs, outSpec{acc: acc, text: c.String(), build: build})
	}
	out := func(acc int, build func(a accumulator, mem memory.Allocator, order []uint32) arrow.Array) {
		outErr(acc, func(a accumulator, mem memory.Allocator, order []uint32) (arrow.Array, error) {
			return build(a, mem, order), nil
		})
	}
	i64 := arrow.PrimitiveTypes.Int64
	f64 := arrow.PrimitiveTypes.Float64
	switch c.fn {
	case "count":
		acc := newAcc(1, func(at rowSlot) accumulator { return &countAcc{rowSlot: at, all: col < 0} })
		out(acc, func(a accumulator, mem memory.Allocator, order []uint32) arrow.Array {
			c := a.(*countAcc)
			return computedInts(mem, order, func(g uint32) (int64, bool) { return c.count(g), true })
		})
		return i64, nil
	case "sum":
		if err := numeric(); err != nil {
			return nil, err
		}
		if isDecimal(dt) { // decimal(38,s), exact, as DuckDB
			acc := newAcc(isumWords(false), func(at rowSlot) accumulator { return newIsumAcc(at, dt, false) })
			outDt := decimalSumType(dt)
			out(acc, func(a accumulator, mem memory.Allocator, order []uint32) arrow.Array {
				return a.(*isumAcc).buildDecimal(mem, outDt, order)
			})
			return outDt, nil
		}
		if k == kindInt {
			acc := newAcc(isumWords(false), func(at rowSlot) accumulator { return newIsumAcc(at, dt, false) })
			outDt := i64
			if isUnsigned(dt) {
				outDt = arrow.PrimitiveTypes.Uint64
			}
			outErr(acc, func(a accumulator, mem memory.Allocator, order []uint32) (arrow.Array, error) {
				return a.(*isumAcc).build(mem, outDt, order)
			})
			return outDt, nil
		}
		acc := newAcc(3, func(at rowSlot) accumulator { return &fsumAcc{rowSlot: at} })
		out(acc, func(a accumulator, mem memory.Allocator, order []uint32) arrow.Array {
			s := a.(*fsumAcc)
			return computedFloats(mem, order, func(g uint32) (float64, bool) { s := s.at(g); return s.total(), s.count() > 0 })
		})
		return f64, nil
	case "mean", "avg":
		if err := numeric(); err != nil {
			return nil, err
		}
		if k == kindInt {
			acc := newAcc(isumWords(true), func(at rowSlot) accumulator { return newIsumAcc(at, dt, true) })
			out(acc, func(a accumulator, mem memory.Allocator, order []uint32) arrow.Array {
				if isDecimal(dt) {
					return computedFloats(mem, order, decimalMean(a.(*isumAcc), decimalScale(dt)))
				}
				return computedFloats(mem, order, a.(*isumAcc).mean)
			})
			return f64, nil
		}
		acc := newAcc(3, func(at rowSlot) accumulator { return &fsumAcc{rowSlot: at} })
		out(acc, func(a accumulator, mem memory.Allocator, order []uint32) arrow.Array {
			s := a.(*fsumAcc)
			return computedFloats(mem, order, func(g uint32) (float64, bool) { s := s.at(g); return s.mean(), s.count() > 0 })
		})
		return f64, nil
	case "var", "stddev":
		if err := numeric(); err != nil {
			return nil, err
		}
		std := c.fn == "stddev"
		acc := newAcc(3, func(at rowSlot) accumulator { return &varAcc{rowSlot: at} })
		out(acc, func(a accumulator, mem memory.Allocator, order []uint32) arrow.Array {
			s := a.(*varAcc)
			return computedFloats(mem, order, func(g uint32) (float64, bool) { return s.variance(g, std) })
		})
		return f64, nil
	case "min", "max", "first", "last":
		mode := map[string]pickMode{"min": pickMin, "max": pickMax, "first": pickFirst, "last": pickLast}[c.fn]
		acc := newAcc(0, func(rowSlot) accumulator { return newPickAcc(mode, dt) })
		out(acc, func(a accumulator, mem memory.Allocator, order []uint32) arrow.Array {
			return a.(*pickAcc).build(mem, order)
		})
		return dt, nil
	case "count_distinct":
		acc := newAcc(0, func(rowSlot) accumulator { return newDistinctAcc(dt) })
		out(acc, func(a accumulator, mem memory.Allocator, order []uint32) arrow.Array {
			return buildInts(mem, i64, order, a.(*distinctAcc).counts, nil)
		})
		return i64, nil
	case "list":
		acc := newAcc(0, func(rowSlot) accumulator { return newListAcc(dt) })
		outErr(acc, func(a accumulator, mem memory.Allocator, order []uint32) (arrow.Array, error) {
			return a.(*listAcc).build(mem, order)
		})
		return arrow.ListOf(dt), nil
	case "approx_count_distinct":
		acc := newAcc(0, func(rowSlot) accumulator { return &hllAcc{kind: k} })
		out(acc, func(a accumulator, mem memory.Allocator, order []uint32) arrow.Array {
			h := a.(*hllAcc)
			return computedInts(mem, order, func(g uint32) (int64, bool) { return h.estimate(g), true })
		})
		return i64, nil
	}
	if quantile, approx := isQuantile(c.fn); quantile {
		if err := numeric(); err != nil {
			return nil, err
		}
		q := c.q
		key := quantKey{col, approx}
		if approx {
			acc, ok := quantAccs[key]
			if !ok {
				acc = newAcc(0, func(rowSlot) accumulator { return &approxQuantAcc{} })
				quantAccs[key] = acc
			}
			out(acc, func(a accumulator, mem memory.Allocator, order []uint32) arrow.Array {
				s := a.(*approxQuantAcc)
				return computedFloats(mem, order, func(g uint32) (float64, bool) { return s.quantile(g, q) })
			})
			return f64, nil
		}
		acc, ok := quantAccs[key]
		if !ok {
			acc = newAcc(0, func(rowSlot) accumulator { return &quantAcc{} })
			quantAccs[key] = acc
		}
		if p.quantQs == nil {
			p.quantQs = map[int][]float64{}
		}
		qi := len(p.quantQs[acc])
		p.quantQs[acc] = append(p.quantQs[acc], q)
		outErr(acc, func(a accumulator, mem memory.Allocator, order []uint32) (arrow.Array, error) {
			s := a.(*quantAcc)
			if err := s.finish(); err != nil {
				return nil, err
			}
			return computedFloats(mem, order, func(g uint32) (float64, bool) { return s.result(g, qi) }), nil
		})
		return f64, nil
	}
	return nil, fmt.Errorf("unknown function %q", c.fn)
}

// identity returns 0, 1, ..., n-1.
func identity(n int) []uint32 {
	out := make([]uint32, n)
	for i := range out {
		out[i] = uint32(i)
	}
	return out
}
