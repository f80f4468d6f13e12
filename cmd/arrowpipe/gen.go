package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/pflag"

	"github.com/arrowpipe/arrowpipe/samples/gen"
	fileformat "github.com/arrowpipe/arrowpipe/stages/format"
	"github.com/arrowpipe/arrowpipe/stages/output"
)

// runGen is `arrowpipe gen`: deterministic order data of any size.
func runGen(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := pflag.NewFlagSet("arrowpipe gen", pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	rows := fs.Int64("rows", 10000, "rows to generate")
	seed := fs.Uint64("seed", 1, "random seed: the same seed and rows give the same bytes")
	format := fs.String("format", "csv", "csv or ndjson")
	out := fs.StringP("output", "o", "", "output file (default: stdout); .gz/.zst compress")
	help := fs.BoolP("help", "h", false, "show this help")
	if err := fs.Parse(args); err != nil {
		return &usageError{"gen: " + err.Error()}
	}
	if *help {
		fmt.Fprintf(stdout, "Usage: arrowpipe gen [--rows N] [--seed S] [--format csv|ndjson] [-o FILE]\n\n%s", fs.FlagUsages())
		return nil
	}
	if fs.NArg() > 0 {
		return &usageError{fmt.Sprintf("gen: unexpected argument %q", fs.Arg(0))}
	}
	if *rows < 0 {
		return &usageError{"gen: --rows must not be negative"}
	}
	if err := genNameFits(*out, *format); err != nil {
		return err
	}
	f, err := output.Open(*out, output.Options{Stdout: stdout, Temps: tempFilesOf(ctx)})
	if err != nil {
		return err
	}
	defer f.Abort()
	if err := gen.Write(ctx, f, gen.Options{Rows: *rows, Seed: *seed, Format: gen.Format(*format)}); err != nil {
		return err
	}
	return f.Commit()
}

// genNameFits refuses an -o name whose extension asks for another format
// than gen writes (x.parquet, x.json with --format csv) or for none at all
// (x.txt), rather than writing CSV under it.
func genNameFits(out, genFormat string) error {
	named, _, err := fileformat.ForOutput(out)
	if err != nil {
		return &usageError{"gen: -o " + strings.TrimPrefix(err.Error(), "format: ")}
	}
	want := fileformat.CSV
	if genFormat == "ndjson" {
		want = fileformat.NDJSON
	}
	if named != fileformat.Unknown && named != want {
		return &usageError{fmt.Sprintf("gen: -o %s names %s, but gen writes %s (--format csv or ndjson); convert with: arrowpipe gen | arrowpipe -o %s", out, named, want, out)}
	}
	return nil
}
