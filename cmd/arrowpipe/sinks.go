package main

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/arrowio"
	"github.com/arrowpipe/arrowpipe/stages/csvout"
	"github.com/arrowpipe/arrowpipe/stages/format"
	"github.com/arrowpipe/arrowpipe/stages/jsonout"
	"github.com/arrowpipe/arrowpipe/stages/parquetio"
)

// newSink builds the writer for the output format.
func newSink(o *options, out outputTarget, schema *arrow.Schema, mem memory.Allocator) (pipeline.Sink, error) {
	switch out.format {
	case format.CSV, format.TSV:
		delim := byte(',')
		if out.format == format.TSV {
			delim = '\t'
		}
		return csvout.NewSink(out.file, schema, csvout.Options{Delimiter: delim})
	case format.NDJSON:
		return jsonout.NewSink(out.file, schema), nil
	case format.ArrowFile, format.ArrowStream:
		// -o x.arrow is the random-access file format; stdout and .arrows
		// get the stream format.
		file := out.format == format.ArrowFile && !isStdout(o.output)
		return arrowio.NewSink(out.file, schema, arrowio.SinkOptions{File: file, Mem: mem})
	case format.Parquet:
		if isStdout(o.output) {
			return nil, &usageError{"Parquet output needs a file: use -o FILE.parquet"}
		}
		return parquetio.NewSink(out.file, schema, parquetio.SinkOptions{Compression: o.compression, Mem: mem})
	}
	return nil, &usageError{fmt.Sprintf("unknown output format %s (want csv, tsv, ndjson, arrow, arrows or parquet)", out.format)}
}
