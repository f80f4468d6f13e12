package textval

import (
	"math"
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
	KindTimestamp             // arrow.FixedWidthTypes.Timestamp_us (UTC; zone-less by Inferrer.Fields, ReadType)
	KindString                // arrow.BinaryTypes.String
	// KindTimestampNano is a timestamp whose text has more than 6 fraction
	// digits: arrow.FixedWidthTypes.Timestamp_ns (UTC).
	KindTimestampNano
	// KindDecimal is a decimal128 column whose precision and scale its
	// type gives (--schema price:decimal(10,2)); inference never picks it.
	// Its DataType is decimal(38,0): readers keep the column's own type
	// (see ReadType).
	KindDecimal
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
	case KindTimestampNano:
		return arrow.FixedWidthTypes.Timestamp_ns
	case KindDecimal:
		return &arrow.Decimal128Type{Precision: MaxDecimalPrecision}
	}
	return arrow.BinaryTypes.String
}

// String returns the kind's name in the schema syntax ("int64", ...).
func (k Kind) String() string {
	switch k {
	case KindNull:
		return "null"
	case KindDecimal:
		return "decimal"
	}
	return typeName(k.DataType())
}

// KindOf returns the kind that reads values of type dt, and false if textval
// cannot parse dt (only the types of Kind.DataType are supported). A
// nanosecond timestamp maps to KindTimestampNano and a timestamp of any other
// unit to KindTimestamp, whose DataType is microseconds UTC: readers build
// their schema from Kind.DataType.
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
		if dt.(*arrow.TimestampType).Unit == arrow.Nanosecond {
			return KindTimestampNano, true
		}
		return KindTimestamp, true
	case arrow.STRING:
		return KindString, true
	case arrow.DECIMAL128:
		return KindDecimal, true
	}
	return KindString, false
}

// Classify returns the narrowest kind that reads v without changing what it
// says, trying bool, int64, float64, date and timestamp in turn; KindString
// if none does. So that inference never picks a type that loses part of a
// value, these are strings:
//   - a number written with a leading zero before another digit or with a
//     '+' sign ("02134", "-007", "007.5", "+4420"): an identifier such as a
//     zip code or a phone number, which a number would print back as 2134
//     ("0", "0.5" and "-0.5" are numbers, and "-0" is a float64, which
//     keeps its sign);
//   - an integer beyond the int64 range ("12345678901234567890"), which a
//     float64 would round;
//   - a timestamp with more than 6 fraction digits outside the range of
//     nanosecond timestamps (years 1677 to 2262).
//
// A timestamp with more than 6 fraction digits is KindTimestampNano. A
// float with more than 17 significant digits is KindFloat64, rounded to the
// nearest float64 (as DuckDB reads it as DOUBLE).
func Classify(v []byte) Kind {
	if _, ok := ParseBool(v); ok {
		return KindBool
	}
	if _, ok := ParseInt64(v); ok {
		if numberAsText(v) {
			return KindString
		}
		if negativeZero(v) {
			return KindFloat64 // -0, which an integer prints as 0
		}
		return KindInt64
	}
	if isInteger(v) {
		return KindString
	}
	if _, ok := ParseSpecialFloat(v); ok {
		return KindFloat64 // NaN, inf, -Infinity: a float's text, even with '+'
	}
	if _, ok := ParseFloat64(v); ok {
		if numberAsText(v) {
			return KindString
		}
		return KindFloat64
	}
	if _, ok := ParseDate(v); ok {
		return KindDate
	}
	if FractionDigits(v) > 6 {
		if _, ok := ParseTimestampNano(v); ok {
			return KindTimestampNano
		}
		return KindString
	}
	if _, ok := ParseTimestamp(v); ok {
		return KindTimestamp
	}
	return KindString
}

// Keeps reports whether a column of kind k, chosen by inference, reads v
// without changing what it says, when its parser accepts v: false for a
// number written with a leading zero or a '+' sign in an int64 or float64
// column, and for an integer that float64 rounds in a float64 column (the
// values that make Classify choose a string). A reader checks the values
// after its sample with it, so that a value that inference would not have
// typed so is an error rather than changed. It does not allocate.
func Keeps(k Kind, v []byte) bool {
	switch k {
	case KindInt64:
		return len(v) == 0 || (!numberAsText(v) && !negativeZero(v))
	case KindFloat64:
		if _, special := ParseSpecialFloat(v); special {
			return true
		}
		if len(v) == 0 || numberAsText(v) {
			return false
		}
		if isInteger(v) {
			x, ok := ParseInt64(v)
			f := float64(x)
			return ok && f < math.MaxInt64 && int64(f) == x
		}
	}
	return true
}

// numberAsText reports whether v, a non-empty number, starts with '+' or
// with a zero followed by a digit (after an optional '-'): a number's text
// printed back would lose those characters.
func numberAsText(v []byte) bool {
	if v[0] == '+' {
		return true
	}
	if v[0] == '-' {
		v = v[1:]
	}
	return len(v) > 1 && v[0] == '0' && v[1]-'0' <= 9
}

// negativeZero reports whether v is "-0", an integer that int64 reads as 0
// and float64 keeps as -0.
func negativeZero(v []byte) bool {
	return len(v) == 2 && v[0] == '-' && v[1] == '0'
}

