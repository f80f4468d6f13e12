package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/spf13/pflag"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/cluster"
	"github.com/arrowpipe/arrowpipe/stages/format"
	"github.com/arrowpipe/arrowpipe/stages/input"
	"github.com/arrowpipe/arrowpipe/stages/output"
	"github.com/arrowpipe/arrowpipe/stages/plan"
)

// runCluster is a run with --cluster URL: the chain's streaming head runs
// on the cluster's workers, one task per input file or per range of a
// large text file (cluster.DefaultTaskBytes), and the rest of the
// chain and the writer here, with the output the run without --cluster
// writes. URL local:N starts an embedded server and N worker processes
// (this executable's worker subcommand) for the run. Stdin ("-" or no
// file) and, with --cluster-upload, every file reach the workers through
// the cluster's object store.
func runCluster(ctx context.Context, url string, o *options, fs *pflag.FlagSet, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if n, ok := strings.CutPrefix(url, "local:"); ok {
		workers, err := strconv.Atoi(n)
		if err != nil || workers < 1 || workers > 256 {
			return &usageError{fmt.Sprintf("--cluster %s: want local:N with N from 1 to 256, or nats://HOST:PORT", url)}
		}
		// Usage errors before any process starts.
		_, files, err := plan.ParseChain(args, plan.Specs(nil, nil))
		if err != nil {
			return err
		}
		resultDir := localResultDir(files)
		exe, err := os.Executable()
		if err != nil {
			return err
		}
		return cluster.Local(ctx, workers, func(url string) *exec.Cmd {
			return workerCommand(exe, url, o)
		}, func(ctx context.Context, url string) error {
			return runClusterJob(ctx, url, o, fs, args, stdin, stdout, stderr, resultDir)
		})
	}
	return runClusterJob(ctx, url, o, fs, args, stdin, stdout, stderr, "")
}

// workerCommand starts `exe worker` for local:N with the run's engine
// flags; ARROWPIPE_AS_MAIN lets a test binary stand for arrowpipe.
func workerCommand(exe, url string, o *options) *exec.Cmd {
	args := []string{"worker", "--cluster", url, "--max-memory", o.maxMemory, "--handoff", o.handoff}
	if o.workers > 0 {
		args = append(args, "--workers", strconv.Itoa(o.workers))
	}
	if o.tempDir != "" {
		args = append(args, "--temp-dir", o.tempDir)
	}
	cmd := exec.Command(exe, args...)
	cmd.Env = append(os.Environ(), "ARROWPIPE_AS_MAIN=1")
	cmd.Stderr = os.Stderr
	return cmd
}

