package main

import (
	"context"
	"fmt"
	"io"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/csvin"
	"github.com/arrowpipe/arrowpipe/stages/format"
	"github.com/arrowpipe/arrowpipe/stages/plan"
	"github.com/arrowpipe/arrowpipe/stages/textval"
)

// openSource opens the input files with the input flags.
func openSource(ctx context.Context, o *options, files []string, stdin io.Reader, mem memory.Allocator, reject pipeline.RejectFunc) (*plan.Source, error) {
	opts := plan.ReadOptions{
		NoHeader:       o.noHeader,
		NullValues:     o.nullValues,
		BatchRows:      o.batchRows,
		FlushInterval:  o.flushInterval,
		OnError:        reject,
		Mem:            mem,
		StrictSchema:   o.strictSchema,
		FilenameColumn: o.filenameColumn,
		NoHive:         o.noHive,
		MaxOpenFiles:   o.readFiles(),
		Prune:          o.prune,
		TextColumns:    o.textColumns,
		JSONFlatten:    o.jsonFlatten,
	}
	var err error
	if o.from != "" {
		if opts.Format, err = format.Parse(o.from); err != nil {
			return nil, &usageError{fmt.Sprintf("--from %q: want csv, tsv, ndjson, arrow, arrows or parquet", o.from)}
		}
	}
	if o.delimiter != "" {
		if opts.Delimiter, err = o.delimiterFor(format.CSV); err != nil {
			return nil, err
		}
	}
	if o.schema != "" {
		if opts.Schema, err = textval.ParseSpec(o.schema); err != nil {
			return nil, &usageError{"--schema: " + err.Error()}
		}
	}
	if opts.SampleRows, err = o.sampleRows(); err != nil {
		return nil, err
	}
	if o.timestampFormat != "" {
		if opts.TimestampLayout, err = textval.ParseLayout(o.timestampFormat); err != nil {
			return nil, &usageError{"--timestamp-format: " + err.Error()}
		}
	}
	if o.batchBytes != "" {
		n, err := parseBytes(o.batchBytes)
		if err != nil {
			return nil, &usageError{"--batch-bytes: " + err.Error()}
		}
		opts.BatchBytes = int(n)
	}
	return plan.Open(ctx, files, stdin, opts)
}

// checkInputFlags refuses input flags that --from's format would ignore
// (plan.Open does so for a detected format).
func (o *options) checkInputFlags(f format.Format) error {
	text := f == format.CSV || f == format.TSV
	switch {
	case o.schema != "" && !text && f != format.NDJSON:
		return &usageError{"--schema applies to CSV, TSV and NDJSON input; " + f.String() + " carries its own schema"}
	case !text && (o.delimiter != "" || o.noHeader || len(o.nullValues) > 0):
		return &usageError{"--delimiter, --no-header and --null apply to CSV and TSV input, not " + f.String()}
	case !text && f != format.NDJSON && o.timestampFormat != "":
		return &usageError{"--timestamp-format applies to CSV, TSV and NDJSON input, not " + f.String()}
	case o.inferRows != "" && !text && f != format.NDJSON:
		return &usageError{"--infer-rows applies to CSV, TSV and NDJSON input; " + f.String() + " carries its own schema"}
	}
	return nil
}

// sampleRows reads --infer-rows: 0 (the readers' default) when not given,
// csvin.SampleAll for all.
func (o *options) sampleRows() (int, error) {
	switch o.inferRows {
	case "":
		return 0, nil
	case "all":
		return csvin.SampleAll, nil
	}
	n, err := strconv.Atoi(o.inferRows)
	if err != nil || n < 1 {
		return 0, &usageError{fmt.Sprintf("--infer-rows %q: want a number of rows (at least 1) or all", o.inferRows)}
	}
	return n, nil
}

func (o *options) delimiterFor(f format.Format) (byte, error) {
	switch o.delimiter {
	case "":
		if f == format.TSV {
			return '\t', nil
		}
		return ',', nil
	case "tab", `\t`, "\t":
		return '\t', nil
	}
	if len(o.delimiter) != 1 {
		return 0, &usageError{fmt.Sprintf("--delimiter %q: want one character", o.delimiter)}
	}
	return o.delimiter[0], nil
}

// readFiles and writeFiles share --max-open-files between the input
// files held open (an eighth) and the partitioned outputs (the rest, less
// a reserve for the run's own: standard streams, spill runs, rejects).
func (o *options) readFiles() int { return max(1, o.maxOpenFiles/8) }

func (o *options) writeFiles() int {
	return max(1, o.maxOpenFiles-o.readFiles()-min(16, o.maxOpenFiles/4))
}
