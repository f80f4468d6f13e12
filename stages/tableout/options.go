package tableout

import "fmt"

// A Format is the table's look.
type Format int

const (
	// Box draws columns separated by │ under a header and a rule.
	Box Format = iota
	// Markdown writes a GitHub-flavoured Markdown table.
	Markdown
)

// Options tune NewSink; the zero value is a Box table with the defaults
// below.
type Options struct {
	Format Format
	// MaxWidth is the widest a line may be, in terminal columns (the
	// terminal's width, say); 0 means no limit. Text columns are narrowed
	// to fit, down to MinCellWidth; numbers keep their width.
	MaxWidth int
	// MaxCellWidth cuts longer values; 0 means 40.
	MaxCellWidth int
	// BlockRows is how many rows fix the column widths; 0 means 1000.
	BlockRows int
}

// MinCellWidth is the narrowest a text column is made to fit MaxWidth.
const MinCellWidth = 6

func (o Options) withDefaults() (Options, error) {
	if o.Format != Box && o.Format != Markdown {
		return o, fmt.Errorf("tableout: unknown format %d", o.Format)
	}
	if o.MaxWidth < 0 || o.MaxCellWidth < 0 || o.BlockRows < 0 {
		return o, fmt.Errorf("tableout: negative width or block size")
	}
	if o.MaxCellWidth == 0 {
		o.MaxCellWidth = 40
	}
	o.MaxCellWidth = max(o.MaxCellWidth, 2)
	if o.BlockRows == 0 {
		o.BlockRows = 1000
	}
	return o, nil
}