// runClusterJob is process() for a cluster: the same chain, files and
// output handling, with the pipeline's source replaced by the workers'
// results.
// resultDir is where the job's result directory is made ("": the temp
// directory).
func runClusterJob(ctx context.Context, url string, o *options, fs *pflag.FlagSet, args []string, stdin io.Reader, stdout, stderr io.Writer, resultDir string) error {
	cfg, env, err := o.engine()
	if err != nil {
		return err
	}
	switch {
	case len(o.stageWorkers) > 0:
		return &usageError{"--stage-workers does not apply with --cluster; use --workers"}
	}
	sides := &plan.SideOutputs{Temps: o.temps, Sink: plan.SinkOptions{Compression: o.compression}}
	tables := &plan.JoinTables{Ctx: ctx, Avoid: []string{o.output, o.rejects}}
	defer tables.Close()
	calls, files, err := plan.ParseChain(args, plan.Specs(sides, tables))
	if err != nil {
		return err
	}
	if err := o.validateForChain(fs, calls); err != nil {
		return err
	}
	o.setTextColumns(plan.Verbs(calls))
	if len(files) == 0 {
		files = []string{"-"}
	}
	// Expanded as a single run expands them: the walked part of each
	// file's path gives its partition columns.
	files, walked, err := input.ExpandRooted(files)
	if err != nil {
		return err
	}
	sides.Avoid = append([]string{o.output, o.rejects}, files...)
	defer sides.Abort()
	if err := checkRejectsTarget(o, files); err != nil {
		return err
	}
	read, err := readSpec(o)
	if err != nil {
		return err
	}
	// With --on-error skip or reject the workers leave the input's bad
	// rows out and report them; the join tables' are handled here, where
	// the joins then run (cluster.Job). The rejects file has the tasks'
	// rows first, in task and line order, then the tables', as a single
	// run's.
	rejects, err := newRejectPolicy(o, stdout)
	if err != nil {
		return err
	}
	defer rejects.abort()
	tables.Read = plan.ReadOptions{NullValues: o.nullValues, BatchRows: o.batchRows, FlushInterval: o.flushInterval, OnError: rejects.tableFn(), Mem: env.Mem}
	if plan.Spills(plan.Verbs(calls)) {
		dir, remove, err := spillDir(o)
		if err != nil {
			return err
		}
		defer remove()
		env.TempDir = dir
	}
	f, err := outputFormat(o)
	if err != nil {
		return err
	}
	if f == format.ArrowFile && output.IsStdout(o.output) {
		f = format.ArrowStream
	}
	out, err := output.Open(o.output, output.Options{Stdout: stdout, Compress: o.compress, Temps: o.temps})
	if err != nil {
		return err
	}
	defer out.Abort()
	nc, js, err := cluster.Connect(url, "arrowpipe")
	if err != nil {
		return err
	}
	defer nc.Close()
	var metrics pipeline.Metrics
	reports, err := cluster.Run(ctx, js, cluster.Job{
		Metrics: func(m pipeline.Metrics) { metrics = m },
		Files:   files, Walked: walked, Calls: calls, Read: read, Env: env, Config: cfg,
		TextColumns: o.textColumns, Stdin: stdin, TempDir: o.tempDir, Upload: o.clusterUpload, ResultDir: resultDir,
		Rejects: taskRejects(rejects, files),
		NewSink: func(schema *arrow.Schema) (pipeline.Sink, error) {
			return plan.NewSink(out, f, schema, plan.SinkOptions{Compression: o.compression, Mem: env.Mem})
		},
	})
	var taskRejected int64 // with skip, the workers count them only
	for _, r := range reports {
		taskRejected += r.Rejected
	}
	tableRejects := rejects.count()
	if o.onError == "reject" {
		tableRejects -= taskRejected
	}
	if err == nil {
		err = rejects.commit()
	}
	if err == nil {
		err = sides.Commit()
	}
	if err == nil {
		err = out.Commit()
	}
	if o.stats != "" && err == nil {
		printTaskReports(stderr, reports)
		fmt.Fprintf(stderr, "arrowpipe: %s\n", clusterRows(reports, metrics, tableRejects))
	}
	if n := tableRejects + taskRejected; n > 0 && err == nil {
		switch o.onError {
		case "skip":
			fmt.Fprintf(stderr, "arrowpipe: skipped %d bad row(s)\n", n)
		case "reject":
			fmt.Fprintf(stderr, "arrowpipe: wrote %d bad row(s) to %s\n", n, displayPath(o.rejects))
		}
	}
	if errors.Is(err, context.Canceled) && ctx.Err() != nil {
		err = context.Cause(ctx)
	}
	return err
}

// localResultDir is the result directory root for local:N workers:
// /dev/shm when it has room for the results (see cluster.LocalResultDir),
// estimated at resultsPerTextByte times the inputs; "" for stdin, whose
// size is not known before it is read, for compressed or binary inputs,
// whose results can be fifty times their size, and for files that cannot
// be read here.
func localResultDir(files []string) string {
	files, err := input.Expand(files)
	if err != nil || len(files) == 0 {
		return ""
	}
	var total int64
	for _, f := range files {
		n, ok := plainTextSize(f)
		if !ok {
			return ""
		}
		total += n
	}
	return cluster.LocalResultDir(resultsPerTextByte * total)
}

// resultsPerTextByte bounds what a byte of CSV or NDJSON becomes in a
// result for usual data: a one-digit field and its comma become an int64.
const resultsPerTextByte = 4

// plainTextSize is the size of a file that holds uncompressed text, by
// its first bytes; ok is false for anything else.
func plainTextSize(path string) (n int64, ok bool) {
	if path == "-" {
		return 0, false
	}
	f, err := os.Open(path)
	if err != nil {
		return 0, false
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		return 0, false
	}
	head := make([]byte, 8)
	k, _ := io.ReadFull(f, head)
	head = head[:k]
	switch {
	case input.DetectCompression(head) != format.None:
		return 0, false
	case !slices.Contains([]format.Format{format.CSV, format.TSV, format.NDJSON}, input.Sniff(head)):
		return 0, false
	}
	return st.Size(), true
}

