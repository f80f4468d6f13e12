package textval

import (
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
)

// MaxDecimalPrecision is the largest precision of a decimal column: the
// digits a decimal128 holds, and DuckDB's limit for DECIMAL(p,s).
const MaxDecimalPrecision = 38

// ParseDecimal128 reads b exactly as a decimal of the given precision and
// scale (1 ≤ precision ≤ 38, 0 ≤ scale ≤ precision) and returns its unscaled
// value (1.5 in decimal(10,2) is 150). The text is an optional sign, digits
// with an optional decimal point (at least one digit in all; "5." and ".5"
// are numbers) and an optional exponent (e or E, optional sign, digits), as
// DuckDB reads text cast to DECIMAL.
//
// It never rounds: it reports false when the value has more nonzero
// fraction digits than scale ("1.555" in decimal(10,2), which DuckDB's
// CAST rounds to 1.56) or more integer digits than precision-scale, and
// for anything else that is not such a number (spaces, underscores, NaN,
// infinities). Fraction digits beyond scale that are zeros ("1.500") keep
// the value and are accepted; "-0" reads as 0. It does not allocate and is
// safe for concurrent use.
func ParseDecimal128(b []byte, precision, scale int32) (decimal128.Num, bool) {
	v, fault := parseDecimal(b, precision, scale)
	return v, fault == DecimalFits
}

// A DecimalFault is why ParseDecimal128 refuses a text, for readers'
// error messages.
type DecimalFault uint8

const (
	// DecimalFits: no fault, ParseDecimal128 reads the text.
	DecimalFits DecimalFault = iota
	// DecimalNotNumber: the text is not a decimal number (NaN, spaces...).
	DecimalNotNumber
	// DecimalIntegerDigits: more integer digits than precision-scale
	// (1e40 in decimal(10,2)); a larger precision holds it, up to 38.
	DecimalIntegerDigits
	// DecimalRounds: a nonzero fraction digit beyond scale, which
	// DuckDB's CAST would round (1.555 in decimal(10,2)).
	DecimalRounds
)

// DecimalFaultOf returns why ParseDecimal128(b, precision, scale) reports
// false, DecimalFits when it reads b. A text with too many integer digits
// and fraction digits to round is DecimalIntegerDigits: a larger scale
// would not help it. It does not allocate and is safe for concurrent use.
func DecimalFaultOf(b []byte, precision, scale int32) DecimalFault {
	_, fault := parseDecimal(b, precision, scale)
	return fault
}