// isInteger reports whether v is an optional sign followed by digits.
func isInteger(v []byte) bool {
	if len(v) > 0 && (v[0] == '-' || v[0] == '+') {
		v = v[1:]
	}
	for _, c := range v {
		if c-'0' > 9 {
			return false
		}
	}
	return len(v) > 0
}

// Join returns the narrowest kind that can hold values of kinds a and b:
// null joins as the identity, int64 and float64 join to float64, date,
// timestamp and timestamp_ns join to the finest of them, and any other pair
// of different kinds joins to string.
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
	case (a == KindDate || a == KindTimestamp) && b == KindTimestampNano:
		return KindTimestampNano
	}
	return KindString
}

// An Inferrer chooses column types from a sample of values. Feed it every
// non-null value of the sample with Add (in any order); a column's kind is
// the Join of its values' Classify kinds, except where that type would
// change a value: a float64 column with an integer that float64 cannot hold
// exactly (beyond ±2^53, such as 9007199254740993), and a timestamp_ns
// column with a date or timestamp outside the nanosecond range (years 1677
// to 2262), are string columns. A timestamp column is zoned (UTC) when a
// sampled value names its zone, and zone-less otherwise (see Zoned and
// Fields). The result does not depend on the order of the values. The zero
// value is not usable: call NewInferrer. Not safe for concurrent use.
type Inferrer struct {
	kinds []Kind
	// flags marks, per column, values that some kinds would change, and
	// values with a zone.
	flags []flags
	// layout, when set, reads timestamps in a user's layout too.
	layout *Layout
}

// SetLayout makes values that layout reads timestamps (microseconds;
// zoned when the layout reads a zone), before any other kind is tried.
func (in *Inferrer) SetLayout(l *Layout) { in.layout = l }

// flags is a set of facts about the values seen in a column.
type flags uint8

const (
	lossyFloat flags = 1 << iota // an int64 that float64 rounds
	lossyNano                    // a date or timestamp beyond int64 nanoseconds
	zoned                        // a timestamp that names its zone
)

// NewInferrer returns an Inferrer for n columns, all KindNull.
func NewInferrer(n int) *Inferrer {
	return &Inferrer{kinds: make([]Kind, n), flags: make([]flags, n)}
}

// Add observes the non-null value v in column col (0-based; col must be less
// than the n given to NewInferrer). It does not retain v or allocate.
func (in *Inferrer) Add(col int, v []byte) {
	k := in.kinds[col]
	if k == KindString {
		return
	}
	c := Classify(v)
	byLayout := false
	if in.layout != nil {
		if _, nsec, ok := in.layout.Parse(v); ok {
			c, byLayout = KindTimestamp, true
			if nsec%1000 != 0 {
				c = KindTimestampNano
			}
			if in.layout.Zoned() {
				in.flags[col] |= zoned
			}
		}
	}
	switch {
	case byLayout:
	case c == KindInt64:
		x, _ := ParseInt64(v)
		if f := float64(x); f >= math.MaxInt64 || int64(f) != x {
			in.flags[col] |= lossyFloat
		}
	case c == KindDate || c == KindTimestamp:
		if _, ok := ParseTimestampNano(v); !ok {
			in.flags[col] |= lossyNano
		}
	}
	if (c == KindTimestamp || c == KindTimestampNano) && !byLayout && Zoned(v) {
		in.flags[col] |= zoned
	}
	k = Join(k, c)
	if (k == KindFloat64 && in.flags[col]&lossyFloat != 0) || (k == KindTimestampNano && in.flags[col]&lossyNano != 0) {
		k = KindString
	}
	in.kinds[col] = k
}

// Kinds returns the kinds chosen so far, one per column; the caller must not
// modify the slice.
func (in *Inferrer) Kinds() []Kind { return in.kinds }

// Fields returns one nullable field per column, named by names (which must
// have one name per column), typed by the inferred kinds. A timestamp
// column is timestamp[us, UTC] (or ns) when a sampled value named its zone,
// else a zone-less timestamp[us] (a wall-clock time, DuckDB's TIMESTAMP).
func (in *Inferrer) Fields(names []string) []arrow.Field {
	if len(names) != len(in.kinds) {
		panic("textval: Inferrer.Fields: " + strconv.Itoa(len(names)) + " names for " + strconv.Itoa(len(in.kinds)) + " columns")
	}
	fields := make([]arrow.Field, len(names))
	for i, name := range names {
		dt := in.kinds[i].DataType()
		if ts, ok := dt.(*arrow.TimestampType); ok && in.flags[i]&zoned == 0 {
			dt = &arrow.TimestampType{Unit: ts.Unit}
		}
		fields[i] = arrow.Field{Name: name, Type: dt, Nullable: true}
	}
	return fields
}

// ReadType returns the type a reader builds for a column declared (or
// inferred) as dt: the DataType of dt's Kind, except that a timestamp
// keeps dt's zone (zone-less or UTC; any other zone reads as UTC, the
// instants being the same). dt must be a type KindOf supports.
func ReadType(dt arrow.DataType) arrow.DataType {
	k, _ := KindOf(dt)
	if k == KindDecimal {
		return dt
	}
	out := k.DataType()
	if ts, ok := dt.(*arrow.TimestampType); ok && ts.TimeZone == "" {
		return &arrow.TimestampType{Unit: out.(*arrow.TimestampType).Unit}
	}
	return out
}
