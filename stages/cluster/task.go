package cluster

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/arrowpipe/arrowpipe/stages/format"
	"github.com/arrowpipe/arrowpipe/stages/plan"
	"github.com/arrowpipe/arrowpipe/stages/textval"
)

// TaskVersion is the task format this build writes and runs; a worker
// refuses any other. Version 2 added Range and Schema, version 3
// RowGroups and ResultDir, version 4 Object, version 5 Tables, version 6
// a rejected row's record as bytes in the done message, version 7 Origin
// and ReadSpec's PartitionKeys and TextPartitions.
const TaskVersion = 7

// maxTaskBytes bounds a task message: a task names files and verbs, it
// never carries data.
const maxTaskBytes = 1 << 20

// ErrBadTask is wrapped by every error about a task message that does not
// parse or validate: such a task is refused, never run.
var ErrBadTask = errors.New("cluster: malformed task")

// A Task is one unit of work as it travels to a worker: data, never code.
// The worker reads Files (or the Range of its one file) with Read, keeps
// Columns, runs the verbs of Chain (each a verb's name and its words, as
// on the command line) and sends the batches back.
type Task struct {
	Version int        `json:"version"`
	Job     string     `json:"job"`
	Index   int        `json:"task"`
	Files   []string   `json:"files"`
	Chain   [][]string `json:"chain"`
	Read    ReadSpec   `json:"read"`
	// Columns are the input columns the whole chain reads, in input order;
	// empty means every column.
	Columns []string `json:"columns,omitempty"`
	// Range, when set, is the part of the file to read (CSV, TSV or
	// NDJSON, with Read.Format set); nil means the whole file.
	Range *Range `json:"range,omitempty"`
	// Schema is the whole file's schema (an Arrow IPC stream without
	// batches), which a range reads with: a range's own first records
	// could infer other types. Set with Range only.
	Schema []byte `json:"schema,omitempty"`
	// RowGroups, when set, is the run of row groups of a Parquet file to
	// read (Read.Format "parquet"); nil means the whole file.
	RowGroups *RowGroups `json:"row_groups,omitempty"`
	// ResultDir, when set, is the job's result directory on a shared
	// file system (see resultDirPrefix): a worker that sees it writes the
	// result there instead of sending it through JetStream.
	ResultDir string `json:"result_dir,omitempty"`
	// Object, when set, names the object in the job's bucket (dataBucket)
	// that holds the task's bytes, which the worker reads instead of
	// Files[0] (then only the name in its errors): stdin, or a file
	// workers cannot read (Job.Upload). With Range, the range is of the
	// object.
	Object string `json:"object,omitempty"`
	// Tables are the tables of the chain's joins (mapJoin), which each
	// join's FILE word names (TableRef.Name), in chain order.
	Tables []TableRef `json:"tables,omitempty"`
	// Origin, when set, is the name the user gave the task's file and
	// the part of it an expansion walked, which give the file-name and
	// partition columns (plan.FileOrigin) whatever path the worker reads.
	// Set for a whole file only: a range or run of row groups is of a
	// file without those columns (fileRanges).
	Origin *Origin `json:"origin,omitempty"`
}

// An Origin is where a task's file came from: plan.FileOrigin as data.
type Origin struct {
	Name   string `json:"name"`
	Walked string `json:"walked,omitempty"`
}

// maxOriginBytes bounds each of an origin's paths (PATH_MAX).
const maxOriginBytes = 4096

// validate accepts a name in UTF-8 without NUL and a walked part that is
// a clean relative path below its root, both at most maxOriginBytes.
func (o *Origin) validate() error {
	switch w := o.Walked; {
	case o.Name == "" || len(o.Name) > maxOriginBytes || !utf8.ValidString(o.Name) || strings.ContainsRune(o.Name, 0):
		return fmt.Errorf("origin name %q (want 1 to %d bytes of UTF-8 without NUL)", o.Name, maxOriginBytes)
	case len(w) > maxOriginBytes || !utf8.ValidString(w) || strings.ContainsRune(w, 0):
		return fmt.Errorf("origin walked part %q (want at most %d bytes of UTF-8 without NUL)", w, maxOriginBytes)
	case w != "" && (filepath.IsAbs(w) || filepath.Clean(w) != w || slices.Contains(strings.Split(filepath.ToSlash(w), "/"), "..")):
		return fmt.Errorf("origin walked part %q (want a clean relative path below its root)", w)
	}
	return nil
}

