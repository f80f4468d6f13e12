package jsonin

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/decimal128"

	"github.com/arrowpipe/arrowpipe/stages/textval"
)

// A decimal(p,s) column (declared with Options.Schema; inference never
// makes one) reads a JSON number or a string exactly, by the rules of
// csvin (textval.ParseDecimal128): a value that would need rounding or
// more integer digits than p-s is an error, never cut.

// decimal parses the number or string at b[i] into sl for decimal column
// col.
func (d *Decoder) decimal(b []byte, i, col, depth int, sl *slot) (int, *syntaxError) {
	t := d.types[col].(*arrow.Decimal128Type)
	var text []byte
	var end int
	switch c := b[i]; {
	case c == '"':
		s, e, esc, out, next, err := scanString(b, i, d.buf)
		if err != nil {
			return 0, err
		}
		d.buf = out
		text, end = b[s:e], next
		if esc {
			text = out[s:e]
		}
	case startsNumber(c):
		e, _, err := scanNumber(b, i)
		if err != nil {
			return 0, err
		}
		text, end = b[i:e], e
	default:
		return 0, d.typeError(b, i, depth, "", "a number or a numeric string")
	}
	v, ok := textval.ParseDecimal128(text, t.Precision, t.Scale)
	if !ok {
		return 0, decimalError(i, text, t)
	}
	*sl = slot{gen: d.gen, i: int64(v.LowBits()), hi: v.HighBits()}
	return end, nil
}

// decimalError says why text does not fit t: not a number, more integer
// digits than t holds, or fraction digits that t would round.
func decimalError(pos int, text []byte, t *arrow.Decimal128Type) *syntaxError {
	want := fmt.Sprintf("a decimal(%d,%d) value", t.Precision, t.Scale)
	q := fmt.Sprintf("%q", text)
	if len(text) > 40 {
		q = fmt.Sprintf("%q…", text[:40])
	}
	switch textval.DecimalFaultOf(text, t.Precision, t.Scale) {
	case textval.DecimalNotNumber:
		return &syntaxError{pos: pos, want: want, found: q + ", which is not such a number"}
	case textval.DecimalIntegerDigits:
		return &syntaxError{pos: pos, want: want,
			found: fmt.Sprintf("%s with more than %d integer digits (declare a larger precision in --schema)", q, t.Precision-t.Scale)}
	}
	return &syntaxError{pos: pos, want: want,
		found: fmt.Sprintf("%s with more than %d fraction digits, which would be rounded (declare a larger scale in --schema)", q, t.Scale)}
}

// decimalOf is the value that decimal left in sl.
func decimalOf(sl *slot) decimal128.Num {
	return decimal128.New(sl.hi, uint64(sl.i))
}
