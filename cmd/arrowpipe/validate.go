package main

import (
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/spf13/pflag"

	"github.com/arrowpipe/arrowpipe/stages/format"
	"github.com/arrowpipe/arrowpipe/stages/output"
	"github.com/arrowpipe/arrowpipe/stages/partition"
	"github.com/arrowpipe/arrowpipe/stages/plan"
	"github.com/arrowpipe/arrowpipe/stages/textval"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// maxBatchBytes caps --batch-bytes: the CSV reader sets aside a buffer of
// that size for each chunk in flight, whatever the input's size.
const maxBatchBytes = 256 << 20

// validate checks the flags' values and how they combine, before any
// input is read or output created, so that a mistyped flag costs nothing
// and is a usage error (status 1). Checks that need the verb chain are in
// validateForChain.
func (o *options) validate(fs *pflag.FlagSet) error {
	switch o.stats {
	case "", "text", "json":
	default:
		return &usageError{fmt.Sprintf("--stats %q: want text or json", o.stats)}
	}
	if o.statsFile != "" && o.stats == "" {
		return &usageError{"--stats-file needs --stats (text or json)"}
	}
	switch o.onError {
	case "fail", "skip", "reject":
	default:
		return &usageError{fmt.Sprintf("--on-error %q: want fail, skip or reject", o.onError)}
	}
	if o.rejects != "" && o.onError != "reject" {
		return &usageError{"--rejects needs --on-error reject"}
	}
	if err := o.checkManyOutputs(); err != nil {
		return err
	}
	if o.from != "" {
		f, err := format.Parse(o.from)
		if err != nil {
			return &usageError{fmt.Sprintf("--from %q: want csv, tsv, ndjson, arrow, arrows or parquet", o.from)}
		}
		if err := o.checkInputFlags(f); err != nil {
			return err
		}
	}
	out, err := outputFormat(o)
	if err != nil {
		return err
	}
	switch o.compress {
	case "", output.None:
	case output.Gzip, output.Zstd:
		if out == format.Parquet || out == format.ArrowFile || out == format.ArrowStream {
			return &usageError{fmt.Sprintf("--compress %s around %s output: no other reader takes it; %s compresses inside the file with --compression", o.compress, out, out)}
		}
	default:
		return &usageError{fmt.Sprintf("--compress %q: want gzip, zstd or none", o.compress)}
	}
	switch o.compression {
	case "", "zstd", "snappy", "lz4", "none":
	default:
		return &usageError{fmt.Sprintf("--compression %q: want zstd, snappy, lz4 or none", o.compression)}
	}
	if _, err := o.delimiterFor(format.CSV); err != nil {
		return err
	}
	if o.schema != "" {
		if _, err := textval.ParseSpec(o.schema); err != nil {
			return &usageError{"--schema: " + err.Error()}
		}
	}
	if fs.Changed("batch-rows") && o.batchRows <= 0 {
		return &usageError{fmt.Sprintf("--batch-rows %d: want at least 1", o.batchRows)}
	}
	if o.batchBytes != "" {
		n, err := parseBytes(o.batchBytes)
		switch {
		case err != nil:
			return &usageError{"--batch-bytes: " + err.Error()}
		case n == 0:
			return &usageError{"--batch-bytes 0: want at least 1 byte"}
		case n > maxBatchBytes:
			return &usageError{fmt.Sprintf("--batch-bytes %s: at most %s (each batch's input is held in memory, several at a time)", o.batchBytes, formatBytes(maxBatchBytes))}
		}
	}
	if o.flushInterval <= 0 {
		return &usageError{fmt.Sprintf("--flush-interval %s: want a positive duration, e.g. 200ms", o.flushInterval)}
	}
	if o.tempDir != "" {
		if st, err := os.Stat(o.tempDir); err != nil || !st.IsDir() {
			return &usageError{fmt.Sprintf("--temp-dir %s: not a directory", o.tempDir)}
		}
	}
	if o.copyThreshold != "" && o.handoff != "auto" {
		return &usageError{fmt.Sprintf("--copy-threshold applies to --handoff auto, not %s", o.handoff)}
	}
	return nil
}

// validateForChain checks the flags that name stages or depend on the
// outputs: --stage-workers names and --compression.
func (o *options) validateForChain(fs *pflag.FlagSet, calls []plan.Call) error {
	names := map[string]bool{"decode": true, "encode": true}
	for _, name := range plan.StageNames(plan.Verbs(calls)) {
		names[name] = true
	}
	main, _ := outputFormat(o)
	outputs := []format.Format{main}
	for _, c := range calls {
		if c.Spec.Name == "tee" {
			f, _ := format.FromPath(c.Args[0])
			outputs = append(outputs, f)
		}
	}
	overrides, err := parseStageWorkers(o.stageWorkers)
	if err != nil {
		return err
	}
	for name := range overrides {
		if !names[name] {
			known := slices.Sorted(maps.Keys(names))
			return &usageError{fmt.Sprintf("--stage-workers %s: no such stage in this run (stages: %s)", name, strings.Join(known, ", "))}
		}
	}
	return checkCompression(o.compression, outputs)
}

// checkCompression checks --compression against the formats written (the
// output and tee files): page compression for Parquet (zstd, snappy,
// none), batch compression for Arrow IPC (zstd, lz4, none, what Arrow
// readers take); text output has none of its own.
func checkCompression(c string, outputs []format.Format) error {
	if c == "" {
		return nil
	}
	columnar := false
	for _, f := range outputs {
		switch f {
		case format.Parquet:
			columnar = true
			if c == "lz4" {
				return &usageError{"--compression lz4: Parquet output takes zstd, snappy or none"}
			}
		case format.ArrowFile, format.ArrowStream:
			columnar = true
			if c == "snappy" {
				return &usageError{"--compression snappy: Arrow output takes zstd, lz4 or none"}
			}
		}
	}
	if !columnar {
		return &usageError{"--compression applies to Parquet and Arrow output; for CSV or NDJSON use --compress or a .gz/.zst name"}
	}
	return nil
}

// outputFormat is the format of the main output: --to, else -o's
// extension, else CSV.
func outputFormat(o *options) (format.Format, error) {
	f, _ := format.FromPath(o.output)
	// A name that asks for what no writer does, or (without --to) names
	// no format, is refused rather than written as CSV.
	if !o.manyOutputs() {
		err := format.CheckPath(o.output)
		if err == nil && o.to == "" {
			_, _, err = format.ForOutput(o.output)
		}
		if err != nil {
			return format.Unknown, &usageError{"-o " + strings.TrimPrefix(err.Error(), "format: ")}
		}
	}
	if o.to != "" {
		var err error
		if f, err = format.Parse(o.to); err != nil {
			return format.Unknown, &usageError{fmt.Sprintf("unknown output format %q (want csv, tsv, ndjson, arrow, arrows, parquet, table or markdown)", o.to)}
		}
	}
	switch {
	case f == format.Unknown:
		return format.CSV, nil
	}
	return f, nil
}

// setTextColumns lets columns no verb reads pass from CSV to CSV as
// their text. Partition keys and template columns name the output files
// by their typed values, so they keep their types.
func (o *options) setTextColumns(verbs []verb.Verb) {
	f, err := outputFormat(o)
	if err != nil {
		return
	}
	keys := o.partitionBy
	if partition.IsTemplate(o.output) {
		t, err := partition.ParseTemplate(o.output)
		if err != nil {
			return
		}
		keys = t.Columns()
	}
	text := plan.TextColumns(verbs, f)
	if text == nil || len(keys) == 0 {
		o.textColumns = text
		return
	}
	o.textColumns = func(inferred *arrow.Schema) []string {
		return slices.DeleteFunc(text(inferred), func(c string) bool { return slices.Contains(keys, c) })
	}
}

// manyOutputs: the run writes a directory of files (--partition-by,
// --split-rows, --split-bytes) rather than one output.
func (o *options) manyOutputs() bool {
	return len(o.partitionBy) > 0 || o.splitRows != 0 || o.splitBytes != "" || partition.IsTemplate(o.output)
}

func (o *options) checkManyOutputs() error {
	switch {
	case !o.manyOutputs():
		if o.overwrite {
			return &usageError{"--overwrite applies to --partition-by, --split-rows and --split-bytes (a single -o file is always replaced)"}
		}
		return nil
	case output.IsStdout(o.output):
		return &usageError{"--partition-by, --split-rows and --split-bytes write files under a directory: give -o DIR"}
	case o.splitRows < 0:
		return &usageError{"--split-rows must not be negative"}
	case o.maxOpenFiles < 1:
		return &usageError{"--max-open-files must be at least 1"}
	}
	if err := checkTemplate(o); err != nil {
		return err
	}
	for _, k := range o.partitionBy {
		if k == "" {
			return &usageError{"--partition-by: empty column name"}
		}
	}
	if o.splitBytes != "" {
		if n, err := parseBytes(o.splitBytes); err != nil || n == 0 {
			return &usageError{fmt.Sprintf("--split-bytes %q: want a size above 0, e.g. 64MiB", o.splitBytes)}
		}
	}
	return nil
}
