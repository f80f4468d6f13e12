package main

import (
	"slices"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// A projectable source can stop decoding columns after it has opened and
// inferred its schema (the CSV reader: a skipped field is found but not
// parsed, several times cheaper than decoding it).
type projectable interface {
	Project(columns []string) error
}

// projectSource narrows src to the columns the chain reads and rebuilds
// the chain for the narrowed schema. The chain was first built for the
// full schema, so that an unknown column gets the verb's own error, with
// its suggestion of a close name; stages is returned unchanged when src
// cannot narrow or the chain reads every column.
func projectSource(env verb.Env, src pipeline.Source, calls []verbCall, stageWorkers []string, stages []pipeline.Stage, schema *arrow.Schema) ([]pipeline.Stage, *arrow.Schema, error) {
	p, ok := src.(projectable)
	if !ok {
		return stages, schema, nil
	}
	cols, err := columnsRead(env, calls, src.Schema())
	if err != nil || cols == nil {
		return stages, schema, err
	}
	if err := p.Project(cols); err != nil {
		return nil, nil, err
	}
	return buildStages(env, calls, src.Schema(), stageWorkers)
}

// columnsRead walks the chain backwards from the output, which needs every
// column, asking each verb what it reads for what the next one needs. It
// returns the input columns in input order, or nil when the chain needs
// them all.
func columnsRead(env verb.Env, calls []verbCall, in *arrow.Schema) ([]string, error) {
	schemas := make([]*arrow.Schema, len(calls))
	schema := in
	for i, c := range calls {
		schemas[i] = schema
		_, out, err := c.spec.Build(env, c.args, schema)
		if err != nil {
			return nil, err
		}
		schema = out
	}
	var needed []string // nil: all
	for i := len(calls) - 1; i >= 0; i-- {
		c := calls[i]
		if c.spec.Reads == nil {
			needed = nil
			continue
		}
		needed = c.spec.Reads(c.args, schemas[i], needed)
	}
	if needed == nil {
		return nil, nil
	}
	cols := []string{}
	for _, f := range in.Fields() {
		if slices.Contains(needed, f.Name) {
			cols = append(cols, f.Name)
		}
	}
	if len(cols) == in.NumFields() {
		return nil, nil
	}
	return cols, nil
}
