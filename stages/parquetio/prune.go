package parquetio

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/metadata"
	"github.com/apache/arrow-go/v18/parquet/schema"
)

// A Predicate is a condition on one top-level column that a filter
// applies, as stages/expr compares (a null never matches): Column Op
// Value for Op == != < <= > >=, Column in (Values...) for "in", and
// "is null" / "is not null". A constant is an int64, a uint64, a float64,
// a string or a time.Time. Pruning uses the predicates it can decide from
// min/max statistics: integer and float columns with numbers (compared
// through float64 when either side is a float), string columns with
// strings (byte order), timestamp columns with times (as instants,
// whatever the units); others prune nothing.
type Predicate struct {
	Column string
	Op     string
	Value  any
	Values []any // for "in"
}

// Prune makes Next skip the row groups whose statistics show that no row
// satisfies every predicate in preds (their conjunction): min and max
// exclude the value(s), or the null count rules the predicate out (a
// column null throughout, or without nulls for "is null"). Row groups
// without statistics, and predicates on other types, are read as usual,
// so pruning never drops a row that the filter would keep; the filter
// must still run. Call it before the first Next. PrunedRowGroups counts
// the skipped ones.
func (s *Source) Prune(preds []Predicate) error {
	for _, p := range preds {
		if !slices.Contains([]string{"==", "!=", "<", "<=", ">", ">=", "in", "is null", "is not null"}, p.Op) {
			return fmt.Errorf("parquetio: prune: unknown operator %q", p.Op)
		}
	}
	s.prune = preds
	return nil
}

// PrunedRowGroups returns how many row groups Next skipped by their
// statistics so far. Call it from Next's goroutine or after the run.
func (s *Source) PrunedRowGroups() int { return s.pruned }

// excluded tells whether row group rg of f has no row satisfying preds.
func (f *openedFile) excluded(rg int, preds []Predicate) bool {
	md := f.md.RowGroup(rg)
	for _, p := range preds {
		col, ok := f.statColumn(p.Column)
		if !ok {
			continue
		}
		chunk, err := md.ColumnChunk(col.leaf)
		if err != nil {
			continue
		}
		st, err := chunk.Statistics()
		if err != nil || st == nil {
			continue
		}
		allNull := st.HasNullCount() && st.NullCount() == md.NumRows()
		switch p.Op {
		case "is null":
			if st.HasNullCount() && st.NullCount() == 0 {
				return true
			}
			continue
		case "is not null":
			if allNull {
				return true
			}
			continue
		}
		if allNull {
			return true // only nulls: no comparison holds
		}
		if !st.HasMinMax() {
			continue
		}
		if col.excludes(st, p) {
			return true
		}
	}
	return false
}

// A statColumn is a top-level leaf column whose statistics pruning reads.
type statColumn struct {
	leaf int
	kind byte // 'i' integer, 'f' float, 's' string, 't' timestamp
	unit schema.TimeUnitType
}

// statColumn finds the leaf of a top-level column of a type that pruning
// compares, with statistics in the order it compares: signed integers,
// floats, strings in byte order (the type-defined column order; older
// files may have ordered them as signed bytes), and timestamps stored as
// INT64 with their unit.
func (f *openedFile) statColumn(name string) (statColumn, bool) {
	idx := f.full.FieldIndices(name)
	if len(idx) != 1 {
		return statColumn{}, false
	}
	sch := f.md.Schema
	leaf := -1
	for c := 0; c < sch.NumColumns(); c++ {
		if path := sch.Column(c).ColumnPath(); len(path) == 1 && path[0] == name {
			leaf = c
		}
	}
	if leaf < 0 {
		return statColumn{}, false
	}
	descr := sch.Column(leaf)
	lt := descr.LogicalType()
	switch f.full.Field(idx[0]).Type.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64:
		if it, ok := lt.(schema.IntLogicalType); ok && !it.IsSigned() {
			return statColumn{}, false
		}
		if _, ok := lt.(schema.IntLogicalType); !ok && !lt.IsNone() {
			return statColumn{}, false
		}
		return statColumn{leaf: leaf, kind: 'i'}, true
	case arrow.FLOAT32, arrow.FLOAT64:
		return statColumn{leaf: leaf, kind: 'f'}, true
	case arrow.STRING, arrow.LARGE_STRING:
		if descr.ColumnOrder() != parquet.ColumnOrders.TypeDefinedOrder {
			return statColumn{}, false
		}
		return statColumn{leaf: leaf, kind: 's'}, true
	case arrow.TIMESTAMP:
		ts, ok := lt.(schema.TimestampLogicalType)
		if !ok {
			return statColumn{}, false
		}
		return statColumn{leaf: leaf, kind: 't', unit: ts.TimeUnit()}, true
	}
	return statColumn{}, false
}

