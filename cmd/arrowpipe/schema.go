package main

import (
	"context"
	"fmt"
	"io"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/spf13/pflag"

	"github.com/arrowpipe/arrowpipe/sharedmem"
	"github.com/arrowpipe/arrowpipe/stages/textval"
)

// runSchema is `arrowpipe schema FILE`: print the schema a run would use,
// in the syntax --schema takes.
func runSchema(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer) error {
	fs := pflag.NewFlagSet("arrowpipe schema", pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var o options
	o.register(fs)
	if err := fs.Parse(args); err != nil {
		return &usageError{"schema: " + err.Error()}
	}
	if o.help {
		fmt.Fprintf(stdout, "Usage: arrowpipe schema [--from F] [--schema SPEC] [--delimiter D] [--no-header] FILE...\n")
		return nil
	}
	files := fs.Args()
	if len(files) == 0 {
		files = []string{"-"}
	}
	src, err := openSource(ctx, &o, files, stdin, sharedmem.NewPool(0), nil)
	if err != nil {
		return err
	}
	defer src.close()
	// One name:type per line; joined with commas it is a --schema value.
	for _, f := range src.Schema().Fields() {
		fmt.Fprintln(stdout, textval.FormatSchema(arrow.NewSchema([]arrow.Field{f}, nil)))
	}
	return src.close()
}
