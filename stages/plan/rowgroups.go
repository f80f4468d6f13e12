package plan

import (
	"github.com/arrowpipe/arrowpipe/stages/expr"
	"github.com/arrowpipe/arrowpipe/stages/internal/arrowtype"
	"github.com/arrowpipe/arrowpipe/stages/parquetio"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// rowGroupPruning gives the comparisons of a leading filter (column op
// constant, in, is [not] null, joined by and) to each Parquet file's
// reader, which skips the row groups whose statistics rule one out; the
// filter still runs on the rows read. It runs on Next's goroutine.
type rowGroupPruning struct {
	preds  []parquetio.Predicate
	parsed bool
	done   int               // row groups skipped in files read before last
	last   *parquetio.Source // the latest file pruned
}

// apply prunes m's reader when it reads Parquet, by the predicates of v
// (ReadOptions.Prune) on columns that m has with the type the union
// gives them (a widened column compares otherwise; a partition or file-
// name column is not in the file).
func (r *rowGroupPruning) apply(v *verb.Verb, u *union, m *member) error {
	pq, ok := m.src.Source.(*parquetio.Source)
	if !ok || v == nil || v.Condition == "" {
		return nil
	}
	if !r.parsed {
		r.parsed = true
		r.preds = predicates(v.Condition)
	}
	var preds []parquetio.Predicate
	for _, p := range r.preds {
		i, j := m.schema.FieldIndices(p.Column), u.full.FieldIndices(p.Column)
		if len(i) == 1 && len(j) == 1 && arrowtype.Same(m.schema.Field(i[0]).Type, u.full.Field(j[0]).Type) {
			preds = append(preds, p)
		}
	}
	if len(preds) == 0 {
		return nil
	}
	if r.last != nil {
		r.done += r.last.PrunedRowGroups()
	}
	r.last = pq
	return pq.Prune(preds)
}

// pruned returns the row groups skipped so far; call it from Next's
// goroutine or after the run.
func (r *rowGroupPruning) pruned() int {
	if r.last == nil {
		return r.done
	}
	return r.done + r.last.PrunedRowGroups()
}

// predicates reads the comparisons of a filter's condition; a condition
// that does not parse (the filter's Build reports it) gives none.
func predicates(cond string) []parquetio.Predicate {
	cs, err := expr.Conjuncts(cond)
	if err != nil {
		return nil
	}
	preds := make([]parquetio.Predicate, 0, len(cs))
	for _, c := range cs {
		p := parquetio.Predicate{Column: c.Column, Op: c.Op, Values: c.Values}
		if len(c.Values) > 0 {
			p.Value = c.Values[0]
		}
		preds = append(preds, p)
	}
	return preds
}

// PrunedRowGroups returns how many Parquet row groups were skipped by
// their statistics for the leading filter (ReadOptions.Prune). Call it
// after the run.
func (s *Source) PrunedRowGroups() int {
	if s.union == nil {
		return 0
	}
	return s.union.rowGroups.pruned()
}