// excludes tells whether the statistics' [min, max] holds no value
// satisfying p; a predicate it cannot decide excludes nothing.
func (c statColumn) excludes(st metadata.TypedStatistics, p Predicate) bool {
	if c.kind == 'f' && !nanSafe(p.Op) {
		return false
	}
	if p.Op != "in" {
		cmpLo, cmpHi, ok := c.compare(st, p.Value)
		return ok && rangeExcludes(cmpLo, cmpHi, p.Op)
	}
	for _, v := range p.Values {
		cmpLo, cmpHi, ok := c.compare(st, v)
		if !ok || !rangeExcludes(cmpLo, cmpHi, "==") {
			return false
		}
	}
	return true // no value of the list is in range (or the list is empty)
}

// compare compares the statistics' min and max with v (-1, 0, +1 each);
// ok is false when it cannot compare them as the filter would.
func (c statColumn) compare(st metadata.TypedStatistics, v any) (cmpLo, cmpHi int, ok bool) {
	if u, isUint := v.(uint64); isUint {
		if u > math.MaxInt64 {
			return 0, 0, false
		}
		v = int64(u)
	}
	var lo, hi int64
	switch st := st.(type) {
	case *metadata.Int32Statistics:
		lo, hi = int64(st.Min()), int64(st.Max())
	case *metadata.Int64Statistics:
		lo, hi = st.Min(), st.Max()
	case *metadata.Float32Statistics:
		return floatRange(float64(st.Min()), float64(st.Max()), v, c.kind)
	case *metadata.Float64Statistics:
		return floatRange(st.Min(), st.Max(), v, c.kind)
	case *metadata.ByteArrayStatistics:
		s, isStr := v.(string)
		if !isStr || c.kind != 's' {
			return 0, 0, false
		}
		return cmpOrdered(string(st.Min()), s), cmpOrdered(string(st.Max()), s), true
	default:
		return 0, 0, false
	}
	switch c.kind {
	case 'i':
		switch v := v.(type) {
		case int64:
			return cmpOrdered(lo, v), cmpOrdered(hi, v), true
		case float64: // compared through float64, a monotone conversion
			return floatRange(float64(lo), float64(hi), v, 'f')
		}
	case 't':
		if t, isTime := v.(time.Time); isTime {
			return instant(lo, c.unit).Compare(t), instant(hi, c.unit).Compare(t), true
		}
	}
	return 0, 0, false
}

// nanSafe tells whether a NaN, which float statistics leave out, fails
// x op v whether NaN counts as unordered (IEEE) or as the largest value
// (DuckDB, Polars): then statistics without NaN decide. "in" is a chain
// of ==.
func nanSafe(op string) bool { return op == "==" || op == "<" || op == "<=" || op == "in" }

// floatRange compares a float column's [lo, hi] with a number. A NaN
// bound (a writer that did not leave NaN out) or value decides nothing.
func floatRange(lo, hi float64, v any, kind byte) (cmpLo, cmpHi int, ok bool) {
	var x float64
	switch v := v.(type) {
	case int64:
		x = float64(v)
	case float64:
		x = v
	default:
		return 0, 0, false
	}
	if kind != 'f' || math.IsNaN(lo) || math.IsNaN(hi) || math.IsNaN(x) {
		return 0, 0, false
	}
	return cmpOrdered(lo, x), cmpOrdered(hi, x), true
}

// instant reads a timestamp statistic in its Parquet unit (which may
// differ from the Arrow type's: seconds are stored as milliseconds).
func instant(v int64, unit schema.TimeUnitType) time.Time {
	switch unit {
	case schema.TimeUnitMillis:
		return time.UnixMilli(v)
	case schema.TimeUnitMicros:
		return time.UnixMicro(v)
	}
	return time.Unix(0, v)
}

func cmpOrdered[T int64 | float64 | string](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// rangeExcludes tells whether no x with min <= x <= max satisfies x op v,
// given how min and max compare with v.
func rangeExcludes(cmpLo, cmpHi int, op string) bool {
	switch op {
	case "==":
		return cmpLo > 0 || cmpHi < 0
	case "!=":
		return cmpLo == 0 && cmpHi == 0
	case "<":
		return cmpLo >= 0
	case "<=":
		return cmpLo > 0
	case ">":
		return cmpHi <= 0
	case ">=":
		return cmpHi < 0
	}
	return false
}
