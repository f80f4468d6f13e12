package parquetio

import (
	"fmt"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/parquet/metadata"
)

// A Predicate compares a top-level column with a constant, Column Op
// Value, as a filter does (a null never matches). Op is one of == != < <=
// > >=; Value is an int64 (for integer columns, and float ones), a float64
// (for float columns) or a string (for string columns). A predicate of
// another shape is allowed and prunes nothing.
type Predicate struct {
	Column string
	Op     string
	Value  any
}

// Prune makes Next skip the row groups whose statistics show that no row
// satisfies every predicate in preds (their conjunction): min and max
// exclude the value, or the column is null throughout. Row groups
// without statistics, and predicates on other types, are read as usual,
// so pruning never drops a row that the filter would keep; the filter
// must still run. Call it before the first Next. PrunedRowGroups counts
// the skipped ones.
func (s *Source) Prune(preds []Predicate) error {
	for _, p := range preds {
		if !slices.Contains([]string{"==", "!=", "<", "<=", ">", ">="}, p.Op) {
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
		leaf, typ, ok := f.leafOf(p.Column)
		if !ok {
			continue
		}
		col, err := md.ColumnChunk(leaf)
		if err != nil {
			continue
		}
		st, err := col.Statistics()
		if err != nil || st == nil {
			continue
		}
		if st.HasNullCount() && st.NullCount() == md.NumRows() {
			return true // only nulls: no comparison holds
		}
		if !st.HasMinMax() {
			continue
		}
		if c, ok := rangeExcludes(st, typ, p); ok && c {
			return true
		}
	}
	return false
}

// leafOf returns the leaf column of a top-level column of a plain type
// that pruning knows, with its Arrow type.
func (f *openedFile) leafOf(name string) (int, arrow.Type, bool) {
	idx := f.full.FieldIndices(name)
	if len(idx) != 1 {
		return 0, 0, false
	}
	typ := f.full.Field(idx[0]).Type.ID()
	switch typ {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64, arrow.FLOAT32, arrow.FLOAT64, arrow.STRING, arrow.LARGE_STRING:
	default:
		return 0, 0, false
	}
	sch := f.md.Schema
	for c := 0; c < sch.NumColumns(); c++ {
		if path := sch.Column(c).ColumnPath(); len(path) == 1 && path[0] == name {
			return c, typ, true
		}
	}
	return 0, 0, false
}

// rangeExcludes tells whether no value in [min, max] satisfies p; ok is
// false when the statistics or the value are of a kind it does not
// compare.
func rangeExcludes(st metadata.TypedStatistics, typ arrow.Type, p Predicate) (excl, ok bool) {
	switch st := st.(type) {
	case *metadata.Int32Statistics:
		v, isInt := p.Value.(int64)
		if !isInt {
			return false, false
		}
		return excludes(int64(st.Min()), int64(st.Max()), v, p.Op), true
	case *metadata.Int64Statistics:
		v, isInt := p.Value.(int64)
		if !isInt || typ != arrow.INT64 {
			return false, false
		}
		return excludes(st.Min(), st.Max(), v, p.Op), true
	case *metadata.Float32Statistics:
		v, isNum := floatOf(p.Value)
		if !isNum || !nanSafe(p.Op) {
			return false, false
		}
		return excludes(float64(st.Min()), float64(st.Max()), v, p.Op), true
	case *metadata.Float64Statistics:
		v, isNum := floatOf(p.Value)
		if !isNum || !nanSafe(p.Op) {
			return false, false
		}
		return excludes(st.Min(), st.Max(), v, p.Op), true
	case *metadata.ByteArrayStatistics:
		v, isStr := p.Value.(string)
		if !isStr || (typ != arrow.STRING && typ != arrow.LARGE_STRING) {
			return false, false
		}
		return excludes(string(st.Min()), string(st.Max()), v, p.Op), true
	}
	return false, false
}

// nanSafe tells whether a NaN, which float statistics leave out, fails
// x op v whether NaN counts as unordered (IEEE) or as the largest value
// (DuckDB, Polars): then statistics without NaN decide.
func nanSafe(op string) bool { return op == "==" || op == "<" || op == "<=" }

// floatOf converts an exact number for comparison with a float column.
func floatOf(v any) (float64, bool) {
	switch v := v.(type) {
	case float64:
		return v, v == v // NaN compares false with everything: prune nothing
	case int64:
		if f := float64(v); int64(f) == v {
			return f, true
		}
	}
	return 0, false
}

// excludes tells whether no x with lo <= x <= hi satisfies x op v.
func excludes[T int64 | float64 | string](lo, hi, v T, op string) bool {
	switch op {
	case "==":
		return v < lo || v > hi
	case "!=":
		return lo == hi && lo == v
	case "<":
		return lo >= v
	case "<=":
		return lo > v
	case ">":
		return hi <= v
	case ">=":
		return hi < v
	}
	return false
}