// readSpec turns the input flags into the tasks' read options.
func readSpec(o *options) (cluster.ReadSpec, error) {
	r := cluster.ReadSpec{Format: o.from, NoHeader: o.noHeader, Schema: o.schema, NullValues: o.nullValues,
		BatchRows: o.batchRows, FilenameColumn: o.filenameColumn, NoHive: o.noHive, StrictSchema: o.strictSchema}
	if o.onError != "fail" {
		r.OnError = o.onError
	}
	if o.delimiter != "" {
		d, err := o.delimiterFor(format.CSV)
		if err != nil {
			return r, err
		}
		r.Delimiter = string(d)
	}
	if o.batchBytes != "" {
		n, err := parseBytes(o.batchBytes)
		if err != nil {
			return r, &usageError{"--batch-bytes: " + err.Error()}
		}
		r.BatchBytes = int(n)
	}
	if _, err := r.Options(); err != nil {
		return r, &usageError{err.Error()}
	}
	return r, nil
}

func printTaskReports(w io.Writer, reports []cluster.TaskReport) {
	fmt.Fprintf(w, "%-5s %-24s %9s %12s %9s %12s %9s  %s\n", "task", "worker", "delivery", "rows", "rejected", "bytes", "ms", "file")
	for _, r := range reports {
		file := r.File
		switch {
		case r.Range != nil:
			file = fmt.Sprintf("%s bytes %d to %d", r.File, r.Range.Start, r.Range.End)
		case r.RowGroups != nil:
			file = fmt.Sprintf("%s row groups %d to %d", r.File, r.RowGroups.First, r.RowGroups.First+r.RowGroups.Count-1)
		}
		fmt.Fprintf(w, "%-5d %-24s %9d %12d %9d %12d %9d  %s\n", r.Task, r.Worker, r.Delivered, r.Rows, r.Rejected, r.Bytes, r.Duration.Milliseconds(), file)
	}
}

// clusterRows reconciles the rows of a cluster run as --stats does a
// single run's: every row the workers read was rejected, dropped (or
// added) by the map side or by the coordinator's stages, or written;
// each count is measured on its own side. tableRejects are the join
// tables' bad rows, skipped on the coordinator.
func clusterRows(reports []cluster.TaskReport, m pipeline.Metrics, tableRejects int64) string {
	var read, shipped, rejected int64
	for _, r := range reports {
		read += r.Read
		shipped += r.Rows
		rejected += r.Rejected
	}
	onWorkers := read - rejected - shipped // negative: the map side added rows
	var onCoordinator, written int64
	for _, s := range m.Transforms() {
		onCoordinator += s.RowsIn - s.RowsOut
	}
	if st := m.Stages; len(st) > 0 {
		written = st[len(st)-1].RowsIn
	}
	// The workers' side balances by its definition; what can fail to is
	// what they shipped against what the coordinator took in and wrote.
	balanced := "balanced"
	if shipped != m.Decoded().RowsOut || shipped != written+onCoordinator {
		balanced = "NOT balanced"
	}
	return fmt.Sprintf("rows: %d read = %d written %s on the workers %s on the coordinator + %d rejected (%d of them in join tables); %s",
		read+tableRejects, written, droppedOrAdded(onWorkers), droppedOrAdded(onCoordinator), rejected+tableRejects, tableRejects, balanced)
}

// droppedOrAdded says n rows dropped, or -n added (a join's matches, an
// aggregate's groups).
func droppedOrAdded(n int64) string {
	if n < 0 {
		return fmt.Sprintf("- %d added", -n)
	}
	return fmt.Sprintf("+ %d dropped", n)
}

// taskRejects hands each task's bad rows to the reject policy as the
// coordinator merges its result, under the file's name as given (stdin's
// as a single run names it). Task and line order make the sequence, so
// the rejects file is the single run's whatever order tasks end in.
func taskRejects(rejects *rejectPolicy, files []string) func(int, string, []cluster.Reject) error {
	given := map[string]string{"/dev/stdin": "<stdin>"}
	for _, f := range files {
		if abs, err := filepath.Abs(f); err == nil && f != "-" {
			given[abs] = f
		}
	}
	return func(task int, file string, rows []cluster.Reject) error {
		if g, ok := given[file]; ok {
			file = g
		}
		for i, x := range rows {
			if err := rejects.reject(&pipeline.DataError{File: file, Line: x.Line, Column: x.Column, Field: x.Field,
				Err: errors.New(x.Reason), Record: string(x.Record), Seq: uint64(task)<<32 | uint64(i)}); err != nil {
				return err
			}
		}
		return nil
	}
}
