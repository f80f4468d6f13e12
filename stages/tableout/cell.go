package tableout

import (
	"math"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/arrowpipe/arrowpipe/stages/output/textfmt"
)

// cell is one value's display text.
type cell struct {
	text string
	null bool
}

// numeric reports whether values of t are right-aligned.
func numeric(t arrow.DataType) bool {
	switch t.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64,
		arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64,
		arrow.FLOAT16, arrow.FLOAT32, arrow.FLOAT64,
		arrow.DECIMAL32, arrow.DECIMAL64, arrow.DECIMAL128, arrow.DECIMAL256:
		return true
	case arrow.DICTIONARY:
		return numeric(t.(*arrow.DictionaryType).ValueType)
	}
	return false
}

// cellOf returns value i of c as display text: the text writers' formats
// (textfmt), with control characters escaped so that a value stays on its
// line.
func cellOf(c *textfmt.Column, i int, scratch []byte) (cell, []byte) {
	if c.IsNull(i) {
		return cell{null: true}, scratch
	}
	switch c.Kind() {
	case textfmt.KindString:
		return cell{text: escape(c.Text(i))}, scratch
	case textfmt.KindOther:
		return cell{text: escape(c.Array().ValueStr(i))}, scratch
	case textfmt.KindFloat:
		switch v := c.Float(i); {
		case math.IsNaN(v):
			return cell{text: "NaN"}, scratch
		case math.IsInf(v, 1):
			return cell{text: "inf"}, scratch
		case math.IsInf(v, -1):
			return cell{text: "-inf"}, scratch
		}
	}
	scratch = c.AppendText(scratch[:0], i)
	return cell{text: string(scratch)}, scratch
}

// escape shows control characters as \n, \t, \r or \xNN, and a backslash
// as itself: display text, not a round-trip format.
func escape(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] == 0x7f {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\t':
			b.WriteString(`\t`)
		case c == '\r':
			b.WriteString(`\r`)
		case c < 0x20 || c == 0x7f:
			b.WriteString(`\x`)
			b.WriteByte("0123456789abcdef"[c>>4])
			b.WriteByte("0123456789abcdef"[c&15])
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
