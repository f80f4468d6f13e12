package tableout

import (
	"strings"
)

// writeHeader writes the column names and the rule under them.
func (s *Sink) writeHeader() error {
	names := make([]cell, len(s.widths))
	for j, f := range s.schema.Fields() {
		names[j] = cell{text: escape(f.Name)}
	}
	if err := s.writeLine(names, true); err != nil {
		return err
	}
	var b strings.Builder
	for j, w := range s.widths {
		switch s.opts.Format {
		case Markdown:
			b.WriteString("|")
			switch {
			case s.isNum[j]:
				b.WriteString(strings.Repeat("-", w+1) + ":")
			default:
				b.WriteString(":" + strings.Repeat("-", w+1))
			}
		default:
			if j > 0 {
				b.WriteString("┼")
			}
			b.WriteString(strings.Repeat("─", w+2))
		}
	}
	if s.opts.Format == Markdown {
		b.WriteString("|")
	}
	b.WriteString("\n")
	_, err := s.w.WriteString(b.String())
	return err
}

func (s *Sink) writeRow(row []cell) error { return s.writeLine(row, false) }

// writeLine writes one row of cells at the table's widths. Header names
// are aligned as their columns' values, so that a number's name sits over
// its digits.
func (s *Sink) writeLine(row []cell, header bool) error {
	var b strings.Builder
	for j, c := range row {
		text := s.text(c)
		if header {
			text = c.text
			if s.opts.Format == Markdown {
				text = markdownEscape(text)
			}
		}
		w := s.widths[j]
		if s.opts.Format == Box && (!s.isNum[j] || header) {
			text = cut(text, w)
		}
		switch s.opts.Format {
		case Markdown:
			b.WriteString("| ")
			b.WriteString(pad(text, w, s.isNum[j]))
			b.WriteString(" ")
		default:
			if j > 0 {
				b.WriteString(" │")
			}
			b.WriteString(" ")
			b.WriteString(pad(text, w, s.isNum[j]))
		}
	}
	if s.opts.Format == Markdown {
		b.WriteString("|")
	}
	line := b.String()
	if s.opts.Format == Box {
		line = strings.TrimRight(line, " ")
	}
	_, err := s.w.WriteString(line + "\n")
	return err
}

// markdownEscape keeps a value from being read as Markdown: a | would end
// the cell, and *, _, ` and < would style it.
func markdownEscape(s string) string {
	if !strings.ContainsAny(s, "\\|*_`<[") {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune("\\|*_`<[", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
