package textval

import (
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
)

// Kind is a column type that textval can infer and parse.
type Kind uint8

// The kinds, each with its Arrow type (see Kind.DataType).
const (
	KindNull      Kind = iota // no value seen yet; read as String
	KindBool                  // arrow.FixedWidthTypes.Boolean
	KindInt64                 // arrow.PrimitiveTypes.Int64
	KindFloat64               // arrow.PrimitiveTypes.Float64
	KindDate                  // arrow.FixedWidthTypes.Date32
	KindTimestamp             // arrow.FixedWidthTypes.Timestamp_us (UTC)
	KindString                // arrow.BinaryTypes.String
)

// DataType returns the Arrow type a column of kind k is read as. KindNull
// (a column with no value in the sample) is read as a string.
func (k Kind) DataType() arrow.DataType {
	switch k {
	case KindBool:
		return arrow.FixedWidthTypes.Boolean
	case KindInt64:
		return arrow.PrimitiveTypes.Int64
	case KindFloat64:
		return arrow.PrimitiveTypes.Float64
	case KindDate:
		return arrow.FixedWidthTypes.Date32
	case KindTimestamp:
		return arrow.FixedWidthTypes.Timestamp_us
	}
	return arrow.BinaryTypes.String
}

// String returns the kind's name in the schema syntax ("int64", ...).
func (k Kind) String() string {
	if k == KindNull {
		return "null"
	}
	return typeName(k.DataType())
}

// KindOf returns the kind that reads values of type dt, and false if textval
// cannot parse dt (only the six types of Kind.DataType are supported). A
// timestamp of any unit maps to KindTimestamp, whose DataType is always
// microseconds UTC: readers build their schema from Kind.DataType.
func KindOf(dt arrow.DataType) (Kind, bool) {
	switch dt.ID() {
	case arrow.BOOL:
		return KindBool, true
	case arrow.INT64:
		return KindInt64, true
	case arrow.FLOAT64:
		return KindFloat64, true
	case arrow.DATE32:
		return KindDate, true
	case arrow.TIMESTAMP:
		return KindTimestamp, true
	case arrow.STRING:
		return KindString, true
	}
	return KindString, false
}

// Classify returns the narrowest kind whose parser accepts v, trying bool,
// int64, float64, date and timestamp in turn; KindString if none does.
func Classify(v []byte) Kind {
	if _, ok := ParseBool(v); ok {
		return KindBool
	}
	if _, ok := ParseInt64(v); ok {
		return KindInt64
	}
	if _, ok := ParseFloat64(v); ok {
		return KindFloat64
	}
	if _, ok := ParseDate(v); ok {
		return KindDate
	}
	if _, ok := ParseTimestamp(v); ok {
		return KindTimestamp
	}
	return KindString
}

// Join returns the narrowest kind that can hold values of kinds a and b:
// null joins as the identity, int64 and float64 join to float64, date and
// timestamp join to timestamp, and any other pair of different kinds joins
// to string.
func Join(a, b Kind) Kind {
	switch {
	case a == b:
		return a
	case a == KindNull:
		return b
	case b == KindNull:
		return a
	case a == KindString || b == KindString:
		return KindString
	}
	if a > b {
		a, b = b, a
	}
	switch {
	case a == KindInt64 && b == KindFloat64:
		return KindFloat64
	case a == KindDate && b == KindTimestamp:
		return KindTimestamp
	}
	return KindString
}

// accepts reports whether a column of kind k can read v.
func (k Kind) accepts(v []byte) bool {
	var ok bool
	switch k {
	case KindBool:
		_, ok = ParseBool(v)
	case KindInt64:
		_, ok = ParseInt64(v)
	case KindFloat64:
		_, ok = ParseFloat64(v)
	case KindDate:
		_, ok = ParseDate(v)
	case KindTimestamp:
		_, ok = ParseTimestamp(v)
	case KindString:
		ok = true
	}
	return ok
}

// An Inferrer chooses column types from a sample of values. Feed it every
// non-null value of the sample with Add (in any order); a column's kind is
// the Join of its values' Classify kinds. The zero value is not usable: call
// NewInferrer. Not safe for concurrent use.
type Inferrer struct {
	kinds []Kind
}

// NewInferrer returns an Inferrer for n columns, all KindNull.
func NewInferrer(n int) *Inferrer {
	return &Inferrer{kinds: make([]Kind, n)}
}

// Add observes the non-null value v in column col (0-based; col must be less
// than the n given to NewInferrer). It does not retain v or allocate.
func (in *Inferrer) Add(col int, v []byte) {
	k := in.kinds[col]
	if k == KindString || (k != KindNull && k.accepts(v)) {
		return
	}
	in.kinds[col] = Join(k, Classify(v))
}

// Kinds returns the kinds chosen so far, one per column; the caller must not
// modify the slice.
func (in *Inferrer) Kinds() []Kind { return in.kinds }

// Fields returns one nullable field per column, named by names (which must
// have one name per column), typed by the inferred kinds.
func (in *Inferrer) Fields(names []string) []arrow.Field {
	if len(names) != len(in.kinds) {
		panic("textval: Inferrer.Fields: " + strconv.Itoa(len(names)) + " names for " + strconv.Itoa(len(in.kinds)) + " columns")
	}
	fields := make([]arrow.Field, len(names))
	for i, name := range names {
		fields[i] = arrow.Field{Name: name, Type: in.kinds[i].DataType(), Nullable: true}
	}
	return fields
}
