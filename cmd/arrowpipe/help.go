package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/pflag"

	"github.com/arrowpipe/arrowpipe/stages/aggregate"
	"github.com/arrowpipe/arrowpipe/stages/expr"
	"github.com/arrowpipe/arrowpipe/stages/plan"
)

const helpIntro = `arrowpipe streams CSV, TSV, NDJSON, Arrow IPC and Parquet (gzip or zstd
compressed; files or pipes) through a chain of verbs on a staged pipeline of
Apache Arrow record batches, and writes CSV, TSV, NDJSON, Arrow or Parquet.

Usage:
  arrowpipe [FLAGS] [VERB ARGS [then VERB ARGS]...] [FILE...]
  arrowpipe gen [--rows N] [--seed S] [--format csv|ndjson] [-o FILE]
  arrowpipe [FLAGS] schema [FLAGS] [FILE...]
  arrowpipe bench [--quick] [--out DIR]

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

func printHelp(w io.Writer) {
	fs := pflag.NewFlagSet("arrowpipe", pflag.ContinueOnError)
	var o options
	o.register(fs)
	fmt.Fprint(w, helpIntro)
	fmt.Fprint(w, "\nVerbs:\n")
	for _, s := range plan.Specs(nil) {
		use := s.Name
		if len(s.Args) > 0 {
			use += " " + strings.Join(s.Args, " ")
		}
		fmt.Fprintf(w, "  %-34s %s\n", use, s.Summary)
	}
	fmt.Fprint(w, helpExpressions)
	printWrapped(w, expr.Functions())
	fmt.Fprint(w, "\nAggregates (groupby, agg; each may end with 'as NAME'):\n")
	printWrapped(w, aggregate.Functions())
	fmt.Fprint(w, helpAggregates)
	fmt.Fprint(w, "\nFlags:\n")
	fmt.Fprint(w, fs.FlagUsages())
	fmt.Fprint(w, helpExamples)
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
