package main

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/pflag"

	"github.com/arrowpipe/arrowpipe/samples/gen"
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
