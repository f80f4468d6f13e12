package transform

import "github.com/arrowpipe/arrowpipe/stages/verb"

// Verbs returns the command-line form of the transform verbs, in usage
// order: each Spec's Parse turns the words into the typed arguments and
// calls the constructor (Select, Drop, ...), so that the command line and
// Go build the same Verb. Parse reports the errors the words show by
// themselves; the rest are reported by Build, pointing into the words.
func Verbs() []verb.Spec {
	return []verb.Spec{
		{Name: "select", Args: []string{"COLS"}, Summary: "keep the comma-separated columns, in that order", Parse: parseSelect},
		{Name: "drop", Args: []string{"COLS"}, Summary: "remove the comma-separated columns", Parse: parseDrop},
		{Name: "rename", Args: []string{"OLD=NEW,..."}, Summary: "rename columns", Parse: parseRename},
		{Name: "cast", Args: []string{"COL:TYPE,..."}, Summary: "convert columns to int, float, string, bool, timestamp (UTC), timestamp[us] (zone-less), date or decimal(p,s); a float becomes the nearest int (halves away from zero); a value that does not convert (the text 3.97 to int, NaN, out of range) is an error", Parse: parseCast},
		{Name: "filter", Args: []string{"EXPR"}, Summary: "keep the rows where EXPR is true (null counts as false)", Parse: parseFilter},
		{Name: "derive", Args: []string{"NAME = EXPR; ..."}, Summary: "add or replace columns computed by expressions; each may use the ones before it", Parse: parseDerive},
		{Name: "head", Args: []string{"N"}, Summary: "keep the first N rows and stop reading", Parse: parseHead},
		{Name: "grep", Args: []string{"[-v] [-i]", "PATTERN", "[COLS]"}, Summary: "keep the rows where the regular expression PATTERN matches in any column, or in the comma-separated COLS; -v keeps the rows where none matches, -i ignores case", Words: grepWords, Parse: parseGrep},
		FlattenSpec(),
		{Name: "explode", Args: []string{"COL"}, Summary: "one row per element of the list column COL, the other columns repeated; a null or empty list gives no row", Parse: parseExplode},
		{Name: "tail", Args: []string{"N"}, Summary: "keep the last N rows; spills to TempDir beyond the memory cap", Parse: parseTail},
	}
}
