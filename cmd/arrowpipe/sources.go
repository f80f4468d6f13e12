package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/arrowio"
	"github.com/arrowpipe/arrowpipe/stages/csvin"
	"github.com/arrowpipe/arrowpipe/stages/format"
	"github.com/arrowpipe/arrowpipe/stages/input"
	"github.com/arrowpipe/arrowpipe/stages/jsonin"
	"github.com/arrowpipe/arrowpipe/stages/parquetio"
	"github.com/arrowpipe/arrowpipe/stages/textval"
)

// openedSource is the pipeline's source with the inputs under it, which
// it closes, and the byte counts that progress shows.
type openedSource struct {
	pipeline.Source
	inputs  []*input.Input
	closeFn func() error
	closed  bool
}

// close closes the source and every input; it may be called again.
func (s *openedSource) close() error {
	if s.closed {
		return nil
	}
	s.closed = true
	// Inputs first: closing them unblocks a reader waiting on a pipe,
	// which the source's Close then waits for.
	var errs []error
	for _, in := range s.inputs {
		errs = append(errs, in.Close())
	}
	if s.closeFn != nil {
		errs = append(errs, s.closeFn())
	}
	return errors.Join(errs...)
}

// progress returns the compressed bytes read so far and the total size of
// the inputs (-1 when a pipe makes it unknown).
func (s *openedSource) progress() (read, total int64) {
	for _, in := range s.inputs {
		read += in.BytesRead()
		if sz := in.Size(); sz >= 0 && total >= 0 {
			total += sz
		} else {
			total = -1
		}
	}
	return read, total
}

// openSource opens every file and builds the reader for their format.
func openSource(ctx context.Context, o *options, files []string, stdin io.Reader, mem memory.Allocator, reject pipeline.RejectFunc) (_ *openedSource, err error) {
	src := &openedSource{}
	defer func() {
		if err != nil {
			src.close()
		}
	}()
	var inFormat format.Format
	for i, path := range files {
		in, err := input.Open(ctx, path, stdin)
		if err != nil {
			return nil, namedError(input.DisplayName(path), err)
		}
		src.inputs = append(src.inputs, in)
		f, err := in.DetectFormat(path, o.from)
		if err != nil {
			return nil, err
		}
		if i == 0 {
			inFormat = f
		} else if f != inFormat {
			return nil, &usageError{fmt.Sprintf("%s is %s but %s is %s: inputs of one run must share a format", in.Name, f, src.inputs[0].Name, inFormat)}
		}
	}
	if err := o.checkInputFlags(inFormat); err != nil {
		return nil, err
	}
	var spec textval.Spec
	if o.schema != "" {
		if spec, err = textval.ParseSpec(o.schema); err != nil {
			return nil, &usageError{"--schema: " + err.Error()}
		}
	}
	batchBytes := int64(0)
	if o.batchBytes != "" {
		if batchBytes, err = parseBytes(o.batchBytes); err != nil {
			return nil, &usageError{"--batch-bytes: " + err.Error()}
		}
	}
	switch inFormat {
	case format.CSV, format.TSV:
		delim, err := o.delimiterFor(inFormat)
		if err != nil {
			return nil, err
		}
		ins := make([]csvin.Input, len(src.inputs))
		for i, in := range src.inputs {
			ins[i] = csvin.Input{Name: in.Name, R: in}
		}
		s, err := csvin.NewSource(ctx, ins, csvin.Options{
			Delimiter:     delim,
			NoHeader:      o.noHeader,
			NullValues:    o.nullValues,
			Schema:        spec,
			BatchRows:     o.batchRows,
			BatchBytes:    int(batchBytes),
			FlushInterval: o.flushInterval,
			OnError:       reject,
			Mem:           mem,
		})
		if err != nil {
			return nil, err
		}
		src.Source, src.closeFn = s, s.Close
	case format.NDJSON:
		ins := make([]jsonin.Input, len(src.inputs))
		for i, in := range src.inputs {
			ins[i] = jsonin.Input{Name: in.Name, R: in}
		}
		fields := make([]jsonin.Field, len(spec))
		for i, f := range spec {
			fields[i] = jsonin.Field{Name: f.Name, Type: f.Type}
		}
		s, err := jsonin.NewSource(ctx, ins, jsonin.Options{
			Schema:        fields,
			BatchRows:     o.batchRows,
			BatchBytes:    int(batchBytes),
			FlushInterval: o.flushInterval,
			OnError:       reject,
			Mem:           mem,
		})
		if err != nil {
			return nil, err
		}
		src.Source, src.closeFn = s, s.Close
	case format.ArrowStream, format.ArrowFile:
		ins := make([]arrowio.Input, len(src.inputs))
		for i, in := range src.inputs {
			ins[i] = arrowio.Input{Name: in.Name, R: in}
			if at, size, ok := in.ReaderAt(); ok {
				ins[i].At, ins[i].Size = at, size
			}
		}
		s, err := arrowio.NewSource(ins, arrowio.Options{Mem: mem})
		if err != nil {
			return nil, err
		}
		src.Source, src.closeFn = s, s.Close
	case format.Parquet:
		ins := make([]parquetio.Input, len(src.inputs))
		for i, in := range src.inputs {
			at, size, ok := in.ReaderAt()
			if !ok {
				return nil, fmt.Errorf("%s: %w", in.Name, input.ErrNotSeekable)
			}
			ins[i] = parquetio.Input{Name: in.Name, At: at, Size: size}
		}
		s, err := parquetio.NewSource(ins, parquetio.Options{BatchRows: o.batchRows, Mem: mem})
		if err != nil {
			return nil, err
		}
		src.Source, src.closeFn = s, s.Close
	default:
		return nil, &usageError{fmt.Sprintf("reading %s is not supported", inFormat)}
	}
	return src, nil
}

// checkInputFlags refuses input flags that the input's format would
// ignore.
func (o *options) checkInputFlags(f format.Format) error {
	text := f == format.CSV || f == format.TSV
	switch {
	case o.schema != "" && !text && f != format.NDJSON:
		return &usageError{"--schema applies to CSV, TSV and NDJSON input; " + f.String() + " carries its own schema"}
	case !text && (o.delimiter != "" || o.noHeader || len(o.nullValues) > 0):
		return &usageError{"--delimiter, --no-header and --null apply to CSV and TSV input, not " + f.String()}
	}
	return nil
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

// namedError makes err read "NAME: what went wrong", naming the file once.
func namedError(name string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", name, pe.Err)
	}
	if strings.Contains(err.Error(), name) {
		return err
	}
	return fmt.Errorf("%s: %w", name, err)
}
