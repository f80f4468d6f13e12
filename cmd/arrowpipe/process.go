package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/spf13/pflag"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/sharedmem"
	"github.com/arrowpipe/arrowpipe/stages/format"
	"github.com/arrowpipe/arrowpipe/stages/input"
	"github.com/arrowpipe/arrowpipe/stages/output"
	"github.com/arrowpipe/arrowpipe/stages/parquetio"
	"github.com/arrowpipe/arrowpipe/stages/partition"
	"github.com/arrowpipe/arrowpipe/stages/plan"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// streamingHeadroom is the memory a streaming pipeline needs beyond its
// stateful stages: queued batches, chunk and text buffers, the buffer pool.
// Measured peak RSS of CSV pass-through is ~95 MB (bench/RESULTS.md).
const streamingHeadroom = 128 << 20

// process runs one pipeline: open the inputs, build the verb chain against
// their schema, write to the output, and commit the output only on success.
func process(ctx context.Context, o *options, fs *pflag.FlagSet, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	cfg, env, err := o.engine()
	if err != nil {
		return err
	}
	// Arrow buffers live on the Go heap: a soft limit just above the
	// stateful stages' cap keeps the collector from letting garbage grow
	// to twice the live data (the default GOGC). It is soft: it bounds
	// garbage, not live data, and a group-by's state is larger than its
	// estimate. Measured peak RSS on 10M generated rows (622 MB of CSV):
	// sort 0.99 GB at the default 1GiB cap, 0.43 GB at 256MiB; a 10M-key
	// groupby 1.65 GB at 1GiB. GOMEMLIMIT, when set, wins.
	if os.Getenv("GOMEMLIMIT") == "" {
		prev := debug.SetMemoryLimit(env.MaxMemory + streamingHeadroom)
		defer debug.SetMemoryLimit(prev)
	}
	sides := &plan.SideOutputs{Temps: o.temps, Sink: plan.SinkOptions{Compression: o.compression}}
	// Join files are opened when the chain is built, with the input's
	// reading options (set below, once the reject policy exists).
	tables := &plan.JoinTables{Ctx: ctx, Avoid: []string{o.output, o.rejects}}
	defer tables.Close()
	calls, files, err := plan.ParseChain(args, plan.Specs(sides, tables))
	if err != nil {
		return err
	}
	if err := o.validateForChain(fs, calls); err != nil {
		return err
	}
	if len(files) == 0 {
		files = []string{"-"}
	}
	// plan.Open expands globs and directories; the expanded list is for
	// the checks that no output is also an input.
	expanded, err := input.Expand(files)
	if err != nil {
		return err
	}
	sides.Avoid = append([]string{o.output, o.rejects}, expanded...)
	defer sides.Abort()
	verbs := plan.Verbs(calls)
	if plan.Spills(verbs) {
		dir, remove, err := spillDir(o)
		if err != nil {
			return err
		}
		defer remove()
		env.TempDir = dir
	}
	if err := checkRejectsTarget(o, expanded); err != nil {
		return err
	}
	rejects, err := newRejectPolicy(o, stdout)
	if err != nil {
		return err
	}
	defer rejects.abort()

	if len(verbs) > 0 {
		o.prune = &verbs[0] // a filter on partition columns skips files
	}
	o.setTextColumns(verbs)
	if err := refuseBinaryToTerminal(o, stdout); err != nil {
		return err
	}
	src, err := openSource(ctx, o, files, stdin, env.Mem, rejects.fn())
	if err != nil {
		return err
	}
	defer src.Close()
	tables.Read = plan.ReadOptions{NullValues: o.nullValues, BatchRows: o.batchRows, FlushInterval: o.flushInterval, OnError: rejects.tableFn(), Mem: env.Mem}

	overrides, err := parseStageWorkers(o.stageWorkers)
	if err != nil {
		return err
	}
	delete(overrides, "decode")
	delete(overrides, "encode")
	pl, err := plan.Build(env, verbs, src, plan.Options{StageWorkers: overrides})
	var werr *plan.WorkersError
	if errors.As(err, &werr) {
		return &usageError{fmt.Sprintf("--stage-workers %s=%d: %s", werr.Stage, werr.Workers, err)}
	}
	if err != nil {
		return err
	}
	f, err := outputFormat(o)
	if err != nil {
		return err
	}
	if f == format.ArrowFile && output.IsStdout(o.output) {
		f = format.ArrowStream // the file format needs a file
	}
	var sink pipeline.Sink
	var commit func() error
	var parts *partition.Sink
	if o.manyOutputs() {
		if parts, err = newPartitionSink(o, f, pl.Output(), env); err != nil {
			return err
		}
		defer parts.Abort()
		sink, commit = parts, parts.Commit
	} else {
		// An empty o.compress lets Open take the compression from the name.
		out, err := output.Open(o.output, output.Options{Stdout: stdout, Compress: o.compress, Temps: o.temps})
		if err != nil {
			return err
		}
		defer out.Abort()
		if sink, err = plan.NewSink(out, f, pl.Output(), plan.SinkOptions{Compression: o.compression, Mem: env.Mem, TableWidth: tableWidth(o, stdout)}); err != nil {
			return err
		}
		commit = out.Commit
	}

	p := pipeline.New(src, pl.Stages, sink, cfg)
	stopProgress := startProgress(ctx, o, p, src, stderr)
	runErr := p.Run(ctx)
	stopProgress()
	if err := src.Close(); err != nil && runErr == nil {
		runErr = err
	}
	// The rejects file first: if writing it fails, no output is committed.
	if runErr == nil {
		runErr = rejects.commit()
	}
	if runErr == nil {
		runErr = sides.Commit()
	}
	if runErr == nil {
		runErr = commit()
	}
	if parts != nil && runErr == nil {
		printFiles(o, parts.Files(), stderr)
	}
	if _, total, skipped := src.Files(); skipped > 0 && o.stats != "" {
		fmt.Fprintf(stderr, "arrowpipe: read %d file(s), skipped %d by their partition values\n", total, skipped)
	}
	if n := src.PrunedRowGroups(); n > 0 && o.stats != "" {
		fmt.Fprintf(stderr, "arrowpipe: skipped %d Parquet row group(s) by their statistics\n", n)
	}
	if err := printStats(o, p.Metrics(), tables.Stats(), filesOf(src, parts, runErr == nil), rejects.count(), runErr, stderr); err != nil && runErr == nil {
		runErr = err
	}
	if n := rejects.count(); n > 0 && runErr == nil {
		switch o.onError {
		case "skip":
			fmt.Fprintf(stderr, "arrowpipe: skipped %d bad row(s)\n", n)
		case "reject":
			fmt.Fprintf(stderr, "arrowpipe: wrote %d bad row(s) to %s\n", n, displayPath(o.rejects))
		}
	}
	if output.IsBrokenPipe(runErr) {
		// A quiet end for stdout's reader, but tee files stay unwritten:
		// they would hold only the part of the stream read so far.
		for _, path := range sides.Paths() {
			fmt.Fprintf(stderr, "arrowpipe: tee %s not written: the output was closed before the stream ended\n", path)
		}
	}
	return runErr
}

