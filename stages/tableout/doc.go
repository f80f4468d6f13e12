// Package tableout writes batches as a table for people to read: aligned
// columns for a terminal (Format Box) or a GitHub-flavoured Markdown table
// (Format Markdown).
//
//	batches ─► Sink.Write: each value as display text (cell.go) ─► block of rows
//	block full or Close ─► column widths (width.go) ─► lines (render.go) ─► w
//
// Numbers are right-aligned, everything else left-aligned; nulls show as
// ∅ (Box) or *null* (Markdown), so that they differ from any string; control
// characters show escaped (\n, \t). A cell wider than Options.MaxCellWidth
// is cut and ends with "…", and when the table would be wider than
// Options.MaxWidth its widest text columns are narrowed first. Widths count
// terminal columns (East Asian wide characters are two, combining marks
// none).
//
// Memory is bounded by Options.BlockRows: the column widths are fixed by
// the first block of rows, which is held until it is full (or the stream
// ends); later rows are written as they come, their text cut to those
// widths (numbers are never cut: a wider number widens its row). A Box
// table ends with a closing rule on Close.
//
// A Sink has no Encoder: the pipeline calls Write from one goroutine, and
// Write borrows nothing after it returns (it releases the batch it owns).
package tableout
