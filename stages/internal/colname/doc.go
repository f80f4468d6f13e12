// Package colname reads column names the way every verb argument writes
// them, so that a name that works in one verb works in all: a name is
// bare (trimmed, and may contain spaces: unit price) or in backticks
// (`unit price`, a doubled backtick standing for one, as in expressions), and a
// list is comma-separated, a comma inside backticks being part of the
// name. It holds no state and is safe for concurrent use.
package colname