// engine turns the engine flags into the pipeline's Config and the verbs' Env.
func (o *options) engine() (pipeline.Config, verb.Env, error) {
	var cfg pipeline.Config
	var env verb.Env
	mode, err := sharedmem.ParseMode(o.handoff)
	if err != nil {
		return cfg, env, &usageError{err.Error()}
	}
	cfg.Handoff.Mode = mode
	if o.copyThreshold != "" {
		if cfg.Handoff.CopyThreshold, err = parseBytes(o.copyThreshold); err != nil {
			return cfg, env, &usageError{"--copy-threshold: " + err.Error()}
		}
	}
	if o.workers < 0 || o.batchRows < 0 || o.queueDepth < 0 {
		return cfg, env, &usageError{"--workers, --batch-rows and --queue-depth must not be negative"}
	}
	overrides, err := parseStageWorkers(o.stageWorkers)
	if err != nil {
		return cfg, env, err
	}
	cfg.DecodeWorkers = pick(overrides["decode"], o.workers)
	cfg.EncodeWorkers = pick(overrides["encode"], o.workers)
	cfg.QueueDepth = o.queueDepth
	cfg.Unordered = o.unordered
	pool := sharedmem.NewPool(0)
	cfg.Mem = pool
	env.Mem = pool
	env.Workers = o.workers
	if env.MaxMemory, err = parseBytes(o.maxMemory); err != nil {
		return cfg, env, &usageError{"--max-memory: " + err.Error()}
	}
	env.TempDir = o.tempDir
	env.BatchRows = o.batchRows
	switch o.onError {
	case "fail", "skip", "reject":
	default:
		return cfg, env, &usageError{fmt.Sprintf("--on-error %q: want fail, skip or reject", o.onError)}
	}
	if o.onError == "reject" && o.rejects == "" {
		return cfg, env, &usageError{"--on-error reject needs --rejects FILE"}
	}
	return cfg, env, nil
}

func pick(override, fallback int) int {
	if override > 0 {
		return override
	}
	return fallback
}

// parseStageWorkers reads --stage-workers name=N,...
func parseStageWorkers(items []string) (map[string]int, error) {
	m := make(map[string]int, len(items))
	for _, it := range items {
		name, n, ok := strings.Cut(it, "=")
		v, err := strconv.Atoi(n)
		if !ok || err != nil || v <= 0 || name == "" {
			return nil, &usageError{fmt.Sprintf("--stage-workers %q: want STAGE=N with N > 0", it)}
		}
		m[name] = v
	}
	return m, nil
}

// checkRejectsTarget refuses a --rejects file that is also the output or
// an input: the rejects would replace the good rows or the data.
func checkRejectsTarget(o *options, inputs []string) error {
	if o.onError != "reject" {
		return nil
	}
	if output.IsStdout(o.rejects) && output.IsStdout(o.output) {
		return &usageError{"--rejects - and the output would both go to stdout: give -o or a --rejects file"}
	}
	for _, other := range append([]string{o.output}, inputs...) {
		if output.SamePath(o.rejects, other) {
			return &usageError{fmt.Sprintf("--rejects %s is also an input or the output", o.rejects)}
		}
	}
	return nil
}

