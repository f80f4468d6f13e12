package main

// Exit statuses, documented in README.md.
const (
	exitOK          = 0
	exitUsage       = 1 // bad flags, verbs or arguments
	exitData        = 2 // bad input data or an I/O error
	exitInterrupted = 130
)

// usageError marks errors in how arrowpipe was called.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }
