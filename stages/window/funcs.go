package window

import (
	"fmt"

	"github.com/arrowpipe/arrowpipe/stages/aggregate"
)

// Op names a window function.
type Op string

// The window functions; see the package doc for each one's semantics.
const (
	OpLag          Op = "lag"
	OpLead         Op = "lead"
	OpRowNumber    Op = "row_number"
	OpRank         Op = "rank"
	OpDenseRank    Op = "dense_rank"
	OpRunningSum   Op = "running_sum"
	OpRunningCount Op = "running_count"
	OpRunningMean  Op = "running_mean"
	OpRunningMin   Op = "running_min"
	OpRunningMax   Op = "running_max"
	OpMovingSum    Op = "moving_sum"
	OpMovingMean   Op = "moving_mean"
	OpDelta        Op = "delta"
	OpRatio        Op = "ratio"
	OpEWMA         Op = "ewma"
)

// Func is one window function of a Window verb, a new column computed
// for every row from the rows before (and, for lead and the ranks, after)
// it in its group. Build the values with the constructors (Lag,
// RunningSum, ...) and name the column with As.
type Func struct {
	// Name is the output column; "" means OP_COLUMN (lag_price), or OP
	// for a function of no column.
	Name string
	Op   Op
	// Column is the input column; "" for row_number, the ranks, and
	// running_count of rows.
	Column string
	// N is lag's and lead's offset (0 is the row itself) and the moving
	// functions' window of rows.
	N int
	// Default is lag's and lead's value where the offset row is outside
	// the group: nil (null), a string parsed for the column's type, or an
	// int, int64, float64 or bool.
	Default any
	// Alpha is ewma's smoothing factor, in (0, 1].
	Alpha float64
	// Order is the ranks' order within a group.
	Order []aggregate.SortKey

	// order is the command line's ORDER, parsed when the schema is known.
	order string
}

// As names f's output column.
func (f Func) As(name string) Func { f.Name = name; return f }

// Or sets lag's or lead's default (see Func.Default).
func (f Func) Or(def any) Func { f.Default = def; return f }

// Lag is the value of col n rows earlier in the group (DuckDB's
// lag(col, n)); null, or the default set with Or, for the group's first n
// rows.
func Lag(col string, n int) Func { return Func{Op: OpLag, Column: col, N: n} }

// Lead is the value of col n rows later in the group; null, or the default
// set with Or, for the group's last n rows. It holds back each batch until
// its rows' leads are known.
func Lead(col string, n int) Func { return Func{Op: OpLead, Column: col, N: n} }

// RowNumber numbers each group's rows from 1.
func RowNumber() Func { return Func{Op: OpRowNumber} }

// Rank is the row's rank in its group by order, ties sharing the lowest,
// with gaps (1, 1, 3). It holds the whole input until its end.
func Rank(order ...aggregate.SortKey) Func { return Func{Op: OpRank, Order: order} }

// DenseRank is Rank without gaps (1, 1, 2).
func DenseRank(order ...aggregate.SortKey) Func { return Func{Op: OpDenseRank, Order: order} }

// RunningSum is the sum of col's non-null values so far in the group.
func RunningSum(col string) Func { return Func{Op: OpRunningSum, Column: col} }

// RunningCount counts col's non-null values so far in the group; col ""
// counts rows.
func RunningCount(col string) Func { return Func{Op: OpRunningCount, Column: col} }

// RunningMean is the mean of col's non-null values so far in the group.
func RunningMean(col string) Func { return Func{Op: OpRunningMean, Column: col} }

// RunningMin is the least non-null value of col so far in the group.
func RunningMin(col string) Func { return Func{Op: OpRunningMin, Column: col} }

// RunningMax is the greatest non-null value of col so far in the group.
func RunningMax(col string) Func { return Func{Op: OpRunningMax, Column: col} }

// MovingSum is the sum of col's non-null values in the group's last n
// rows, the current one included.
func MovingSum(col string, n int) Func { return Func{Op: OpMovingSum, Column: col, N: n} }

// MovingMean is the mean of col's non-null values in the group's last n
// rows, the current one included.
func MovingMean(col string, n int) Func { return Func{Op: OpMovingMean, Column: col, N: n} }

// Delta is col minus its value on the group's previous row.
func Delta(col string) Func { return Func{Op: OpDelta, Column: col} }

// Ratio is col divided by its value on the group's previous row.
func Ratio(col string) Func { return Func{Op: OpRatio, Column: col} }

// EWMA is the exponentially weighted moving average of col's non-null
// values in the group: the first value, then alpha*x + (1-alpha)*previous.
func EWMA(col string, alpha float64) Func { return Func{Op: OpEWMA, Column: col, Alpha: alpha} }

// outName returns the output column's name.
func (f Func) outName() string {
	switch {
	case f.Name != "":
		return f.Name
	case f.Column != "":
		return string(f.Op) + "_" + f.Column
	}
	return string(f.Op)
}

// check validates the arguments that need no schema.
func (f Func) check() error {
	switch f.Op {
	case OpLag, OpLead:
		if f.N < 0 {
			return fmt.Errorf("%s: the offset %d is negative", f.Op, f.N)
		}
	case OpMovingSum, OpMovingMean:
		if f.N < 1 {
			return fmt.Errorf("%s: the window of %d rows is not positive", f.Op, f.N)
		}
	case OpEWMA:
		if !(f.Alpha > 0 && f.Alpha <= 1) {
			return fmt.Errorf("ewma: alpha %v is not in (0, 1]", f.Alpha)
		}
	case OpRank, OpDenseRank:
		if len(f.Order) == 0 && f.order == "" {
			return fmt.Errorf("%s: no order", f.Op)
		}
		return nil
	case OpRowNumber:
		return nil
	case OpRunningSum, OpRunningCount, OpRunningMean, OpRunningMin, OpRunningMax, OpDelta, OpRatio:
	default:
		return fmt.Errorf("unknown window function %q", f.Op)
	}
	if f.Column == "" && f.Op != OpRunningCount {
		return fmt.Errorf("%s: no column", f.Op)
	}
	return nil
}
