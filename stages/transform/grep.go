package transform

import (
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/expr"
	"github.com/arrowpipe/arrowpipe/stages/internal/colname"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// GrepOptions are grep's switches; the zero value matches case-sensitively
// in every column and keeps the matching rows.
type GrepOptions struct {
	// Invert keeps the rows where no column matches (grep -v).
	Invert bool
	// IgnoreCase matches letters in any case (grep -i), as RE2's (?i).
	IgnoreCase bool
	// Columns are the columns searched; nil means every column the
	// expression language reads (list and struct columns are skipped).
	Columns []string
}

// Grep returns the verb that keeps the rows where pattern, a regular
// expression in Go's RE2 syntax, matches somewhere in a searched column:
// strings as they are, other columns as to_string prints them. A null
// field never matches, so grep -v keeps a row whose fields are all null.
// It is a filter with regexp_matches (stages/expr), compiled once per
// stage: a plain-string pattern is a bytes search across the column
// (~11-16 ns/row for short strings, BenchmarkRegexpMatches), any other is
// first searched for a literal every match contains and then run on a
// DFA when it has one (~20-30 ns/row). A column whose printed text cannot
// hold a match (letters against a number) is not searched. Build fails
// for an invalid pattern or an unknown column.
func Grep(pattern string, opts GrepOptions) verb.Verb {
	if _, err := regexp.Compile(pattern); err != nil {
		return verb.Failed("grep", fmt.Errorf("grep: invalid regular expression %q: %w", pattern, err))
	}
	return verb.Verb{
		Name: "grep",
		Build: func(env verb.Env, in *arrow.Schema) (pipeline.Stage, *arrow.Schema, error) {
			cond, err := grepCondition(pattern, opts, in)
			if err != nil {
				return pipeline.Stage{}, nil, err
			}
			st, out, err := buildFilter(env, cond, in)
			if err != nil {
				return st, out, fmt.Errorf("grep: %w", err)
			}
			st.Name = "grep"
			return st, out, nil
		},
		Reads: func(_ *arrow.Schema, needed []string) []string {
			if opts.Columns == nil {
				return nil
			}
			return readsPassing(needed, opts.Columns)
		},
	}
}

// grepCondition writes grep as a filter condition:
// coalesce(regexp_matches(c1, p), false) or ..., negated for Invert.
func grepCondition(pattern string, opts GrepOptions, in *arrow.Schema) (string, error) {
	if opts.IgnoreCase {
		pattern = "(?i)" + pattern
	}
	cols := opts.Columns
	if cols == nil {
		for _, f := range in.Fields() {
			if expr.Readable(f.Type) && f.Type.ID() != arrow.LIST {
				cols = append(cols, f.Name)
			}
		}
	}
	var terms []string
	for _, c := range cols {
		idx := in.FieldIndices(c)
		if len(idx) == 0 {
			names := make([]string, in.NumFields())
			for k, f := range in.Fields() {
				names[k] = f.Name
			}
			if hint := colname.Closest(c, names); hint != "" {
				return "", fmt.Errorf("grep: unknown column %q, did you mean %q?", c, hint)
			}
			return "", fmt.Errorf("grep: unknown column %q", c)
		}
		ref := "`" + strings.ReplaceAll(c, "`", "``") + "`"
		if dt := in.Field(idx[0]).Type; !expr.Readable(dt) || dt.ID() == arrow.LIST {
			return "", verb.TypeLimit(c, dt, fmt.Errorf("grep: column %q is %s, which grep cannot search", c, dt))
		}
		if dt := in.Field(idx[0]).Type; dt.ID() != arrow.STRING && dt.ID() != arrow.LARGE_STRING {
			if alphabet, ok := textAlphabet(dt); ok && !expr.RegexpCanMatchOver(pattern, alphabet) {
				continue // e.g. urgent in a number: no need to print it
			}
			ref = "to_string(" + ref + ")"
		}
		terms = append(terms, "coalesce(regexp_matches("+ref+", "+strconv.Quote(pattern)+"), false)")
	}
	cond := "false"
	if len(terms) > 0 {
		cond = strings.Join(terms, " or ")
	}
	if opts.Invert {
		cond = "not (" + cond + ")"
	}
	return cond, nil
}

// grepWords counts grep's words: the switches (and "--" before a PATTERN
// that starts with -), PATTERN, and COLS when the word after PATTERN is
// there, is not "then" or "-" (stdin) and names no existing file: in
// "grep err data.csv" data.csv is the input, not a column.
func grepWords(rest []string) int {
	i := 0
	for i < len(rest) && isGrepSwitch(rest[i]) {
		i++
	}
	if i < len(rest) && rest[i] == "--" {
		i++
	}
	i++ // PATTERN
	if i < len(rest) && rest[i] != "then" && rest[i] != "-" {
		if _, err := os.Stat(rest[i]); err != nil {
			i++
		}
	}
	return min(i, len(rest)+1)
}

// isGrepSwitch reports whether w is -v, -i or both together (-vi, -iv).
func isGrepSwitch(w string) bool {
	if len(w) < 2 || w[0] != '-' {
		return false
	}
	for _, c := range w[1:] {
		if c != 'v' && c != 'i' {
			return false
		}
	}
	return true
}

func parseGrep(args []string) (verb.Verb, error) {
	var opts GrepOptions
	i := 0
	for ; i < len(args) && isGrepSwitch(args[i]); i++ {
		opts.Invert = opts.Invert || strings.Contains(args[i], "v")
		opts.IgnoreCase = opts.IgnoreCase || strings.Contains(args[i], "i")
	}
	if i < len(args) && args[i] == "--" {
		i++
	}
	if i >= len(args) {
		return verb.Verb{}, fmt.Errorf("grep: missing PATTERN (grep [-v] [-i] PATTERN [COLS])")
	}
	pattern := args[i]
	if _, err := regexp.Compile(pattern); err != nil {
		return verb.Verb{}, fmt.Errorf("grep: invalid regular expression %q: %w", pattern, err)
	}
	if i+1 < len(args) {
		names, _, err := parseNames("grep", args[i+1])
		if err != nil {
			return verb.Verb{}, err
		}
		opts.Columns = names
	}
	return Grep(pattern, opts), nil
}
