package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/spf13/pflag"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/output"
	"github.com/arrowpipe/arrowpipe/stages/plan"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// version is set at build time with -ldflags "-X main.version=..." (see
// versionLine for what --version prints without it).
var version string

// run is the whole command: it parses args, runs, reports errors on stderr
// and returns the exit status. Each call is independent, so tests run the
// CLI in-process.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var err error
	if len(args) > 0 {
		switch args[0] {
		case "gen":
			return report(runGen(ctx, args[1:], stdout, stderr), stderr)
		case "bench":
			return report(runBench(ctx, args[1:], stdout, stderr), stderr)
		case "help":
			return report(runHelp(args[1:], stdout), stderr)
		case "man":
			return report(writeManPage(stdout), stderr)
		case "completion":
			return report(runCompletion(args[1:], stdout), stderr)
		case "serve":
			return report(runServe(ctx, args[1:], stdout, stderr), stderr)
		case "worker":
			return report(runWorker(ctx, args[1:], stdout, stderr), stderr)
		}
	}
	fs := pflag.NewFlagSet("arrowpipe", pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	// Flags end at the first verb or file: the words after it are verb
	// arguments and files, never flags, so an expression may start with
	// '-' (filter '-a < -1').
	fs.SetInterspersed(false)
	var o options
	o.register(fs)
	if err = fs.Parse(args); err != nil {
		return report(&usageError{err.Error()}, stderr)
	}
	words := fs.Args()
	if len(words) > 1 && (words[1] == "--help" || words[1] == "-h") {
		// arrowpipe VERB --help: that verb's page.
		if s, ok := findSpec(words[0]); ok {
			printVerbHelp(stdout, s)
			return exitOK
		}
	}
	if len(words) > 0 && words[0] == "schema" {
		// schema takes the input flags before or after it.
		fs.SetInterspersed(true)
		if err = fs.Parse(words[1:]); err != nil {
			return report(&usageError{"schema: " + err.Error()}, stderr)
		}
		words = fs.Args()
		if o.help {
			fmt.Fprintf(stdout, "Usage: arrowpipe [FLAGS] schema [FLAGS] [FILE...]\n")
			return exitOK
		}
		if err = o.validate(fs); err != nil {
			return report(err, stderr)
		}
		return report(runSchema(ctx, &o, words, stdin, stdout), stderr)
	}
	switch {
	case o.help:
		printHelp(stdout)
		return exitOK
	case o.version:
		info, _ := debug.ReadBuildInfo()
		fmt.Fprintln(stdout, versionLine(version, info))
		return exitOK
	}
	if len(words) > 0 && slices.Contains([]string{"gen", "bench", "serve", "worker"}, words[0]) {
		return report(&usageError{fmt.Sprintf("%s takes flags of its own: arrowpipe %s [FLAGS]", words[0], words[0])}, stderr)
	}
	if err = o.validate(fs); err != nil {
		return report(err, stderr)
	}
	o.temps = tempFilesOf(ctx)
	if o.cluster != "" {
		err = runCluster(ctx, o.cluster, &o, fs, words, stdin, stdout, stderr)
	} else {
		err = process(ctx, &o, fs, words, stdin, stdout, stderr)
	}
	if err != nil && errors.Is(context.Cause(ctx), errInterrupted) {
		// Whatever failed after the signal (a closed pipe, a cancelled
		// stage) failed because of it.
		err = errInterrupted
	}
	return report(err, stderr)
}

// report prints err as the user should see it and returns the exit status.
func report(err error, stderr io.Writer) int {
	if err == nil {
		return exitOK
	}
	var uerr *usageError
	var planErr *plan.UsageError
	var derr *pipeline.DataError
	var terr *verb.TypeError
	switch {
	case errors.As(err, &terr):
		// The verb cannot take the column's type: a limit of the data,
		// with what to do instead of a pointer to the usage.
		fmt.Fprintf(stderr, "arrowpipe: %s\narrowpipe: %s\n", terr.Error(), terr.Advice())
		return exitData
	case errors.As(err, &uerr):
		fmt.Fprintf(stderr, "arrowpipe: %s\nRun 'arrowpipe --help' for usage.\n", uerr.msg)
		return exitUsage
	case errors.As(err, &planErr):
		fmt.Fprintf(stderr, "arrowpipe: %s\nRun 'arrowpipe --help' for usage.\n", planErr.Msg)
		return exitUsage
	case output.IsBrokenPipe(err):
		// The reader of our output went away (| head): not an error.
		return exitOK
	case errors.Is(err, errInterrupted):
		fmt.Fprintln(stderr, "arrowpipe: interrupted")
		return exitInterrupted
	case errors.As(err, &derr):
		fmt.Fprintf(stderr, "arrowpipe: %s\n", derr.Error())
		return exitData
	}
	// The reader's and writer's failures speak for themselves; the stage
	// and batch number matter only inside the chain.
	var serr *pipeline.StageError
	if errors.As(err, &serr) && (serr.Stage == "read" || serr.Stage == "write") {
		err = serr.Err
	}
	msg := err.Error()
	var perr *pipeline.PanicError
	if errors.As(err, &perr) {
		msg = "internal error: " + strings.TrimSpace(msg)
	}
	fmt.Fprintf(stderr, "arrowpipe: %s\n", msg)
	return exitData
}