// readOrigins returns the plan.ReadOptions.Origins of a task that reads
// file, or nil when it has none.
func (t *Task) readOrigins() []plan.FileOrigin {
	if t.Origin == nil || t.Range != nil || t.RowGroups != nil {
		return nil
	}
	return []plan.FileOrigin{{Name: t.Origin.Name, Walked: t.Origin.Walked}}
}

// ReadSpec is the input flags of a run, as text, so that a task carries
// them as data: the fields mean what plan.ReadOptions' fields mean.
type ReadSpec struct {
	Format         string   `json:"format,omitempty"`
	Delimiter      string   `json:"delimiter,omitempty"`
	NoHeader       bool     `json:"no_header,omitempty"`
	Schema         string   `json:"schema,omitempty"`
	NullValues     []string `json:"null_values,omitempty"`
	BatchRows      int      `json:"batch_rows,omitempty"`
	BatchBytes     int      `json:"batch_bytes,omitempty"`
	FilenameColumn string   `json:"filename_column,omitempty"`
	NoHive         bool     `json:"no_hive,omitempty"`
	StrictSchema   bool     `json:"strict_schema,omitempty"`
	// TextColumns are the CSV and TSV columns read as their text (see
	// plan.ReadOptions.TextColumns), resolved by the coordinator.
	TextColumns []string `json:"text_columns,omitempty"`
	// PartitionKeys are the job's partition columns (plan.ReadOptions.
	// PartitionKeys): every task has them all, nulls where its file has
	// no such directory.
	PartitionKeys []string `json:"partition_keys,omitempty"`
	// TextPartitions are the partition keys the job reads as strings
	// (plan.ReadOptions.TextPartitions): a key with a value that is not
	// an integer in any file is a string in every task, as in a single
	// run over all the files.
	TextPartitions []string `json:"text_partitions,omitempty"`
	// OnError is what a bad row of text input does: "" stops the task
	// with its error, "skip" drops it and counts it (done.Rejected), as
	// --on-error does in a single run, and "reject" reports it too
	// (TaskReport.Rejects).
	OnError string `json:"on_error,omitempty"`
}

// Options returns the plan.ReadOptions the spec stands for (without an
// allocator: the caller sets Mem).
func (r ReadSpec) Options() (plan.ReadOptions, error) {
	var o plan.ReadOptions
	var err error
	if r.Format != "" {
		if o.Format, err = format.Parse(r.Format); err != nil {
			return o, fmt.Errorf("read format %q: %w", r.Format, err)
		}
	}
	switch len(r.Delimiter) {
	case 0:
	case 1:
		o.Delimiter = r.Delimiter[0]
	default:
		return o, fmt.Errorf("delimiter %q: want one byte", r.Delimiter)
	}
	if r.Schema != "" {
		if o.Schema, err = textval.ParseSpec(r.Schema); err != nil {
			return o, fmt.Errorf("schema %q: %w", r.Schema, err)
		}
	}
	switch r.OnError {
	case "", "skip", "reject":
	default:
		return o, fmt.Errorf("on_error %q: want skip, reject or nothing", r.OnError)
	}
	if r.BatchRows < 0 || r.BatchBytes < 0 {
		return o, errors.New("batch_rows and batch_bytes must not be negative")
	}
	o.NoHeader = r.NoHeader
	o.NullValues = r.NullValues
	o.BatchRows = r.BatchRows
	o.BatchBytes = r.BatchBytes
	o.FilenameColumn = r.FilenameColumn
	o.NoHive = r.NoHive
	o.StrictSchema = r.StrictSchema
	for _, keys := range [][]string{r.PartitionKeys, r.TextPartitions} {
		for i, k := range keys {
			if k == "" || slices.Contains(keys[:i], k) {
				return o, fmt.Errorf("partition key %q: empty or given twice", k)
			}
		}
	}
	o.PartitionKeys = r.PartitionKeys
	o.TextPartitions = r.TextPartitions
	if len(r.TextColumns) > 0 {
		// Resolved over the job's columns, partition and file-name ones
		// included: each file reads those of its own columns, as a
		// single run's union asks each file's.
		names := r.TextColumns
		o.TextColumns = func(inferred *arrow.Schema) []string {
			var own []string
			for _, n := range names {
				if inferred.HasField(n) {
					own = append(own, n)
				}
			}
			return own
		}
	}
	return o, nil
}

