package join

import (
	"fmt"
	"strings"
)

// Kind is the type of a join.
type Kind int

const (
	// Inner keeps the stream rows that match, once per matching row of
	// the table.
	Inner Kind = iota
	// Left keeps every stream row; one without a match gets nulls for the
	// table's columns.
	Left
	// Right keeps every table row: the matches as Inner does, in stream
	// order, then the table rows that matched nothing, in table order,
	// with nulls for the stream's columns (its key columns take the
	// table's key values, as SQL's USING does).
	Right
	// Full is Left and Right together.
	Full
	// Semi keeps the stream rows that have a match, once each, with the
	// stream's columns only.
	Semi
	// Anti keeps the stream rows that have no match (null keys included),
	// with the stream's columns only.
	Anti
	// AsOf gives each stream row the table row with equal keys (all but
	// the first) whose first key is the nearest before or at the stream
	// row's (see Direction and Options.Tolerance); a stream row without
	// one gets nulls, as in Left.
	AsOf
)

var kindNames = []string{"inner", "left", "right", "full", "semi", "anti", "asof"}

func (k Kind) String() string {
	if k >= 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// ParseKind reads a join type as the command line writes it: inner,
// left, right, full (or outer), semi, anti, asof.
func ParseKind(s string) (Kind, bool) {
	switch strings.ToLower(s) {
	case "outer":
		return Full, true
	}
	for i, n := range kindNames {
		if strings.EqualFold(s, n) {
			return Kind(i), true
		}
	}
	return 0, false
}

// keepsStream reports whether every stream row comes out.
func (k Kind) keepsStream() bool { return k == Left || k == Full || k == AsOf }

// keepsTable reports whether the table rows that match nothing come out
// at the end.
func (k Kind) keepsTable() bool { return k == Right || k == Full }

// addsColumns reports whether the output has the table's columns.
func (k Kind) addsColumns() bool { return k != Semi && k != Anti }

// Direction is where an as-of join looks for the table row.
type Direction int

const (
	// Backward takes the table row with the greatest first key at or
	// before the stream row's: the last known value.
	Backward Direction = iota
	// Forward takes the least first key at or after the stream row's.
	Forward
	// Nearest takes the closer of the two; on a tie, the earlier one.
	Nearest
)

// KeyPair names a key column of the stream (Stream) and the column of the
// table it must equal (Table).
type KeyPair struct {
	Stream, Table string
}

// Key is the KeyPair of a column named the same on both sides.
func Key(name string) KeyPair { return KeyPair{name, name} }

// DefaultSuffix is appended to a table column whose name the stream has
// already (DuckDB and Polars do the same).
const DefaultSuffix = "_right"

// Options tune a join. The zero value is an ordered join with the
// default suffix.
type Options struct {
	// Suffix renames a table column whose name is taken by a stream
	// column; "" means DefaultSuffix. A name still taken is an error.
	Suffix string
	// Direction is where an as-of join looks (Backward by default).
	Direction Direction
	// Tolerance bounds how far an as-of match may be from the stream
	// row: a Go duration ("5m", "36h") when the first key is a timestamp
	// or date, a whole number for an integer key; "" means no bound.
	Tolerance string
	// Table names the table in errors (its file name); "" means "table".
	Table string
	// Stats, when set, receives the join's counters; it may be read
	// while the pipeline runs.
	Stats *Stats
}
