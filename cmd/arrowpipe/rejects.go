package main

import (
	"encoding/csv"
	"io"
	"sync"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/output"
)

// rejectPolicy applies --on-error to the readers' bad rows: fail stops the
// run; skip drops and counts; reject also writes each one to --rejects as
// CSV (file, line, column, field, reason, record). The decoders meet bad
// rows in whatever order they finish their chunks, so the rows are put
// back in input order (rejectOrder) and written at commit: the file is the
// same for any worker count or handoff mode. Bad rows are rare, so
// encoding/csv is fast enough here.
type rejectPolicy struct {
	mode    string
	tempDir string
	temps   *output.TempFiles

	mu     sync.Mutex
	n      int64
	file   *output.File
	order  *rejectOrder
	spills string // the run files' directory, once made
	remove func() // removes spills
}

func newRejectPolicy(o *options, stdout io.Writer) (*rejectPolicy, error) {
	r := &rejectPolicy{mode: o.onError, tempDir: o.tempDir, temps: o.temps}
	if r.mode != "reject" {
		return r, nil
	}
	f, err := output.Open(o.rejects, output.Options{Stdout: stdout, Temps: o.temps})
	if err != nil {
		return nil, err
	}
	r.file = f
	r.order = newRejectOrder(r.spillDir)
	return r, nil
}

// fn is the pipeline.RejectFunc for the main input's readers; nil means
// fail.
func (r *rejectPolicy) fn() pipeline.RejectFunc {
	if r.mode == "fail" {
		return nil
	}
	return r.reject
}

// tableFn is the pipeline.RejectFunc for the join tables' readers: their
// rows follow the main input's in the rejects file (a table is read while
// the input streams, so no place among the input's rows would be
// deterministic), by table file, each in its input order.
func (r *rejectPolicy) tableFn() pipeline.RejectFunc {
	if r.mode == "fail" {
		return nil
	}
	return func(e *pipeline.DataError) error { return r.add(true, e) }
}

func (r *rejectPolicy) reject(e *pipeline.DataError) error { return r.add(false, e) }

func (r *rejectPolicy) add(table bool, e *pipeline.DataError) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.n++
	if r.order == nil {
		return nil
	}
	return r.order.add(rejectRow{table: table, seq: e.Seq, line: e.Line, column: e.Column,
		file: e.File, field: e.Field, reason: e.Err.Error(), record: e.Record})
}

// spillDir makes the directory for rejectOrder's run files, removed by
// commit or abort.
func (r *rejectPolicy) spillDir() (string, error) {
	if r.spills == "" {
		dir, remove, err := trackedTempDir(r.tempDir, r.temps, "arrowpipe-rejects-*", "rejected rows")
		if err != nil {
			return "", err
		}
		r.spills, r.remove = dir, remove
	}
	return r.spills, nil
}

func (r *rejectPolicy) removeSpills() {
	if r.spills != "" {
		r.remove()
		r.spills = ""
	}
}

func (r *rejectPolicy) count() int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.n
}

// commit writes the rows in order and finishes the rejects file after a
// successful run. Call it once the readers are done.
func (r *rejectPolicy) commit() error {
	if r.file == nil {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	defer r.removeSpills()
	w := csv.NewWriter(r.file)
	if err := w.Write([]string{"file", "line", "column", "field", "reason", "record"}); err != nil {
		return err
	}
	if err := r.order.each(func(row *rejectRow) error { return w.Write(row.csv()) }); err != nil {
		return err
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	return r.file.Commit()
}

// abort removes an uncommitted rejects file and any run files.
func (r *rejectPolicy) abort() {
	if r.file != nil {
		r.file.Abort()
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.removeSpills()
}
