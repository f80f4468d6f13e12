package tableout

import (
	"strings"

	"github.com/rivo/uniseg"
)

// textWidth is s's width in terminal columns.
func textWidth(s string) int { return uniseg.StringWidth(s) }

// cut returns s in at most width columns: whole when it fits, else its
// longest prefix of whole graphemes that leaves room for "…", then "…".
func cut(s string, width int) string {
	if textWidth(s) <= width {
		return s
	}
	var b strings.Builder
	used := 0
	g := uniseg.NewGraphemes(s)
	for g.Next() {
		w := g.Width()
		if used+w > width-1 {
			break
		}
		b.WriteString(g.Str())
		used += w
	}
	return b.String() + "…"
}

// pad returns s padded with spaces to width columns, on the left when
// right is set.
func pad(s string, width int, right bool) string {
	n := width - textWidth(s)
	if n <= 0 {
		return s
	}
	if right {
		return strings.Repeat(" ", n) + s
	}
	return s + strings.Repeat(" ", n)
}

// fitWidths narrows the widest text columns (never below MinCellWidth or
// a numeric column at all) until a line of widths, with sep columns of
// separator per column, fits maxWidth; 0 means no limit.
func fitWidths(widths []int, isNum []bool, sep, maxWidth int) {
	if maxWidth <= 0 {
		return
	}
	total := func() int {
		t := 0
		for _, w := range widths {
			t += w + sep
		}
		return t
	}
	for total() > maxWidth {
		widest := -1
		for j, w := range widths {
			if !isNum[j] && w > MinCellWidth && (widest < 0 || w > widths[widest]) {
				widest = j
			}
		}
		if widest < 0 {
			return
		}
		widths[widest]--
	}
}
