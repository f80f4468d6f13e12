package transform

import (
	"github.com/apache/arrow-go/v18/arrow"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// Verbs returns the specs of the transform verbs, in usage order.
func Verbs() []verb.Spec {
	return []verb.Spec{
		{Name: "select", Args: []string{"COLS"}, Summary: "keep the comma-separated columns, in that order", Parse: bind("select", buildSelect, readsSelect)},
		{Name: "drop", Args: []string{"COLS"}, Summary: "remove the comma-separated columns", Parse: bind("drop", buildDrop, readsNamed)},
		{Name: "rename", Args: []string{"OLD=NEW,..."}, Summary: "rename columns", Parse: bind("rename", buildRename, readsRename)},
		{Name: "cast", Args: []string{"COL:TYPE,..."}, Summary: "convert columns to int, float, string, bool, timestamp or date; a float becomes the nearest int (halves away from zero); a value that does not convert (the text 3.97 to int, NaN, out of range) is an error", Parse: bind("cast", buildCast, readsNamed)},
		{Name: "filter", Args: []string{"EXPR"}, Summary: "keep the rows where EXPR is true (null counts as false)", Parse: bind("filter", buildFilter, readsFilter)},
		{Name: "derive", Args: []string{"NAME = EXPR; ..."}, Summary: "add or replace columns computed by expressions; each may use the ones before it", Parse: bind("derive", buildDerive, readsDerive)},
		{Name: "head", Args: []string{"N"}, Summary: "keep the first N rows and stop reading", Parse: bind("head", buildHead, readsRows)},
		{Name: "tail", Args: []string{"N"}, Summary: "keep the last N rows; spills to TempDir beyond the memory cap", Parse: bind("tail", buildTail, readsRows)},
	}
}

// bind makes a Spec's Parse from a build and a reads function that take
// the words themselves.
func bind(name string,
	build func(env verb.Env, args []string, in *arrow.Schema) (pipeline.Stage, *arrow.Schema, error),
	reads func(args []string, in *arrow.Schema, needed []string) []string,
) func(args []string) (verb.Verb, error) {
	return func(args []string) (verb.Verb, error) {
		return verb.Verb{
			Name:   name,
			Spills: name == "tail",
			Build: func(env verb.Env, in *arrow.Schema) (pipeline.Stage, *arrow.Schema, error) {
				return build(env, args, in)
			},
			Reads: func(in *arrow.Schema, needed []string) []string { return reads(args, in, needed) },
		}, nil
	}
}
