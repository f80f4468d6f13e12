package main

import (
	"context"
	"fmt"
	"io"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/sharedmem"
	"github.com/arrowpipe/arrowpipe/stages/textval"
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
	defer src.close()
	if err := checkSample(ctx, src, mem); err != nil {
		return err
	}
	if err := src.close(); err != nil {
		return err
	}
	// One name:type per line; joined with commas it is a --schema value.
	for _, f := range src.Schema().Fields() {
		fmt.Fprintln(stdout, textval.FormatSchema(arrow.NewSchema([]arrow.Field{f}, nil)))
	}
	return nil
}

// checkSample decodes the first schemaCheckRows rows of src and drops them.
func checkSample(ctx context.Context, src *openedSource, mem *sharedmem.Pool) error {
	var head *verbCall
	for _, s := range allVerbs(nil) {
		if s.Name == "head" {
			head = &verbCall{spec: s, args: []string{strconv.Itoa(schemaCheckRows)}}
		}
	}
	stages, _, err := buildStages(verb.Env{Mem: mem}, []verbCall{*head}, src.Schema(), nil)
	if err != nil {
		return err
	}
	return pipeline.New(src, stages, discardSink{}, pipeline.Config{Mem: mem}).Run(ctx)
}

// discardSink drops every batch.
type discardSink struct{}

func (discardSink) NewEncoder() pipeline.Encoder { return discardSink{} }

func (discardSink) Encode(context.Context, arrow.RecordBatch) (pipeline.Chunk, error) {
	return pipeline.Chunk{}, nil
}

func (discardSink) Write(_ context.Context, c pipeline.Chunk) error {
	if c.Batch != nil {
		c.Batch.Release()
	}
	return nil
}

func (discardSink) Close(context.Context) error { return nil }
