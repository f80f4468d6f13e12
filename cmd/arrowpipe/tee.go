package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/format"
	"github.com/arrowpipe/arrowpipe/stages/output"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// sideOutputs are the files that tee verbs write besides the main output.
// Like the main output they are written to temporary files, committed
// after a successful run and removed otherwise.
type sideOutputs struct {
	mu    sync.Mutex
	files []*output.File
	// o and inputs are the run's flags and input files, which tee paths
	// must not clash with; set once the command line is parsed.
	o      *options
	inputs []string
}

func (s *sideOutputs) add(f *output.File) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.files = append(s.files, f)
}

// paths lists the side files opened so far.
func (s *sideOutputs) paths() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, f := range s.files {
		out = append(out, f.Name())
	}
	return out
}

// commit renames every side file into place.
func (s *sideOutputs) commit() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var errs []error
	for _, f := range s.files {
		errs = append(errs, f.Commit())
	}
	return errors.Join(errs...)
}

// abort removes every side file not committed.
func (s *sideOutputs) abort() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range s.files {
		_ = f.Abort()
	}
}

// teeVerb is the tee verb. sides may be nil where only the verb's
// description is needed (help).
func teeVerb(sides *sideOutputs) verb.Spec {
	return verb.Spec{
		Name:    "tee",
		Args:    []string{verb.FileArg},
		Summary: "also write the stream as it is here to FILE (format and compression from its extension), and pass it on",
		Parse: func(args []string) (verb.Verb, error) {
			return verb.Verb{Name: "tee", WritesStream: true, Build: func(env verb.Env, in *arrow.Schema) (pipeline.Stage, *arrow.Schema, error) {
				if sides == nil {
					return pipeline.Stage{}, nil, errors.New("tee: not available here")
				}
				t, err := sides.newTee(args[0], in, env.Mem)
				if err != nil {
					return pipeline.Stage{}, nil, fmt.Errorf("tee: %w", err)
				}
				return t.stage(), in, nil
			}}, nil
		},
		// No Reads: tee writes every column that reaches it.
	}
}

// newTee checks path and returns the tee that writes to it; the file is
// created when the first batch comes (the chain may be built more than
// once before it runs).
func (s *sideOutputs) newTee(path string, schema *arrow.Schema, mem memory.Allocator) (*tee, error) {
	if isStdout(path) {
		return nil, errors.New("needs a file: the stream itself goes to stdout")
	}
	for _, other := range append([]string{s.o.output, s.o.rejects}, s.inputs...) {
		if samePath(path, other) {
			return nil, fmt.Errorf("%s is also an input or another output", path)
		}
	}
	if st, err := os.Stat(filepath.Dir(path)); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("%s: no such directory", filepath.Dir(path))
	}
	f, _ := format.FromPath(path)
	if f == format.Unknown {
		f = format.CSV
	}
	o := *s.o
	o.output, o.to, o.compress = path, f.String(), ""
	return &tee{sides: s, o: &o, path: path, format: f, schema: schema, mem: mem}, nil
}

// A tee writes every batch that passes to its file, in stream order, on
// the stage's one worker. The batch goes on downstream as well: the file's
// encoder borrows it, and takes a reference of its own (Retain) if it
// keeps it, as the Arrow writers do.
type tee struct {
	sides  *sideOutputs
	o      *options
	path   string
	format format.Format
	schema *arrow.Schema
	mem    memory.Allocator

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
	f, err := output.Open(t.path, output.Options{Temps: t.o.temps})
	if err != nil {
		return err
	}
	t.sides.add(f)
	sink, err := newSink(t.o, outputTarget{file: f, format: t.format}, t.schema, t.mem)
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
	c, err := t.enc.Encode(ctx, rec)
	if err != nil {
		return fmt.Errorf("%s: %w", t.path, err)
	}
	if err := t.sink.Write(ctx, c); err != nil {
		return fmt.Errorf("%s: %w", t.path, err)
	}
	return nil
}

type teeWorker struct{ t *tee }

func (w teeWorker) Process(ctx context.Context, seq uint64, in arrow.RecordBatch) (arrow.RecordBatch, error) {
	if err := w.t.write(ctx, in); err != nil {
		in.Release()
		return nil, err
	}
	return in, nil
}

// readToTheEnd makes the stages after the first tee ignore early stops:
// head would stop the reader, and the tee's file would miss the rest of
// the stream. head then drops the rows past its count instead.
func readToTheEnd(calls []verbCall, stages []pipeline.Stage) {
	first := slices.IndexFunc(calls, func(c verbCall) bool { return c.spec.Name == "tee" })
	if first < 0 {
		return
	}
	for i := first + 1; i < len(stages); i++ {
		if stages[i].Finish != nil {
			continue // its Finish gets its own workers back; none stops early
		}
		newWorker := stages[i].NewWorker
		stages[i].NewWorker = func() pipeline.Worker { return noStop{newWorker()} }
	}
}

// noStop turns a worker's early stop into a plain result.
type noStop struct{ w pipeline.Worker }

func (n noStop) Process(ctx context.Context, seq uint64, in arrow.RecordBatch) (arrow.RecordBatch, error) {
	out, err := n.w.Process(ctx, seq, in)
	if errors.Is(err, pipeline.ErrStop) {
		err = nil
	}
	return out, err
}
