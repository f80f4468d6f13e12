package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/pflag"

	"github.com/arrowpipe/arrowpipe/stages/aggregate"
	"github.com/arrowpipe/arrowpipe/stages/expr"
	"github.com/arrowpipe/arrowpipe/stages/format"
	"github.com/arrowpipe/arrowpipe/stages/plan"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

const helpIntro = `arrowpipe streams CSV, TSV, NDJSON, Arrow IPC and Parquet (gzip or zstd
compressed; files or pipes) through a chain of verbs on a staged pipeline of
Apache Arrow record batches, and writes CSV, TSV, NDJSON, Arrow or Parquet.

Usage:
  arrowpipe [FLAGS] [VERB ARGS [then VERB ARGS]...] [FILE...]
  arrowpipe gen [--rows N] [--seed S] [--format csv|ndjson] [-o FILE]
  arrowpipe [FLAGS] schema [FLAGS] [FILE...]
  arrowpipe bench [--quick] [--out DIR]
  arrowpipe help [VERB | functions | formats]    (or arrowpipe VERB --help)
  arrowpipe man | completion bash|zsh|fish
  arrowpipe serve [--listen HOST:PORT] [--data-dir DIR]
  arrowpipe worker --cluster nats://HOST:4222 [FLAGS]

Flags come before the first verb or file. Each verb takes the words after it
as its arguments, never as flags (filter '-qty < -1' works); a file whose
name starts with - is written ./-x.csv or follows --. With no verb the data
passes through (converted by --to / -o). With no FILE, standard input is
read; end with - to read it when a verb's last argument names a file.
schema prints the column types a run would use, after checking the first
1000 rows (those it infers the types from).
`

const helpAggregates = `  sum of integers is exact and an error if the total does not fit; var and
  stddev are the sample ones; median, pNN and quantile are exact (position
  q*(n-1), linear interpolation, as DuckDB's quantile_cont) and spill beyond
  --max-memory; the approx_ forms estimate them in bounded memory.
`

const helpExpressions = `
Expressions (filter, derive):
  literals: 42 1.5 'text' "text" true false null date'2026-01-02'
    ts'2026-01-02T03:04:05Z' (RFC 3339, UTC without a zone; more than 6
    fraction digits make it a ns timestamp)
  columns: bare (qty) or in backticks (` + "`unit price`" + `)
  operators: or and not == != < <= > >= in (a, b) is [not] null + - * / %
  numbers: int64 and uint64 arithmetic is checked (an overflow is an error
    naming the row); / is float division; x / 0 and x % 0 are null;
    round(x, d) rounds halves away from zero
  timestamps of any unit compare as exact instants; mixing units gives ns
  functions:
`

const helpExamples = `
Examples:
  arrowpipe samples/orders.csv
  arrowpipe filter 'qty > 50 and region == "EU"' then select id,region,qty samples/orders.csv
  arrowpipe derive 'total = qty * price * (1 - coalesce(discount, 0))' then top 5 'total desc' samples/orders.csv
  arrowpipe groupby region 'count() as n, sum(qty), mean(price) as avg_price, p99(price)' samples/orders.csv
  arrowpipe gen --rows 10000000 | arrowpipe --stats count
  arrowpipe -o orders.parquet samples/orders.csv
  arrowpipe filter 'region == "EU"' then tee eu.parquet then groupby product 'sum(qty)' samples/orders.csv
  zcat big.csv.gz | arrowpipe head 10

Exit status: 0 success (also when the reader of stdout goes away early),
1 usage error, 2 bad input data or I/O error (a closed stdout too),
130 interrupted (SIGINT, SIGTERM or SIGHUP: partial output removed).
`

