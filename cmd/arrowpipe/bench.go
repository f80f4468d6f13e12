package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/pflag"

	"github.com/arrowpipe/arrowpipe/bench"
	"github.com/arrowpipe/arrowpipe/sharedmem"
)

// runBench is `arrowpipe bench`: the handoff-mode matrix of package bench.
func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := pflag.NewFlagSet("arrowpipe bench", pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	quick := fs.Bool("quick", false, "the smoke-test profile: a few seconds")
	out := fs.String("out", "", "directory for results.csv, results.json and SVG charts")
	scenarios := fs.StringSlice("scenarios", nil, "scenarios to run (default all: "+strings.Join(bench.Scenarios(), ",")+")")
	modes := fs.StringSlice("modes", nil, "handoff modes to compare (default copy,shared,auto)")
	batchRows := fs.IntSlice("batch-rows", nil, "batch sizes of the batch sweep (default 64,256,1024,4096,16384,65536,262144)")
	workers := fs.IntSlice("workers", nil, "worker counts of the workers sweep (default 1,2,4,8,16,64)")
	repeats := fs.Int("repeats", 0, "measured runs per cell after a warm-up (default 5)")
	rows := fs.Int("rows", 0, "input rows per run (default: sized so a run takes ~400 ms)")
	cross := fs.Bool("cross", false, "run every batch size with every worker count")
	threshold := fs.String("copy-threshold", "", "copy threshold of mode auto (default "+formatBytes(sharedmem.DefaultCopyThreshold)+")")
	help := fs.BoolP("help", "h", false, "show this help")
	if err := fs.Parse(args); err != nil {
		return &usageError{"bench: " + err.Error()}
	}
	if *help {
		fmt.Fprintf(stdout, "Usage: arrowpipe bench [FLAGS]\n\nCompares copy, shared and auto handoff across batch sizes and worker counts.\n\n%s", fs.FlagUsages())
		return nil
	}
	cfg := bench.Full()
	if *quick {
		cfg = bench.Quick()
	}
	if len(*scenarios) > 0 {
		cfg.Scenarios = *scenarios
	}
	if len(*modes) > 0 {
		cfg.Modes = cfg.Modes[:0]
		for _, m := range *modes {
			mode, err := sharedmem.ParseMode(m)
			if err != nil {
				return &usageError{"bench: " + err.Error()}
			}
			cfg.Modes = append(cfg.Modes, mode)
		}
	}
	if len(*batchRows) > 0 {
		cfg.BatchRows = *batchRows
	}
	if len(*workers) > 0 {
		cfg.Workers = *workers
	}
	if *repeats > 0 {
		cfg.Repeats = *repeats
	}
	if *rows > 0 {
		cfg.Rows = *rows
	}
	cfg.Cross = cfg.Cross || *cross
	if *threshold != "" {
		n, err := parseBytes(*threshold)
		if err != nil {
			return &usageError{"bench: --copy-threshold: " + err.Error()}
		}
		cfg.CopyThreshold = n
	}
	// The bench package redraws its progress line with '\r': a log
	// gets one line per run instead.
	progress := stderr
	if !isTerminal(stderr) {
		frames := &lineFrames{w: stderr}
		defer frames.Close()
		progress = frames
	}
	results, err := bench.Run(ctx, cfg, progress)
	if err != nil {
		return err
	}
	if err := bench.WriteTable(stdout, results); err != nil {
		return err
	}
	if *out != "" {
		if err := bench.WriteFiles(*out, results); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "wrote results.csv, results.json and charts to %s\n", *out)
	}
	return nil
}