func parseDecimal(b []byte, precision, scale int32) (decimal128.Num, DecimalFault) {
	i := 0
	neg := false
	if i < len(b) && (b[i] == '-' || b[i] == '+') {
		neg = b[i] == '-'
		i++
	}
	// digits are the mantissa's digits without leading zeros, in
	// b[first:] with the point (if any) skipped; point counts the digits
	// after the decimal point.
	first, ndigits, frac, seen := -1, 0, 0, 0
	point := false
	for ; i < len(b); i++ {
		c := b[i]
		switch {
		case c >= '0' && c <= '9':
			seen++
			if point {
				frac++
			}
			if first < 0 && c != '0' {
				first = i
			}
			if first >= 0 {
				ndigits++
			}
			continue
		case c == '.' && !point:
			point = true
			continue
		}
		break
	}
	if seen == 0 {
		return decimal128.Num{}, DecimalNotNumber
	}
	mantEnd := i
	exp := 0
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		eneg := false
		if i < len(b) && (b[i] == '-' || b[i] == '+') {
			eneg = b[i] == '-'
			i++
		}
		start := i
		for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
			// Beyond 2^40 only a zero or a value of more than 38 digits
			// is possible, whatever the mantissa (no field is that long).
			if exp < 1<<40 {
				exp = exp*10 + int(b[i]-'0')
			}
		}
		if i == start {
			return decimal128.Num{}, DecimalNotNumber
		}
		if eneg {
			exp = -exp
		}
	}
	if i != len(b) {
		return decimal128.Num{}, DecimalNotNumber
	}
	if first < 0 {
		return decimal128.Num{}, DecimalFits // zero, whatever its exponent
	}
	// The digits from the first nonzero one, less those after the point,
	// plus the exponent: the integer digits (|exp| < 2^40, no overflow).
	if ndigits-frac+exp > int(precision-scale) {
		return decimal128.Num{}, DecimalIntegerDigits
	}
	// The value is digits × 10^(exp-frac); unscaled, digits × 10^shift.
	shift := exp - frac + int(scale)
	// Trailing zeros of the digits absorb a negative shift.
	kept := ndigits
	if shift < 0 {
		for j := mantEnd - 1; shift < 0 && kept > 0; j-- {
			switch b[j] {
			case '.':
				continue
			case '0':
				kept--
				shift++
				continue
			}
			return decimal128.Num{}, DecimalRounds // a nonzero digit below the scale
		}
		if shift < 0 {
			return decimal128.Num{}, DecimalRounds // unreachable: kept holds a nonzero digit
		}
	}
	if kept+shift > int(precision) {
		return decimal128.Num{}, DecimalIntegerDigits // unreachable: checked above
	}
	// Up to 18 digits at a time in a uint64, then into the decimal128.
	var v decimal128.Num
	var u uint64
	n := 0
	for j, done := first, 0; done < kept; j++ {
		if b[j] == '.' {
			continue
		}
		u = u*10 + uint64(b[j]-'0')
		done++
		if n++; n == 18 {
			v = v.Mul(decimal128.FromU64(pow10u[18])).Add(decimal128.FromU64(u))
			u, n = 0, 0
		}
	}
	if v == (decimal128.Num{}) && n+shift <= 18 {
		v = decimal128.FromU64(u * pow10u[shift]) // the common short value
		shift = 0
	} else {
		v = v.Mul(decimal128.FromU64(pow10u[n])).Add(decimal128.FromU64(u))
	}
	for ; shift > 18; shift -= 18 {
		v = v.Mul(decimal128.FromU64(pow10u[18]))
	}
	v = v.Mul(decimal128.FromU64(pow10u[shift]))
	if neg {
		v = v.Negate()
	}
	return v, DecimalFits
}

// pow10u holds 10^0 … 10^19.
var pow10u = func() (p [20]uint64) {
	p[0] = 1
	for i := 1; i < len(p); i++ {
		p[i] = p[i-1] * 10
	}
	return p
}()

// decimalType reads a lower-case "decimal(p,s)", "numeric(p,s)" or
// "decimal(p)" (scale 0; spaces allowed inside the parentheses), the
// spellings of DuckDB and of Arrow's "decimal(10, 2)"; nil and a reason
// for any other text that starts like one, nil and "" for other text.
func decimalType(tname string) (arrow.DataType, string) {
	rest, ok := strings.CutPrefix(tname, "decimal")
	if !ok {
		if rest, ok = strings.CutPrefix(tname, "numeric"); !ok {
			return nil, ""
		}
	}
	rest = strings.TrimSpace(rest)
	if rest == "" {
		return nil, "give its precision and scale: decimal(p,s), 1 ≤ p ≤ 38, 0 ≤ s ≤ p"
	}
	inner, ok := strings.CutPrefix(rest, "(")
	if !ok {
		return nil, ""
	}
	if inner, ok = strings.CutSuffix(inner, ")"); !ok {
		return nil, "want decimal(p,s)"
	}
	ptext, stext, hasScale := strings.Cut(inner, ",")
	p, err := strconv.Atoi(strings.TrimSpace(ptext))
	if err != nil {
		return nil, "the precision must be a number: want decimal(p,s)"
	}
	s := 0
	if hasScale {
		if s, err = strconv.Atoi(strings.TrimSpace(stext)); err != nil {
			return nil, "the scale must be a number: want decimal(p,s)"
		}
	}
	if p < 1 || p > MaxDecimalPrecision {
		return nil, "the precision must be between 1 and 38"
	}
	if s < 0 || s > p {
		return nil, "the scale must be between 0 and the precision"
	}
	return &arrow.Decimal128Type{Precision: int32(p), Scale: int32(s)}, ""
}

// decimalName writes a decimal128 type as decimalType reads it
// ("decimal(10,2)"), or "" for any other type.
func decimalName(dt arrow.DataType) string {
	d, ok := dt.(*arrow.Decimal128Type)
	if !ok {
		return ""
	}
	return "decimal(" + strconv.Itoa(int(d.Precision)) + "," + strconv.Itoa(int(d.Scale)) + ")"
}
