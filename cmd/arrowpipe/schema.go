package main

import (
	"context"
	"fmt"
	"io"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/sharedmem"
	"github.com/arrowpipe/arrowpipe/stages/plan"
	"github.com/arrowpipe/arrowpipe/stages/textval"
	"github.com/arrowpipe/arrowpipe/stages/transform"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// schemaCheckRows is how many rows schema decodes to check them: the
// sample the CSV and NDJSON readers infer types from (1000 rows each).
const schemaCheckRows = 1000

// runSchema is `arrowpipe [FLAGS] schema [FLAGS] FILE...`: print the
// schema a run would use, in the syntax --schema takes. It decodes the
// rows the schema was inferred from first, so that input a run would
// reject there (a bad line, a short record) is reported, with status 2,
// instead of a schema; the rest of the input is not read.
func runSchema(ctx context.Context, o *options, files []string, stdin io.Reader, stdout io.Writer) error {
	if len(files) == 0 {
		files = []string{"-"}
	}
	mem := sharedmem.NewPool(0)
	src, err := openSource(ctx, o, files, stdin, mem, nil)
	if err != nil {
		return err
	}
	defer src.Close()
	if err := checkSample(ctx, src, mem); err != nil {
		return err
	}
	if err := src.Close(); err != nil {
		return err
	}
	// One name:type per line; joined with commas it is a --schema value.
	for _, f := range src.Schema().Fields() {
		fmt.Fprintln(stdout, textval.FormatSchema(arrow.NewSchema([]arrow.Field{f}, nil)))
	}
	return nil
}

// checkSample decodes the first schemaCheckRows rows of src and drops them.
func checkSample(ctx context.Context, src *plan.Source, mem *sharedmem.Pool) error {
	pl, err := plan.Build(verb.Env{Mem: mem}, []verb.Verb{transform.Head(schemaCheckRows)}, src, plan.Options{})
	if err != nil {
		return err
	}
	discard := pipeline.ToFunc(func(context.Context, arrow.RecordBatch) error { return nil })
	return pipeline.New(src, pl.Stages, discard, pipeline.Config{Mem: mem}).Run(ctx)
}
