package plan

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/format"
	"github.com/arrowpipe/arrowpipe/stages/output"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// SideOutputs are the files that tee verbs write besides the main output.
// Like a main output they are written to temporary files, committed
// together after a successful run (Commit) and removed otherwise (Abort).
// Its methods are safe for concurrent use.
type SideOutputs struct {
	// Avoid lists the paths a tee must not write: the run's inputs and
	// other outputs.
	Avoid []string
	// Sink configures the side files' writers.
	Sink SinkOptions
	// Temps, when set, records the temporary files while they exist.
	Temps *output.TempFiles

	mu    sync.Mutex
	files []*output.File
}

// TeeSpec is the command-line form of Tee: tee FILE. sides may be nil
// where only the verb's description is needed (help); building it then
// fails.
func TeeSpec(sides *SideOutputs) verb.Spec {
	return verb.Spec{
		Name:    "tee",
		Args:    []string{verb.FileArg},
		Summary: "also write the stream as it is here to FILE (format and compression from its extension), and pass it on",
		Parse: func(args []string) (verb.Verb, error) {
			if sides == nil {
				return verb.Failed("tee", errors.New("not available here")), nil
			}
			return sides.Tee(args[0]), nil
		},
	}
}

// Tee returns a verb that writes the stream as it reaches it to path, in
// the format and compression its name says (CSV when it says none), and
// passes it on. The stages after it read the whole stream (see Build).
// The file is created when the run starts and committed by Commit.
func (s *SideOutputs) Tee(path string) verb.Verb {
	return verb.Verb{
		Name:         "tee",
		WritesStream: true,
		// No Reads: tee writes every column that reaches it.
		Build: func(env verb.Env, in *arrow.Schema) (pipeline.Stage, *arrow.Schema, error) {
			t, err := s.newTee(path, in, env.Mem)
			if err != nil {
				return pipeline.Stage{}, nil, err
			}
			return t.stage(), in, nil
		},
	}
}

func (s *SideOutputs) add(f *output.File) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.files = append(s.files, f)
}

// Paths lists the side files opened so far.
func (s *SideOutputs) Paths() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, f := range s.files {
		out = append(out, f.Name())
	}
	return out
}

// Commit renames every side file into place.
func (s *SideOutputs) Commit() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var errs []error
	for _, f := range s.files {
		errs = append(errs, f.Commit())
	}
	return errors.Join(errs...)
}

// Abort removes every side file not committed.
func (s *SideOutputs) Abort() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range s.files {
		_ = f.Abort()
	}
}

// newTee checks path and returns the tee that writes to it; the file is
// created when the first batch comes (the chain may be built more than
// once before it runs).
func (s *SideOutputs) newTee(path string, schema *arrow.Schema, mem memory.Allocator) (*tee, error) {
	if output.IsStdout(path) {
		return nil, errors.New("needs a file: the stream itself goes to stdout")
	}
	for _, other := range s.Avoid {
		if output.SamePath(path, other) {
			return nil, fmt.Errorf("%s is also an input or another output", path)
		}
	}
	if st, err := os.Stat(filepath.Dir(path)); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("%s: no such directory", filepath.Dir(path))
	}
	// A name that asks for no format ("side.txt") or one no reader takes
	// ("side.parquet.gz") is refused, as -o refuses it; a bare name is CSV.
	f, _, err := format.ForOutput(path)
	if err != nil {
		return nil, err
	}
	if f == format.Unknown {
		f = format.CSV
	}
	opts := s.Sink
	opts.Mem = mem
	return &tee{sides: s, path: path, format: f, schema: schema, opts: opts}, nil
}

// A tee writes every batch that passes to its file, in stream order, on
// the stage's one worker. The batch goes on downstream as well: the file's
// encoder borrows it, and takes a reference of its own (Retain) if it
// keeps it, as the Arrow writers do.
type tee struct {
	sides  *SideOutputs
	path   string
	format format.Format
	schema *arrow.Schema
	opts   SinkOptions

	sink pipeline.Sink
	enc  pipeline.Encoder
}

func (t *tee) stage() pipeline.Stage {
	return pipeline.Stage{
		Name:      "tee",
		Workers:   1, // the file gets the batches in stream order
		NewWorker: func() pipeline.Worker { return teeWorker{t} },
		Finish: func(ctx context.Context, _ []pipeline.Worker, _ func(arrow.RecordBatch) error) error {
			if err := t.open(); err != nil {
				return err
			}
			return t.sink.Close(ctx)
		},
	}
}

func (t *tee) open() error {
	if t.sink != nil {
		return nil
	}
	f, err := output.Open(t.path, output.Options{Temps: t.sides.Temps})
	if err != nil {
		return err
	}
	t.sides.add(f)
	sink, err := NewSink(f, t.format, t.schema, t.opts)
	if err != nil {
		return err
	}
	t.sink, t.enc = sink, sink.NewEncoder()
	return nil
}

func (t *tee) write(ctx context.Context, rec arrow.RecordBatch) error {
	if err := t.open(); err != nil {
		return err
	}
	var c pipeline.Chunk
	if t.enc == nil { // the sink takes batches: it gets a reference of its own
		rec.Retain()
		c = pipeline.Chunk{Batch: rec, Rows: int(rec.NumRows())}
	} else {
		var err error
		if c, err = t.enc.Encode(ctx, rec); err != nil {
			return fmt.Errorf("%s: %w", t.path, err)
		}
	}
	if err := t.sink.Write(ctx, c); err != nil {
		return fmt.Errorf("%s: %w", t.path, err)
	}
	return nil
}

type teeWorker struct{ t *tee }

func (w teeWorker) Process(ctx context.Context, _ uint64, in arrow.RecordBatch) (arrow.RecordBatch, error) {
	if err := w.t.write(ctx, in); err != nil {
		in.Release()
		return nil, err
	}
	return in, nil
}
