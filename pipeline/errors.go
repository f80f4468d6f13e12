package pipeline

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ErrStop, returned by a Worker (alone or wrapped), ends the stream early
// without error: the source stops reading, batches already in flight drain,
// and Run returns nil. It is how head N stops a 10 GB read after a few chunks.
var ErrStop = errors.New("pipeline: stop")

// A DataError reports bad input: a record that cannot be read as the schema
// says. Readers return it (or pass it to their reject policy) with the place
// of the bad value; Column and Line are 1-based, 0 when unknown.
type DataError struct {
	File   string
	Line   int64
	Column int
	// Field is the column's name, when known.
	Field string
	// Offset is the byte offset of the record in the (decompressed) input.
	Offset int64
	// Record is the raw text of the bad record, for a rejects file.
	Record string
	// Seq is the sequence number of the chunk the record was read from
	// (Chunk.Seq): decoders meet bad records concurrently, and a policy
	// that writes them puts them back in input order by (Seq, Line).
	Seq uint64
	Err error
}

func (e *DataError) Error() string {
	var b strings.Builder
	file := e.File
	if file == "" {
		file = "<stdin>"
	}
	b.WriteString(file)
	if e.Line > 0 {
		b.WriteByte(':')
		b.WriteString(strconv.FormatInt(e.Line, 10))
		if e.Column > 0 {
			b.WriteByte(':')
			b.WriteString(strconv.Itoa(e.Column))
		}
	} else {
		fmt.Fprintf(&b, ": byte %d", e.Offset)
	}
	b.WriteString(": ")
	if e.Field != "" {
		fmt.Fprintf(&b, "column %q: ", e.Field)
	}
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e *DataError) Unwrap() error { return e.Err }

// RejectFunc decides what happens to a bad record. Readers call it, from any
// of their workers, with each DataError they meet: concurrently across
// chunks, in line order within one (DataError.Seq names the chunk). Returning nil drops the
// record and goes on (the policy counted or saved it); returning an error
// fails the run with it.
type RejectFunc func(*DataError) error

// A StageError is a failure inside one stage, at one batch.
type StageError struct {
	Stage string
	// Seq is the sequence number of the batch being processed, or -1 when
	// the failure was not about one batch (a stage's Finish, a sink's Close).
	Seq int64
	Err error
}

func (e *StageError) Error() string {
	if e.Seq < 0 {
		return fmt.Sprintf("stage %s: %v", e.Stage, e.Err)
	}
	return fmt.Sprintf("stage %s, batch %d: %v", e.Stage, e.Seq, e.Err)
}

func (e *StageError) Unwrap() error { return e.Err }

// A PanicError is a panic recovered in a pipeline goroutine. It keeps the
// panic value and the stack of the goroutine that panicked.
type PanicError struct {
	Value any
	Stack []byte
}

func (e *PanicError) Error() string {
	return fmt.Sprintf("panic: %v\n\n%s", e.Value, e.Stack)
}