// printHelp prints the whole page: usage, verbs, expressions, flags and
// examples, in lines of at most 80 columns.
func printHelp(w io.Writer) {
	fmt.Fprint(w, helpIntro)
	fmt.Fprint(w, "\nVerbs (arrowpipe help VERB for one):\n")
	for _, s := range plan.Specs(nil, nil) {
		fmt.Fprint(w, hangingIndent("  "+verbUsage(s), s.Summary, 2, 36))
	}
	fmt.Fprint(w, helpExpressions)
	printWrapped(w, expr.Functions())
	fmt.Fprint(w, "\nAggregates (groupby, agg; each may end with 'as NAME'):\n")
	printWrapped(w, aggregate.Functions())
	fmt.Fprint(w, helpAggregates)
	fmt.Fprint(w, "\nFlags:\n")
	fmt.Fprint(w, flagUsages(processFlags()))
	fmt.Fprint(w, helpExamples)
}

// processFlags returns the flags of a processing run, for help.
func processFlags() *pflag.FlagSet {
	fs := pflag.NewFlagSet("arrowpipe", pflag.ContinueOnError)
	var o options
	o.register(fs)
	return fs
}

// runHelp prints help on a topic: none (the whole page), a verb,
// "functions" or "formats".
func runHelp(args []string, stdout io.Writer) error {
	if len(args) == 0 {
		printHelp(stdout)
		return nil
	}
	if len(args) > 1 {
		return &usageError{"help takes one topic: a verb, functions or formats"}
	}
	switch args[0] {
	case "functions":
		printFunctionsHelp(stdout)
		return nil
	case "formats":
		printFormatsHelp(stdout)
		return nil
	}
	s, ok := findSpec(args[0])
	if !ok {
		return &usageError{fmt.Sprintf("help %q: no such verb or topic (topics: functions, formats; verbs: %s)", args[0], strings.Join(verbNames(), ", "))}
	}
	printVerbHelp(stdout, s)
	return nil
}

// findSpec returns the command-line form of verb name.
func findSpec(name string) (verb.Spec, bool) {
	for _, s := range plan.Specs(nil, nil) {
		if s.Name == name {
			return s, true
		}
	}
	return verb.Spec{}, false
}

func verbNames() []string {
	var names []string
	for _, s := range plan.Specs(nil, nil) {
		names = append(names, s.Name)
	}
	return names
}

// verbUsage is "sort ORDER".
func verbUsage(s verb.Spec) string {
	return strings.TrimSpace(s.Name + " " + strings.Join(s.Args, " "))
}

// printVerbHelp prints one verb's usage, summary, arguments, notes and
// examples.
func printVerbHelp(w io.Writer, s verb.Spec) {
	doc := verbDocs()[s.Name]
	usage := "Usage: arrowpipe [FLAGS] " + verbUsage(s)
	if rest := " [then VERB ARGS...] [FILE...]"; len(usage)+len(rest) <= 80 {
		usage += rest
	} else {
		usage += "\n      " + rest
	}
	fmt.Fprint(w, usage+"\n\n")
	fmt.Fprint(w, wrapWords(capitalize(s.Summary)+".", 80, "", ""))
	if len(doc.args) > 0 {
		fmt.Fprint(w, "\nArguments (each one word: quote it for the shell):\n")
		width := 0
		for _, a := range doc.args {
			width = max(width, len(a[0]))
		}
		for _, a := range doc.args {
			fmt.Fprint(w, hangingIndent("  "+a[0], a[1], 2, min(width+4, 24)))
		}
	}
	if doc.notes != "" {
		fmt.Fprint(w, "\n"+wrapWords(doc.notes, 80, "", ""))
	}
	if len(doc.examples) > 0 {
		fmt.Fprint(w, "\nExamples:\n")
		for _, e := range doc.examples {
			fmt.Fprintf(w, "  %s\n", e)
		}
	}
	fmt.Fprint(w, "\nFlags: arrowpipe --help. Functions: arrowpipe help functions.\n")
}

// printFunctionsHelp prints the expression functions and the aggregates.
func printFunctionsHelp(w io.Writer) {
	fmt.Fprint(w, strings.TrimPrefix(helpExpressions, "\n"))
	printWrapped(w, expr.Functions())
	fmt.Fprint(w, "\nAggregates (groupby, agg; each may end with 'as NAME'):\n")
	printWrapped(w, aggregate.Functions())
	fmt.Fprint(w, helpAggregates)
}

