package main

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/stages/aggregate"
	"github.com/arrowpipe/arrowpipe/stages/plan"
)

// typeLimitsAreDataErrors: issue 15 wants a verb that cannot use a
// column's type to fail as a data error (exit 2) naming the column, the
// type and what to do; plan passes a *verb.TypeError through and the
// command reports it so. False would accept exit 1 for a message that
// names the column and its type.
const typeLimitsAreDataErrors = true

// verbForms gives each verb argument shape (a Spec's Args, joined) the
// argument words to try, {c} standing for the column under test, {k} for
// an int column, {f} for a file of the corpus file's first rows and {tmp} for a scratch
// directory; a form without {c} runs once per file. A verb whose Args have
// no forms here fails the test, so a new verb is covered when it is added.
var verbForms = map[string][][]string{
	"COLS":                                   {{"{c}"}},
	"[COLS]":                                 {{}, {"{c}"}},
	"OLD=NEW,...":                            {{"{c}={c}_2"}},
	"COL:TYPE,...":                           {{"{c}:{cast}"}, {"{c}:{cast2}"}},
	"EXPR":                                   {{isNotNull}, {"{c} == {c}"}},
	"NAME = EXPR; ...":                       {{"x = {c}"}},
	"N":                                      {{"3"}},
	"[-v] [-i] PATTERN [COLS]":               {{"1", "{c}"}},
	"COL":                                    {{"{c}"}},
	"KEYS AGGS":                              {{"{c}", "count() as n, max({k})"}},
	"AGGS":                                   nil, // see aggsFor: every aggregate function on each column
	"":                                       {{}},
	"[COLS [last]]":                          {{"{c}"}, {"{c}", "last"}},
	"ORDER":                                  {{"{c} desc nulls first"}},
	"N ORDER [KEYS]":                         {{"2", "{c} desc", "{k}"}, {"2", "{k}", "{c}"}},
	"KEYS FUNCS":                             {{"{c}", "n = row_number()"}, {"-", "p = lag({c}), r = rank({c} desc), m = running_max({c})"}},
	"COLS [by KEYS | with VALUE | backward]": {{"{c}"}, {"{c}", "with", "0"}},
	"N|P% [SEED] [by KEYS]":                  {{"5", "1", "by", "{c}"}},
	"[TYPE] [OPTIONS] KEYS FILE":             {{"{c}", "{f}"}},
	"FILE":                                   {{"{tmp}/tee.parquet"}, {"{tmp}/tee.ndjson"}, {"{tmp}/tee.csv"}},
}

// knownGaps are failures of the corpus verbs that issue 15 still has to
// fix, by a piece of their message: the test logs them instead of failing.
// A gap that names a column is not taken for one when that column is the
// one under test (then it is the verb's refusal of that type).
var knownGaps = map[string]string{}

// isNotNull is filter's form that must work on every type (issue 15);
// isNullRefused are the types it still refuses, as a type limit. Any other
// type failing it fails the test.
const isNotNull = "{c} is not null"

var isNullRefused = []arrow.Type{}

var castTargets = []string{"int", "float", "string", "bool", "timestamp", "date", "decimal(12,3)"}

// corpusColumns are the columns the verbs are tried on: one of each type
// of the corpus' richest files, with the file that holds it.
type corpusColumn struct {
	file, name string
	typ        arrow.DataType
}

func corpusColumns(t *testing.T) []corpusColumn {
	var out []corpusColumn
	seen := map[string]bool{}
	for _, name := range []string{"duckdb_zstd.parquet", "polars.arrow"} {
		path := filepath.Join(corpusDir, name)
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		for _, c := range readOriginal(t, mem, path) {
			// Polars' string_view and binary_view are read as utf8 and
			// binary (plan's views.go), so no verb meets a view type.
			require.NotContains(t, c.typ.String(), "_view", "%s column %s", name, c.name)
			if key := typeName(c.typ); !seen[key] {
				seen[key] = true
				out = append(out, corpusColumn{file: path, name: c.name, typ: c.typ})
			}
		}
		mem.AssertSize(t, 0)
	}
	return out
}

// Every verb, run on a corpus file that holds every type the corpus has,
// on each column of a distinct type: it succeeds, or fails with a data
// error naming the column, or (see typeLimitsAreDataErrors) refuses the
// type naming the column and the type; never a panic, never anything
// else. Batches of 7 rows and 4 workers for every third run.
func TestCorpusEveryVerb(t *testing.T) {
	cols := corpusColumns(t)
	tmp := t.TempDir()
	// join's FILE: the first 3 rows of the same file, so that a key that
	// is the same in every row joins 150 rows, not 2500.
	right := map[string]string{}
	for _, c := range cols {
		if right[c.file] == "" {
			right[c.file] = filepath.Join(tmp, "right-"+filepath.Base(c.file)+".arrow")
			res := cli(t, "", "-o", right[c.file], "head", "3", c.file)
			require.Equal(t, exitOK, res.code, res.stderr)
		}
	}
	run := 0
	for _, spec := range plan.Specs(nil, nil) {
		shape := strings.Join(spec.Args, " ")
		forms, ok := verbForms[shape]
		if !ok {
			assert.Failf(t, "verb without corpus forms", "verb %s takes %q: add argument forms for it to verbForms", spec.Name, shape)
			continue
		}
		t.Run("verb="+spec.Name, func(t *testing.T) {
			done := map[string]bool{}
			for k, c := range cols {
				words := func(form []string) []string {
					cast, cast2 := castTargets[k%len(castTargets)], castTargets[(k+3)%len(castTargets)]
					r := strings.NewReplacer("{c}", c.name, "{k}", "i", "{f}", right[c.file], "{tmp}", tmp, "{cast}", cast, "{cast2}", cast2)
					out := []string{spec.Name}
					for _, w := range form {
						out = append(out, r.Replace(w))
					}
					return out
				}
				all := forms
				if shape == "AGGS" {
					all = nil
					assertAggregates(t, c, &run)
				}
				for _, form := range all {
					args := words(form)
					key := strings.Join(args, "\x00") + "\x00" + c.file
					if done[key] {
						continue // a form without {c}: once per file
					}
					done[key] = true
					res := assertVerbOutcome(t, c, args, &run)
					if slices.Equal(form, []string{isNotNull}) && res.code != exitOK && !slices.Contains(isNullRefused, c.typ.ID()) {
						assert.Failf(t, "is null refused", "%s %q on %s: is null works on every type: %s", spec.Name, args, c.typ, res.stderr)
					}
				}
			}
		})
	}
	t.Logf("%d runs on %d columns of distinct types", run, len(cols))
}

