package plan

import (
	"fmt"
	"io"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/arrowio"
	"github.com/arrowpipe/arrowpipe/stages/csvout"
	"github.com/arrowpipe/arrowpipe/stages/format"
	"github.com/arrowpipe/arrowpipe/stages/jsonout"
	"github.com/arrowpipe/arrowpipe/stages/parquetio"
	"github.com/arrowpipe/arrowpipe/stages/tableout"
)

// SinkOptions tune NewSink.
type SinkOptions struct {
	// Compression is Parquet's page compression, "zstd" (the default, for
	// ""), "snappy" or "none", or Arrow IPC's batch compression, "zstd",
	// "lz4" or "none" (the default). Compression of a whole text file is
	// the writer's (see output.Options).
	Compression string
	// Mem allocates the writers' scratch; nil means Go's allocator.
	Mem memory.Allocator
	// TableWidth is the widest line of a Table (the terminal's width);
	// 0 means no limit.
	TableWidth int
}

// NewSink returns the writer of f for batches of schema, writing to w.
// ArrowFile writes the random-access IPC file format, which needs the
// whole output (not a pipe: give ArrowStream there); Parquet, too, is
// written to a file.
func NewSink(w io.Writer, f format.Format, schema *arrow.Schema, opts SinkOptions) (pipeline.Sink, error) {
	switch f {
	case format.CSV, format.TSV:
		delim := byte(',')
		if f == format.TSV {
			delim = '\t'
		}
		return csvout.NewSink(w, schema, csvout.Options{Delimiter: delim})
	case format.NDJSON:
		return jsonout.NewSink(w, schema), nil
	case format.ArrowFile, format.ArrowStream:
		return arrowio.NewSink(w, schema, arrowio.SinkOptions{File: f == format.ArrowFile, Compression: opts.Compression, Mem: opts.Mem})
	case format.Parquet:
		return parquetio.NewSink(w, schema, parquetio.SinkOptions{Compression: opts.Compression, Mem: opts.Mem})
	case format.Table:
		return tableout.NewSink(w, schema, tableout.Options{MaxWidth: opts.TableWidth})
	case format.Markdown:
		return tableout.NewSink(w, schema, tableout.Options{Format: tableout.Markdown})
	}
	return nil, usage(fmt.Sprintf("unknown output format %s (want csv, tsv, ndjson, arrow, arrows, parquet, table or markdown)", f))
}
