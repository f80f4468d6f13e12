package main

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/pflag"

	"github.com/arrowpipe/arrowpipe/stages/cluster"
)

// runServe is `arrowpipe serve`: an embedded NATS server with JetStream
// for workers and coordinators, until interrupted.
func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := pflag.NewFlagSet("arrowpipe serve", pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	listen := fs.String("listen", "127.0.0.1:4222", "HOST:PORT to listen on (0.0.0.0:4222 for other machines)")
	dataDir := fs.String("data-dir", "", "directory for JetStream's streams (default: a temporary directory removed at exit)")
	help := fs.BoolP("help", "h", false, "show this help")
	if err := fs.Parse(args); err != nil {
		return &usageError{"serve: " + err.Error()}
	}
	if *help {
		fmt.Fprintf(stdout, "Usage: arrowpipe serve [--listen HOST:PORT] [--data-dir DIR]\n\n%s", fs.FlagUsages())
		return nil
	}
	if fs.NArg() > 0 {
		return &usageError{fmt.Sprintf("serve: unexpected argument %q", fs.Arg(0))}
	}
	return cluster.Serve(ctx, cluster.ServerOptions{Listen: *listen, DataDir: *dataDir, Ready: func(url string) {
		fmt.Fprintf(stderr, "arrowpipe serve: listening on %s (workers: arrowpipe worker --cluster %s)\n", url, url)
	}})
}
