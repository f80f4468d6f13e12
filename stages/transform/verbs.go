package transform

import "github.com/arrowpipe/arrowpipe/stages/verb"

// Verbs returns the specs of the transform verbs, in usage order.
func Verbs() []verb.Spec {
	return []verb.Spec{
		{Name: "select", Args: []string{"COLS"}, Summary: "keep the comma-separated columns, in that order", Build: buildSelect, Reads: readsSelect},
		{Name: "drop", Args: []string{"COLS"}, Summary: "remove the comma-separated columns", Build: buildDrop, Reads: readsNamed},
		{Name: "rename", Args: []string{"OLD=NEW,..."}, Summary: "rename columns", Build: buildRename, Reads: readsRename},
		{Name: "cast", Args: []string{"COL:TYPE,..."}, Summary: "convert columns to int, float, string, bool, timestamp or date; a float becomes the nearest int (halves away from zero); a value that does not convert (the text 3.97 to int, NaN, out of range) is an error", Build: buildCast, Reads: readsNamed},
		{Name: "filter", Args: []string{"EXPR"}, Summary: "keep the rows where EXPR is true (null counts as false)", Build: buildFilter, Reads: readsFilter},
		{Name: "derive", Args: []string{"NAME = EXPR; ..."}, Summary: "add or replace columns computed by expressions; each may use the ones before it", Build: buildDerive, Reads: readsDerive},
		{Name: "head", Args: []string{"N"}, Summary: "keep the first N rows and stop reading", Build: buildHead, Reads: readsRows},
		{Name: "tail", Args: []string{"N"}, Summary: "keep the last N rows; spills to TempDir beyond the memory cap", Build: buildTail, Reads: readsRows},
	}
}
