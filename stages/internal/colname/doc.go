// Package colname reads column names the way every verb argument writes
// them, so that a name that works in one verb works in all: a name is
// bare (trimmed, and may contain spaces: unit price) or in backticks
// (`unit price`, a doubled backtick standing for one, as in expressions), and a
// list is comma-separated, a comma inside backticks being part of the
// name. SplitTop splits lists of calls (aggregates, window functions) the
// same way for every verb, and Closest is the one rule for "did you mean"
// hints on columns, verbs and functions. It holds no state and is safe for
// concurrent use.
package colname
