package aggregate

import (
	"errors"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// SortKey is one term of the order of Sort and Top. The zero placement
// is the command line's default: ascending, nulls last, and nulls last
// when descending too. Floats order as cmp.Compare does (NaN before every
// number); ties keep input order.
type SortKey struct {
	// Column names the input column, exactly (no backticks).
	Column string
	// Desc orders from the greatest value.
	Desc bool
	// NullsFirst puts the nulls before the values instead of after.
	NullsFirst bool
}

// Asc orders by col ascending, nulls last: 'col' on the command line.
func Asc(col string) SortKey { return SortKey{Column: col} }

// Desc orders by col descending, nulls last: 'col desc' on the command
// line.
func Desc(col string) SortKey { return SortKey{Column: col, Desc: true} }

// orderKeys binds keys to the input schema.
func orderKeys(in *arrow.Schema, keys []SortKey) ([]orderKey, error) {
	if len(keys) == 0 {
		return nil, errors.New("no sort key")
	}
	out := make([]orderKey, len(keys))
	for i, sk := range keys {
		col, err := columnIndex(in, sk.Column)
		if err != nil {
			return nil, fmt.Errorf("sort key: %w", err)
		}
		dt := in.Field(col).Type
		k, err := valueKindOf(dt)
		if err != nil {
			return nil, verb.NameColumn(fmt.Errorf("sort key %q: %w", sk.Column, err), sk.Column)
		}
		out[i] = orderKey{col: col, kind: k, unsigned: isUnsigned(dt), desc: sk.Desc, nullsFirst: sk.NullsFirst}
	}
	return out, nil
}

// sortKeys parses the command line's ORDER ('COL [asc|desc] [nulls
// first|last], ...') for schema in, which tells a column named "price
// desc" from "price" descending.
func sortKeys(in *arrow.Schema, order string) ([]SortKey, error) {
	keys, err := parseOrder(in, order)
	if err != nil {
		return nil, err
	}
	out := make([]SortKey, len(keys))
	for i, k := range keys {
		out[i] = SortKey{Column: in.Field(k.col).Name, Desc: k.desc, NullsFirst: k.nullsFirst}
	}
	return out, nil
}
