package main

import (
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/spf13/pflag"

	"github.com/arrowpipe/arrowpipe/stages/aggregate"
	"github.com/arrowpipe/arrowpipe/stages/expr"
	"github.com/arrowpipe/arrowpipe/stages/format"
	"github.com/arrowpipe/arrowpipe/stages/plan"
)

// manPagePath is the committed copy of the man page, kept equal to what
// writeManPage prints by TestManPageInSync (go test -run TestManPage
// -update rewrites it).
const manPagePath = "arrowpipe.1"

// writeManPage prints the man page (roff, section 1), made from the same
// verbs, docs and flags as --help, without anything that depends on the
// machine (the CPU count in --workers' default).
func writeManPage(w io.Writer) error {
	var b strings.Builder
	b.WriteString(`.TH ARROWPIPE 1 "" "arrowpipe" "User Commands"
.SH NAME
arrowpipe \- stream CSV, NDJSON, Arrow and Parquet through a chain of verbs
.SH SYNOPSIS
.B arrowpipe
[\fIFLAGS\fR] [\fIVERB ARGS\fR [\fBthen\fR \fIVERB ARGS\fR]...] [\fIFILE\fR...]
.br
.B arrowpipe help
[\fIVERB\fR | \fBfunctions\fR | \fBformats\fR]
.br
.B arrowpipe
\fIVERB\fR \fB\-\-help\fR
.br
.B arrowpipe gen
[\fB\-\-rows\fR \fIN\fR] [\fB\-\-seed\fR \fIS\fR] [\fB\-\-format\fR \fIcsv\fR|\fIndjson\fR] [\fB\-o\fR \fIFILE\fR]
.br
.B arrowpipe
[\fIFLAGS\fR] \fBschema\fR [\fIFILE\fR...]
.br
.B arrowpipe man
| \fBcompletion\fR \fBbash\fR|\fBzsh\fR|\fBfish\fR
.SH DESCRIPTION
`)
	intro := helpIntro[strings.Index(helpIntro, "Flags come"):]
	b.WriteString(roffText(strings.Join(strings.Fields(intro), " ")) + "\n")
	b.WriteString(".SH VERBS\n")
	docs := verbDocs()
	for _, s := range plan.Specs(nil, nil) {
		doc := docs[s.Name]
		fmt.Fprintf(&b, ".TP\n.B %s\n%s.\n", roffText(verbUsage(s)), roffText(capitalize(s.Summary)))
		for _, a := range doc.args {
			fmt.Fprintf(&b, ".br\n\\fI%s\\fR: %s\n", roffText(a[0]), roffText(a[1]))
		}
		if doc.notes != "" {
			fmt.Fprintf(&b, ".br\n%s\n", roffText(doc.notes))
		}
		for _, e := range doc.examples {
			fmt.Fprintf(&b, ".br\n\\fB%s\\fR\n", roffText(e))
		}
	}
	b.WriteString(".SH EXPRESSIONS\n.nf\n")
	b.WriteString(roffLines(strings.TrimPrefix(helpExpressions, "\nExpressions (filter, derive):\n")))
	b.WriteString(roffLines("    " + strings.Join(expr.Functions(), ", ")))
	b.WriteString(".fi\n.SH AGGREGATES\n")
	b.WriteString(roffText(strings.Join(aggregate.Functions(), ", ")) + ".\n.PP\n")
	b.WriteString(roffText(strings.Join(strings.Fields(helpAggregates), " ")) + "\n")
	b.WriteString(".SH FLAGS\n")
	processFlags().VisitAll(func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		fmt.Fprintf(&b, ".TP\n.B %s\n%s\n", roffText(flagName(f)), roffText(machineFree(flagText(f))))
	})
	b.WriteString(".SH FORMATS\n")
	for _, f := range format.Formats() {
		fmt.Fprintf(&b, ".TP\n.B %s\n%s\n", roffText(strings.Join(f.Names(), ", ")), roffText(strings.Join(f.Extensions(), " ")))
	}
	fmt.Fprintf(&b, ".TP\n.B table\nOutput only: aligned columns for a terminal.\n.TP\n.B markdown, md\nOutput only: a Markdown table.\n")
	b.WriteString(".PP\n" + roffText(strings.Join(strings.Fields(helpFormats), " ")) + "\n")
	b.WriteString(".SH EXAMPLES\n.nf\n")
	ex := helpExamples[strings.Index(helpExamples, "Examples:\n")+len("Examples:\n") : strings.Index(helpExamples, "\nExit status")]
	b.WriteString(roffLines(ex))
	b.WriteString(".fi\n.SH EXIT STATUS\n")
	b.WriteString(roffText(strings.Join(strings.Fields(helpExamples[strings.Index(helpExamples, "Exit status"):]), " ")) + "\n")
	b.WriteString(".SH SEE ALSO\nProject page: https://github.com/arrowpipe/arrowpipe\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// flagName is "\-o, \-\-output FILE" as help shows it.
func flagName(f *pflag.Flag) string {
	lines := strings.SplitN(flagUsages(singleFlag(f)), "\n", 2)
	return strings.TrimSpace(lines[0])
}

// flagText is the flag's usage with its default, as help shows it.
func flagText(f *pflag.Flag) string {
	lines := strings.SplitN(flagUsages(singleFlag(f)), "\n", 2)
	return strings.Join(strings.Fields(lines[1]), " ")
}

func singleFlag(f *pflag.Flag) *pflag.FlagSet {
	fs := pflag.NewFlagSet("one", pflag.ContinueOnError)
	fs.AddFlag(f)
	return fs
}

// machineFree drops what differs between machines from a flag's text.
func machineFree(s string) string {
	return regexp.MustCompile(`GOMAXPROCS = \d+`).ReplaceAllString(s, "GOMAXPROCS")
}

// roffText escapes s for a roff text line: backslashes, minus signs (so
// that flags copy and search as typed), a leading control character and
// non-ASCII characters.
func roffText(s string) string {
	s = strings.ReplaceAll(s, `\`, `\e`)
	s = strings.ReplaceAll(s, "-", `\-`)
	if strings.HasPrefix(s, ".") || strings.HasPrefix(s, "'") {
		s = `\&` + s
	}
	// roff reads ASCII: other characters by their code point.
	var b strings.Builder
	for _, r := range s {
		if r < 0x80 {
			b.WriteRune(r)
		} else {
			fmt.Fprintf(&b, `\[u%04X]`, r)
		}
	}
	return b.String()
}

// roffLines escapes each line of s for a no-fill block.
func roffLines(s string) string {
	var b strings.Builder
	for _, l := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
		b.WriteString(roffText(l) + "\n")
	}
	return b.String()
}