func displayPath(path string) string {
	if output.IsStdout(path) {
		return "stdout"
	}
	return path
}

// spillDir makes the run's own directory for spill files in --temp-dir
// (default: the system's), so that a hurried exit (a second SIGINT) can
// remove them all with it. remove deletes it and everything in it.
func spillDir(o *options) (dir string, remove func(), err error) {
	return trackedTempDir(o.tempDir, o.temps, "arrowpipe-spill-*", "spill files")
}

// trackedTempDir makes a directory in parent ("" is the system's) that a
// hurried exit removes too; remove deletes it and everything in it.
func trackedTempDir(parent string, temps *output.TempFiles, pattern, what string) (dir string, remove func(), err error) {
	dir, err = os.MkdirTemp(parent, pattern)
	if err != nil {
		return "", nil, fmt.Errorf("temporary directory for %s: %w", what, err)
	}
	untrack := temps.TrackDir(dir)
	return dir, func() {
		os.RemoveAll(dir)
		untrack()
	}, nil
}

// newPartitionSink writes the run's output as files under -o DIR, by
// --partition-by and split by --split-rows or --split-bytes.
func newPartitionSink(o *options, f format.Format, schema *arrow.Schema, env verb.Env) (*partition.Sink, error) {
	var splitBytes int64
	if o.splitBytes != "" {
		splitBytes, _ = parseBytes(o.splitBytes) // checked by validate
	}
	ext := f.Extensions()[0]
	switch o.compress {
	case output.Gzip:
		ext += ".gz"
	case output.Zstd:
		ext += ".zst"
	}
	writers := o.writeFiles()
	// Rows of keys without a writer wait in memory up to this, then spill.
	// 16 MiB: 10M rows into 1000 partitions peak at ~200 MB (CSV) against
	// ~400 MB with 64 MiB, in as much CPU time (bench/RESULTS.md).
	budget := min(16<<20, max(env.MaxMemory/4, 1<<20))
	if env.MaxMemory == 0 {
		budget = 16 << 20
	}
	// An open Parquet writer buffers a row group: their sum stays near
	// the budget too. 256 KiB at the least: 10M rows into 1000 partitions
	// peak at ~231 MiB against ~277 MiB with 1 MiB, in the same CPU time,
	// for 3 % more bytes (bench/RESULTS.md).
	rowGroup := max(256<<10, budget/int64(writers))
	popts := partition.Options{
		Dir:          o.output,
		Keys:         o.partitionBy,
		Ext:          ext,
		Compress:     o.compress,
		MaxOpen:      writers,
		MemoryBudget: budget,
		SplitRows:    o.splitRows,
		SplitBytes:   splitBytes,
		Overwrite:    o.overwrite,
		Temps:        o.temps,
		Mem:          env.Mem,
		NewWriter: func(w io.Writer, s *arrow.Schema) (pipeline.Sink, error) {
			if f == format.Parquet {
				return parquetio.NewSink(w, s, parquetio.SinkOptions{Compression: o.compression, RowGroupBytes: rowGroup, Mem: env.Mem})
			}
			return plan.NewSink(w, f, s, plan.SinkOptions{Compression: o.compression, Mem: env.Mem})
		},
	}
	templateSink(o, &popts)
	sink, err := partition.New(schema, popts)
	if errors.Is(err, partition.ErrExists) {
		return nil, &usageError{err.Error()}
	}
	if err != nil {
		return nil, &usageError{err.Error()}
	}
	return sink, nil
}

// printFiles says what a partitioned or split run wrote: a line, and with
// --stats text every file and its rows.
func printFiles(o *options, files []partition.FileInfo, stderr io.Writer) {
	var rows int64
	for _, f := range files {
		rows += f.Rows
	}
	fmt.Fprintf(stderr, "arrowpipe: wrote %d file(s), %d row(s), under %s\n", len(files), rows, outputRoot(o))
	if o.stats == "" {
		return
	}
	for _, f := range files {
		fmt.Fprintf(stderr, "  %s\t%d\n", f.Path, f.Rows)
	}
}

// refuseBinaryToTerminal refuses Parquet and Arrow output to standard
// output when it is a terminal, before any input is read: the bytes would
// garble the screen. A pipe or a file gets them, written as they are made
// (Parquet row group by row group; no temporary file).
func refuseBinaryToTerminal(o *options, stdout io.Writer) error {
	f, err := outputFormat(o)
	if err != nil || o.manyOutputs() || !output.IsStdout(o.output) || !isTerminal(stdout) {
		return nil
	}
	switch f {
	case format.Parquet, format.ArrowFile, format.ArrowStream:
		return &usageError{fmt.Sprintf("%s output is binary and standard output is a terminal: redirect it (> out.%s), pipe it, or use -o FILE", f, f)}
	}
	return nil
}