// Marshal encodes the task for a message.
func (t *Task) Marshal() ([]byte, error) {
	if err := t.validate(); err != nil {
		return nil, err
	}
	return json.Marshal(t)
}

// ParseTask decodes and validates a task message strictly: unknown
// fields, trailing data, another version, a bad job id, an empty or
// non-absolute file list, an empty verb name or read options that do not
// parse are errors wrapping ErrBadTask. Whether the verbs exist is checked
// when the worker builds them.
func ParseTask(data []byte) (*Task, error) {
	if len(data) > maxTaskBytes {
		return nil, fmt.Errorf("%w: %d bytes (at most %d)", ErrBadTask, len(data), maxTaskBytes)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var t Task
	if err := dec.Decode(&t); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadTask, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%w: data after the task", ErrBadTask)
	}
	if err := t.validate(); err != nil {
		return nil, err
	}
	return &t, nil
}

func (t *Task) validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrBadTask}, args...)...)
	}
	switch {
	case t.Version != TaskVersion:
		return bad("version %d (this worker runs version %d)", t.Version, TaskVersion)
	case !validID(t.Job):
		return bad("job id %q (want 1 to 64 letters and digits)", t.Job)
	case t.Index < 0:
		return bad("task number %d", t.Index)
	case len(t.Files) != 1:
		return bad("%d files (a task reads one)", len(t.Files))
	}
	if r := t.Range; r != nil {
		switch {
		case r.Start < 0 || r.End <= r.Start || r.Header < 0 || r.Header > r.Start || r.Line < 1:
			return bad("range %+v", *r)
		case len(t.Schema) == 0:
			return bad("a range without the file's schema")
		}
		switch t.Read.Format {
		case "csv", "tsv", "ndjson":
		default:
			return bad("a range of format %q (want csv, tsv or ndjson)", t.Read.Format)
		}
	} else if len(t.Schema) > 0 {
		return bad("a schema without a range")
	}
	if g := t.RowGroups; g != nil {
		switch {
		case t.Range != nil:
			return bad("both a byte range and row groups")
		case g.First < 0 || g.Count < 1 || g.First > 1<<30 || g.Count > 1<<30:
			return bad("row groups %+v", *g)
		case t.Read.Format != "parquet":
			return bad("row groups of format %q (want parquet)", t.Read.Format)
		}
	}
	if o := t.Origin; o != nil {
		if t.Range != nil || t.RowGroups != nil {
			return bad("an origin with a range or row groups")
		}
		if err := o.validate(); err != nil {
			return bad("%v", err)
		}
	}
	if t.ResultDir != "" && !validResultDir(t.ResultDir, t.Job) {
		return bad("result directory %q (want an absolute path ending in %s%s)", t.ResultDir, resultDirPrefix, t.Job)
	}
	if t.Object != "" && t.Object != objectName(t.Index) {
		return bad("object %q (want %s)", t.Object, objectName(t.Index))
	}
	for _, f := range t.Files {
		if !validPath(f) {
			return bad("file %q (want an absolute path)", f)
		}
	}
	for i, call := range t.Chain {
		if len(call) == 0 || call[0] == "" || call[0] == "then" {
			return bad("verb %d has no name", i+1)
		}
	}
	if err := t.validateTables(); err != nil {
		return err
	}
	if _, err := t.Read.Options(); err != nil {
		return bad("%v", err)
	}
	return nil
}

// validPath accepts an absolute path in UTF-8 without NUL.
func validPath(f string) bool {
	return utf8.ValidString(f) && strings.HasPrefix(f, "/") && !strings.ContainsRune(f, 0)
}

// validID accepts the ids this package makes (nuid: 22 letters and
// digits), which are safe as subject tokens and stream names.
func validID(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for _, c := range []byte(s) {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}
