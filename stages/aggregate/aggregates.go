package aggregate

import (
	"errors"
	"fmt"
	"strconv"
)

// Aggregate is one aggregate of GroupBy or Agg: a function over an input
// column, and the name of its output column. Make one with the function's
// constructor (CountRows, Sum, Quantile, ...) and name it with As; each
// constructor corresponds to one function of the command line's
// aggregate list (see Functions), whose semantics it has. A bad argument
// (a fraction outside [0, 1], an empty column name) is reported when the
// verb is built. The zero Aggregate is not valid.
type Aggregate struct {
	fn  string // as the command line calls it: "sum", "p99", "approx_quantile"
	col string // "" for count()
	q   float64
	// name is the output column; "" until As or the command line sets it.
	name string
	// text is the call as the command line wrote it, for errors; ""
	// for a constructed Aggregate, which then prints as fn(col).
	text string
}

// CountRows counts the rows of each group: count(), named "count".
func CountRows() Aggregate { return Aggregate{fn: "count"} }

// CountValues counts the non-null values of col: count(col), named
// "count_COL".
func CountValues(col string) Aggregate { return Aggregate{fn: "count", col: col} }

// Sum adds the numeric column col: sum(col). Integer sums are exact and
// an error at Finish when the total does not fit int64 (uint64 for a
// uint64 column); float sums are compensated. Null when a group has no
// value.
func Sum(col string) Aggregate { return Aggregate{fn: "sum", col: col} }

// Mean is the float64 mean of the numeric column col: mean(col).
func Mean(col string) Aggregate { return Aggregate{fn: "mean", col: col} }

// Var is the sample variance of col: var(col), null under two values.
func Var(col string) Aggregate { return Aggregate{fn: "var", col: col} }

// Stddev is the sample standard deviation of col: stddev(col), null
// under two values.
func Stddev(col string) Aggregate { return Aggregate{fn: "stddev", col: col} }

// Min is the least value of col, of col's type: min(col).
func Min(col string) Aggregate { return Aggregate{fn: "min", col: col} }

// Max is the greatest value of col, of col's type: max(col).
func Max(col string) Aggregate { return Aggregate{fn: "max", col: col} }

// First is the value of col in each group's first row: first(col).
func First(col string) Aggregate { return Aggregate{fn: "first", col: col} }

// Last is the value of col in each group's last row: last(col).
func Last(col string) Aggregate { return Aggregate{fn: "last", col: col} }

// CountDistinctValues counts the distinct non-null values of col, exactly:
// count_distinct(col). It keeps every distinct value of every group.
func CountDistinctValues(col string) Aggregate { return Aggregate{fn: "count_distinct", col: col} }

// ApproxCountDistinctValues estimates CountDistinctValues with a
// HyperLogLog sketch (~0.81 % standard error) in bounded memory:
// approx_count_distinct(col).
func ApproxCountDistinctValues(col string) Aggregate {
	return Aggregate{fn: "approx_count_distinct", col: col}
}

// Median is Quantile(col, 0.5), named "median_COL": median(col).
func Median(col string) Aggregate { return Aggregate{fn: "median", col: col, q: 0.5} }

// Quantile is the exact quantile q (in [0, 1]) of the numeric column col:
// the values sorted, position q·(n-1), linear interpolation. It keeps
// every value, spilling beyond half the memory cap. Named "pNN_COL" when
// q·100 is a whole number, "qQ_COL" otherwise: quantile(col, q).
func Quantile(col string, q float64) Aggregate { return Aggregate{fn: "quantile", col: col, q: q} }

// ApproxMedian is ApproxQuantile(col, 0.5), named "approx_median_COL".
func ApproxMedian(col string) Aggregate { return Aggregate{fn: "approx_median", col: col, q: 0.5} }

// ApproxQuantile estimates Quantile in bounded memory: exact up to 4096
// values a group, a t-digest beyond. Named "approx_pNN_COL" or
// "approx_qQ_COL": approx_quantile(col, q).
func ApproxQuantile(col string, q float64) Aggregate {
	return Aggregate{fn: "approx_quantile", col: col, q: q}
}

// List is every value of col in each group, nulls included, in input
// order, as a list of col's type (DuckDB's list, the inverse of explode):
// list(col), named "list_COL". It keeps every value, counted against
// verb.Env.MaxMemory with the rest of the group state.
func List(col string) Aggregate { return Aggregate{fn: "list", col: col} }

// As names the output column.
func (a Aggregate) As(name string) Aggregate {
	a.name = name
	return a
}

// outName is the output column's name.
func (a Aggregate) outName() string {
	if a.name != "" {
		return a.name
	}
	return defaultName(a)
}

// String returns the call as the command line would write it, for errors.
func (a Aggregate) String() string {
	if a.text != "" {
		return a.text
	}
	s := a.fn + "(" + a.col
	if a.fn == "quantile" || a.fn == "approx_quantile" {
		s += ", " + strconv.FormatFloat(a.q, 'g', -1, 64)
	}
	s += ")"
	if a.name != "" {
		s += " as " + a.name
	}
	return s
}

// check reports an argument that no schema can make valid. The command
// line's parser reports them first, in its own words.
func (a Aggregate) check() error {
	switch {
	case a.fn == "":
		return errors.New("an Aggregate must be made by its constructor (CountRows, Sum, ...)")
	case !knownFunction(a.fn):
		return fmt.Errorf("unknown function %q", a.fn)
	case a.col == "" && a.fn != "count":
		return fmt.Errorf("%s needs a column", a.fn)
	case !(a.q >= 0 && a.q <= 1): // NaN too
		return fmt.Errorf("quantile fraction %v is not a number in [0, 1]", a.q)
	}
	return nil
}

// exactQuantile reports whether a keeps every value, which may spill.
func (a Aggregate) exactQuantile() bool {
	quantile, approx := isQuantile(a.fn)
	return quantile && !approx
}
