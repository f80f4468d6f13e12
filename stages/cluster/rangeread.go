package cluster

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/ipc"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/internal/arrowtype"
	"github.com/arrowpipe/arrowpipe/stages/plan"
	"github.com/arrowpipe/arrowpipe/stages/textval"
)

// taskSource is what a task reads: a *plan.Source, or a run of a
// Parquet file's row groups.
type taskSource interface {
	pipeline.Source
	Project(columns []string) error
	Close() error
}

// openTask opens a task's input: its file, the range of it (see
// openRange) or a run of its row groups (see openRowGroups). fix turns a
// read error into one about the file.
func openTask(ctx context.Context, t *Task, ropts plan.ReadOptions) (src taskSource, fix func(error) error, err error) {
	if t.RowGroups != nil {
		return openRowGroups(t.Files[0], *t.RowGroups, ropts)
	}
	if t.Range == nil {
		src, err := plan.Open(ctx, t.Files, nil, ropts)
		return src, func(err error) error { return err }, err
	}
	want, err := parseSchema(t.Schema)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: schema: %v", ErrBadTask, err)
	}
	return openRange(ctx, t.Files[0], *t.Range, want, ropts)
}

// openRange reads the records of r as the whole file's reader reads
// them: the header record first (for a range after the first), then the
// range's bytes, with the file's types. The range is read with only the
// user's types given, so that inferred columns keep their checks (a value
// such as 007 in an int64 column is an error); a column whose type the
// range's own records infer otherwise is read again as the file's type
// (an NDJSON range is given all the file's types: its columns are in
// order of first appearance). Errors name the file and its line, not the
// range's.
func openRange(ctx context.Context, file string, r Range, want *arrow.Schema, ropts plan.ReadOptions) (*plan.Source, func(error) error, error) {
	open := func(ropts plan.ReadOptions) (*plan.Source, error) {
		f, err := os.Open(file)
		if err != nil {
			return nil, err
		}
		var body io.Reader = io.NewSectionReader(f, r.Start, r.End-r.Start)
		if r.Header > 0 {
			body = io.MultiReader(io.NewSectionReader(f, 0, r.Header), body)
		}
		src, err := plan.Open(ctx, []string{"-"}, readCloser{body, f}, ropts)
		if err != nil {
			f.Close() // closed already if the source took it; a second Close is harmless
		}
		return src, err
	}
	headerLines, err := countLines(file, r.Header)
	if err != nil {
		return nil, nil, err
	}
	fix := func(err error) error {
		if err == nil {
			return nil
		}
		var de *pipeline.DataError
		if errors.As(err, &de) && (de.File == "" || de.File == "<stdin>" || de.File == "-") {
			de.File = file
			if de.Line > 0 {
				de.Line += r.Line - 1 - headerLines
			}
			de.Offset += r.Start - r.Header
			return err
		}
		return fmt.Errorf("%s (bytes %d to %d): %w", file, r.Start, r.End, err)
	}
	if ropts.Format.String() == "ndjson" {
		// NDJSON orders its columns by first appearance: give them all.
		ropts.Schema = specOf(want, nil)
	}
	src, err := open(ropts)
	if err != nil {
		return nil, nil, fix(err)
	}
	got := src.Schema()
	if got.Equal(want) {
		return src, fix, nil
	}
	src.Close()
	if got.NumFields() != want.NumFields() {
		return nil, nil, fmt.Errorf("%s (bytes %d to %d): reads as %s, the file as %s", file, r.Start, r.End, got, want)
	}
	ropts.Schema = append(ropts.Schema[:len(ropts.Schema):len(ropts.Schema)], specOf(want, got)...)
	if src, err = open(ropts); err != nil {
		return nil, nil, fix(err)
	}
	if got := src.Schema(); !got.Equal(want) {
		src.Close()
		return nil, nil, fmt.Errorf("%s (bytes %d to %d): reads as %s, the file as %s", file, r.Start, r.End, got, want)
	}
	return src, fix, nil
}

// specOf returns the types of want's columns whose type in got differs
// (all of them when got is nil): columns the user's types name never
// differ.
func specOf(want, got *arrow.Schema) textval.Spec {
	var spec textval.Spec
	for i, f := range want.Fields() {
		if got == nil || !arrowtype.Same(f.Type, got.Field(i).Type) {
			spec = append(spec, textval.SpecField{Name: f.Name, Type: f.Type})
		}
	}
	return spec
}

// countLines counts the newlines in the first n bytes of file.
func countLines(file string, n int64) (int64, error) {
	if n == 0 {
		return 0, nil
	}
	f, err := os.Open(file)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	b := make([]byte, n)
	if _, err := io.ReadFull(f, b); err != nil {
		return 0, fmt.Errorf("%s: header: %w", file, err)
	}
	return int64(bytes.Count(b, newline)), nil
}

type readCloser struct {
	io.Reader
	io.Closer
}

// schemaBytes writes a schema as an Arrow IPC stream without batches.
func schemaBytes(s *arrow.Schema) ([]byte, error) {
	var b bytes.Buffer
	w := ipc.NewWriter(&b, ipc.WithSchema(s))
	if err := w.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func parseSchema(data []byte) (*arrow.Schema, error) {
	r, err := ipc.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	defer r.Release()
	return r.Schema(), nil
}