// assertAggregates runs agg with every aggregate function on column c at
// once, then again without each one that fails, until the rest succeed:
// every function meets every type, in a run for each that refuses one.
func assertAggregates(t *testing.T, c corpusColumn, run *int) {
	var calls []string
	for _, f := range aggregate.Functions() {
		call := strings.NewReplacer("(col", "("+c.name, "pNN", "p90", ", q)", ", 0.5)").Replace(f)
		calls = append(calls, call)
	}
	for len(calls) > 0 {
		list := strings.Join(calls, ", ")
		res := assertVerbOutcome(t, c, []string{"agg", list}, run)
		if res.code == exitOK {
			return
		}
		i := slices.IndexFunc(calls, func(call string) bool { return strings.Contains(res.stderr, call) })
		if !assert.GreaterOrEqual(t, i, 0, "agg %s on %s: the error names no aggregate: %s", list, c.typ, res.stderr) {
			return
		}
		calls = slices.Delete(calls, i, i+1)
	}
}

// assertVerbOutcome runs args on c's file and checks how it ended.
func assertVerbOutcome(t *testing.T, c corpusColumn, args []string, run *int) cliResult {
	t.Helper()
	*run++
	cfg := []string{"--workers", "1"}
	if *run%3 == 0 {
		cfg = []string{"--workers", "4", "--batch-rows", "7"}
	}
	full := append(append(cfg, args...), c.file)
	res := cli(t, "", full...)
	what := fmt.Sprintf("arrowpipe %q on column %s (%s)", full, c.name, typeName(c.typ))
	for msg, why := range knownGaps {
		if strings.Contains(res.stderr, msg) && !strings.Contains(msg, `"`+c.name+`"`) {
			t.Logf("known gap: %s: %s: %s", what, why, firstLine(res.stderr))
			return res
		}
	}
	assert.NotContains(t, res.stderr, "panic", what)
	assert.NotContains(t, res.stderr, "goroutine ", what)
	switch res.code {
	case exitOK:
	case exitData:
		assert.Contains(t, res.stderr, c.name, "%s: a data error names the column", what)
		t.Logf("data error: %s: %s", what, firstLine(res.stderr))
	case exitUsage:
		if typeLimitsAreDataErrors {
			assert.Failf(t, "usage error", "%s: %s", what, res.stderr)
			break
		}
		assert.Contains(t, res.stderr, c.name, "%s: names the column", what)
		assert.True(t, namesType(res.stderr, c.typ), "%s: names the type: %s", what, res.stderr)
		t.Logf("type limit (exit 1): %s: %s", what, firstLine(res.stderr))
	default:
		assert.Failf(t, "unexpected exit status", "%s: %d: %s", what, res.code, res.stderr)
	}
	return res
}

// namesType reports whether msg names typ, in any of the forms messages
// use: schema's name, Arrow's, or the family ("a list", "utf8").
func namesType(msg string, typ arrow.DataType) bool {
	words := []string{typeName(typ), typ.String()}
	switch {
	case typ.ID() == arrow.DICTIONARY:
		words = append(words, "dictionary", typeName(typ.(*arrow.DictionaryType).ValueType))
	case typ.ID() == arrow.LIST || typ.ID() == arrow.LARGE_LIST:
		words = append(words, "list")
	case typ.ID() == arrow.STRUCT:
		words = append(words, "struct")
	case typ.ID() == arrow.MAP:
		words = append(words, "map")
	case typ.ID() == arrow.EXTENSION:
		words = append(words, typ.(arrow.ExtensionType).ExtensionName())
	case arrow.IsDecimal(typ.ID()):
		words = append(words, "decimal")
	case typ.ID() == arrow.STRING || typ.ID() == arrow.LARGE_STRING || typ.ID() == arrow.STRING_VIEW:
		words = append(words, "utf8", "string")
	case typ.ID() == arrow.TIMESTAMP:
		words = append(words, "timestamp")
	case typ.ID() == arrow.TIME64 || typ.ID() == arrow.TIME32:
		words = append(words, "time")
	case typ.ID() == arrow.DATE32:
		words = append(words, "date")
	case typ.ID() == arrow.BOOL:
		words = append(words, "bool")
	case arrow.IsUnsignedInteger(typ.ID()):
		words = append(words, "uint", "unsigned")
	case arrow.IsInteger(typ.ID()):
		words = append(words, "int")
	case arrow.IsFloating(typ.ID()):
		words = append(words, "float")
	case typ.ID() == arrow.BINARY || typ.ID() == arrow.LARGE_BINARY || typ.ID() == arrow.FIXED_SIZE_BINARY:
		words = append(words, "binary")
	}
	for _, w := range words {
		if strings.Contains(msg, w) {
			return true
		}
	}
	return false
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
