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
// full schema (schemas, as buildStages returns them), so that an unknown
// column gets the verb's own error, with its suggestion of a close name;
// stages and schemas come back unchanged when src cannot narrow or the
// chain reads every column.
func projectSource(env verb.Env, src pipeline.Source, calls []verbCall, stageWorkers []string, stages []pipeline.Stage, schemas []*arrow.Schema) ([]pipeline.Stage, []*arrow.Schema, error) {
	p, ok := src.(projectable)
	if !ok {
		return stages, schemas, nil
	}
	cols := columnsRead(calls, schemas)
	if cols == nil {
		return stages, schemas, nil
	}
	if err := p.Project(cols); err != nil {
		return nil, nil, err
	}
	return buildStages(env, calls, src.Schema(), stageWorkers)
}

// columnsRead walks the chain backwards from the output, which needs every
// column, asking each verb what it reads for what the next one needs;
// schemas[i] is the input of calls[i]. It returns the chain's input
// columns in input order, or nil when the chain needs them all.
func columnsRead(calls []verbCall, schemas []*arrow.Schema) []string {
	var needed []string // nil: all
	for i := len(calls) - 1; i >= 0; i-- {
		c := calls[i]
		needed = c.spec.Reads(c.args, schemas[i], needed)
	}
	if needed == nil {
		return nil
	}
	in := schemas[0]
	cols := []string{}
	for _, f := range in.Fields() {
		if slices.Contains(needed, f.Name) {
			cols = append(cols, f.Name)
		}
	}
	if len(cols) == in.NumFields() {
		return nil
	}
	return cols
}