// printFormatsHelp prints the format table: names, extensions, and what
// each is for.
func printFormatsHelp(w io.Writer) {
	fmt.Fprint(w, "Formats (--from, --to; else from the file extension, else sniffed):\n")
	for _, f := range format.Formats() {
		fmt.Fprintf(w, "  %-20s %s\n", strings.Join(f.Names(), ", "), strings.Join(f.Extensions(), " "))
	}
	fmt.Fprintf(w, "  %-20s %s\n", strings.Join(format.Table.Names(), ", "), "output only: aligned columns for a terminal")
	fmt.Fprintf(w, "  %-20s %s\n", strings.Join(format.Markdown.Names(), ", "), "output only: a Markdown table")
	fmt.Fprint(w, "\nCompressions (--compress; else from the extension, e.g. .csv.gz):\n")
	for _, c := range format.Compressions()[1:] {
		fmt.Fprintf(w, "  %-20s %s\n", c, strings.Join(c.Extensions(), " "))
	}
	fmt.Fprint(w, helpFormats)
}

const helpFormats = `
CSV output is the default, also on a terminal: what you see is what a
pipe gets. --to table draws aligned columns (numbers right, nulls as ∅,
cells cut at 40 columns with …, the table narrowed to the terminal); the
first 1000 rows fix the column widths. --to markdown writes a GitHub table.
Parquet goes to a file (-o) or to a pipe (--to parquet | ..., written row
group by row group), never to a terminal; arrow (the IPC file format) to
stdout is written as arrows (the stream format).
`

// indentLines puts pad before each line of text.
func indentLines(text, pad string) string {
	lines := strings.SplitAfter(text, "\n")
	var b strings.Builder
	for _, l := range lines {
		if l != "" {
			b.WriteString(pad + l)
		}
	}
	return b.String()
}

// capitalize upper-cases s's first letter.
func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// hangingIndent writes term, then text wrapped to 80 columns starting at
// column at (on the next line when term is too long), continuation lines
// indented to at.
func hangingIndent(term, text string, gap, at int) string {
	pad := strings.Repeat(" ", at)
	if text == "" {
		return term + "\n"
	}
	lines := strings.Split(strings.TrimSuffix(wrapWords(text, 80-at, "", ""), "\n"), "\n")
	var b strings.Builder
	if len(term)+gap <= at {
		b.WriteString(term + strings.Repeat(" ", at-len(term)) + lines[0] + "\n")
		lines = lines[1:]
	} else {
		b.WriteString(term + "\n")
	}
	for _, l := range lines {
		b.WriteString(pad + l + "\n")
	}
	return b.String()
}

// flagUsages lists fs's flags without pflag's type noise: "--stats[=FMT]"
// for a flag with a value of its own when bare, "--name VALUE" (the value
// named in the usage's backquotes, else by its type), the usage wrapped at
// 80 columns under the flag, and its default when it has one.
func flagUsages(fs *pflag.FlagSet) string {
	var b strings.Builder
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		name := "    --" + f.Name
		if f.Shorthand != "" {
			name = "  -" + f.Shorthand + ", --" + f.Name
		}
		arg, usage := pflag.UnquoteUsage(f)
		switch {
		case f.Value.Type() == "bool":
		case f.NoOptDefVal != "":
			name += "[=" + strings.ToUpper(arg) + "]"
		default:
			name += " " + strings.ToUpper(arg)
		}
		if d := f.DefValue; d != "" && d != "false" && d != "0" && d != "[]" && d != "0s" && !strings.Contains(usage, "default") {
			usage += " (default " + d + ")"
		}
		b.WriteString(name + "\n")
		b.WriteString(indentLines(wrapWords(usage, 72, "", ""), "        "))
	})
	return b.String()
}

// printWrapped prints items comma-separated, indented, in lines of at most
// 80 columns.
func printWrapped(w io.Writer, items []string) {
	line := " "
	for i, it := range items {
		if i < len(items)-1 {
			it += ","
		}
		if len(line)+1+len(it) > 80 {
			fmt.Fprintln(w, line)
			line = " "
		}
		line += " " + it
	}
	fmt.Fprintln(w, line)
}
