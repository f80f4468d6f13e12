package cluster

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/nats-io/nats.go"

	"github.com/arrowpipe/arrowpipe/pipeline"
)

// A Reject is a bad input row a task left out with ReadSpec.OnError
// "reject": what a single run gives its reject policy, less the file,
// which is the task's (TaskReport.File).
type Reject struct {
	Line   int64  `json:"line"`
	Column int    `json:"column"`
	Field  string `json:"field,omitempty"`
	Reason string `json:"reason"`
	// Record is bytes, not a string: JSON would replace the bytes of a
	// row that is not UTF-8, often the very reason it was rejected.
	Record []byte `json:"record"`

	file string // as the reader named it, for the task's fix
}

// rejectBytes bounds the rejected rows a task reports, as encoded in its
// done message: the server's largest message (1 MiB by default) less room
// for the rest of it.
func rejectBytes(nc *nats.Conn) int {
	return int(max(nc.MaxPayload()-64<<10, 64<<10))
}

// errTooManyRejects fails a task whose rejected rows outgrow its done
// message; every try fails the same way.
var errTooManyRejects = errors.New("cluster: more rejected rows in one task than its result message carries: run without --cluster, with --on-error skip, or with a server's max_payload larger")

// rejectLog collects a task's bad rows from the reader's decoders, which
// call it concurrently, and counts them.
type rejectLog struct {
	keep  bool // "reject": keep the rows; else count them only
	limit int  // the rows' bytes in the done message (rejectBytes)

	mu    sync.Mutex
	n     int64
	bytes int
	rows  []Reject
}

func (l *rejectLog) reject(e *pipeline.DataError) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.n++
	if !l.keep {
		return nil
	}
	r := Reject{Line: e.Line, Column: e.Column, Field: e.Field, Reason: e.Err.Error(), Record: []byte(e.Record), file: e.File}
	// Escapes can make a field's JSON six times its bytes.
	encoded, err := json.Marshal(r)
	if err != nil {
		return err
	}
	l.bytes += len(encoded) + 1
	if l.bytes > l.limit {
		return fmt.Errorf("%w: %s line %d", errTooManyRejects, e.File, e.Line)
	}
	l.rows = append(l.rows, r)
	return nil
}

func (l *rejectLog) count() int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.n
}

// sorted returns the rows in the file's order, whichever decoder met
// them first, with the lines of the file where a range's reader counted
// its own (fix, openTask's).
func (l *rejectLog) sorted(fix func(error) error) []Reject {
	l.mu.Lock()
	defer l.mu.Unlock()
	for i, r := range l.rows {
		de := &pipeline.DataError{File: r.file, Line: r.Line, Err: errors.New(r.Reason)}
		fix(de)
		l.rows[i].Line = de.Line
	}
	slices.SortStableFunc(l.rows, func(a, b Reject) int {
		if a.Line != b.Line {
			return int(min(max(a.Line-b.Line, -1), 1))
		}
		return a.Column - b.Column
	})
	return l.rows
}
