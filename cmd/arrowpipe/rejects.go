package main

import (
	"encoding/csv"
	"io"
	"strconv"
	"sync"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/output"
)

// rejectPolicy applies --on-error to the readers' bad rows: fail stops the
// run; skip drops and counts; reject also writes each one to --rejects as
// CSV (file, line, column, field, reason, record). Bad rows are rare, so
// encoding/csv is fast enough here.
type rejectPolicy struct {
	mode string

	mu   sync.Mutex
	n    int64
	file *output.File
	w    *csv.Writer
	err  error
}

func newRejectPolicy(o *options, stdout io.Writer) (*rejectPolicy, error) {
	r := &rejectPolicy{mode: o.onError}
	if r.mode != "reject" {
		return r, nil
	}
	f, err := output.Open(o.rejects, output.Options{Stdout: stdout, Temps: o.temps})
	if err != nil {
		return nil, err
	}
	r.file = f
	r.w = csv.NewWriter(f)
	r.err = r.w.Write([]string{"file", "line", "column", "field", "reason", "record"})
	return r, nil
}

// fn is the pipeline.RejectFunc for the readers; nil means fail.
func (r *rejectPolicy) fn() pipeline.RejectFunc {
	if r.mode == "fail" {
		return nil
	}
	return r.reject
}

func (r *rejectPolicy) reject(e *pipeline.DataError) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.n++
	if r.w == nil {
		return nil
	}
	file := e.File
	if file == "" {
		file = "-"
	}
	if err := r.w.Write([]string{
		file,
		strconv.FormatInt(e.Line, 10),
		strconv.Itoa(e.Column),
		e.Field,
		e.Err.Error(),
		e.Record,
	}); err != nil && r.err == nil {
		r.err = err
	}
	return r.err
}

func (r *rejectPolicy) count() int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.n
}

// commit finishes the rejects file after a successful run.
func (r *rejectPolicy) commit() error {
	if r.file == nil {
		return nil
	}
	r.w.Flush()
	if err := r.w.Error(); err != nil {
		return err
	}
	if r.err != nil {
		return r.err
	}
	return r.file.Commit()
}

// abort removes an uncommitted rejects file.
func (r *rejectPolicy) abort() {
	if r.file != nil {
		r.file.Abort()
	}
}
