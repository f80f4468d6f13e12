package csvin

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/input"
	"github.com/arrowpipe/arrowpipe/stages/textval"
)

// SampleAll as Options.SampleRows infers the types from every record of
// the first input, which must be a regular file (see inferAll).
const SampleAll = -1

// ErrSampleAll is wrapped by NewSource's error when SampleAll is asked of
// an input that cannot be read twice (a pipe or a compressed stream).
var ErrSampleAll = errors.New("csvin: inferring from all rows needs a regular, uncompressed file")

// randomAccess is how an input offers a second, independent read of its
// bytes: stages/input.Input for a regular file.
type randomAccess interface {
	ReaderAt() (r io.ReaderAt, size int64, ok bool)
}

// inferAll infers every column's type from all the records of the first
// input, in bounded memory, by reading it twice more through its
// ReaderAt (the source's own reads are untouched): once for the header,
// once decoding every column as a string into an Inferrer. It returns
// opts.Schema extended with the inferred types of the columns it does not
// type. Bad records are left to the real read to report.
func inferAll(ctx context.Context, in Input, opts Options) (textval.Spec, error) {
	ra, ok := in.R.(randomAccess)
	if !ok {
		return nil, fmt.Errorf("%s: %w", input.DisplayName(in.Name), ErrSampleAll)
	}
	r, size, ok := ra.ReaderAt()
	if !ok {
		return nil, fmt.Errorf("%s: %w", input.DisplayName(in.Name), ErrSampleAll)
	}
	pass := opts
	pass.SampleRows = 1
	pass.Columns = nil
	pass.TextColumns = nil
	pass.OnError = func(*pipeline.DataError) error { return nil }
	open := func(o Options) (*Source, error) {
		return NewSource(ctx, []Input{{Name: in.Name, R: io.NewSectionReader(r, 0, size)}}, o)
	}
	head, err := open(pass)
	if err != nil {
		return nil, err
	}
	names := head.names
	head.Close()
	if len(names) == 0 {
		return opts.Schema, nil
	}
	pass.Schema = make(textval.Spec, len(names))
	for i, name := range names {
		pass.Schema[i] = textval.SpecField{Name: name, Type: arrow.BinaryTypes.String}
	}
	src, err := open(pass)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	inf := textval.NewInferrer(len(names))
	inf.SetLayout(opts.TimestampLayout)
	dec := src.NewDecoder()
	for {
		c, err := src.Next(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		rec, err := dec.Decode(ctx, c)
		if err != nil {
			return nil, err
		}
		if rec == nil {
			continue
		}
		for j, col := range rec.Columns() {
			s := col.(*array.String)
			for i := range s.Len() {
				if s.IsValid(i) && s.ValueLen(i) > 0 {
					inf.Add(j, []byte(s.Value(i)))
				}
			}
		}
		rec.Release()
	}
	spec := append(textval.Spec(nil), opts.Schema...)
	for _, f := range inf.Fields(names) {
		if !specNames(opts.Schema, f.Name) {
			spec = append(spec, textval.SpecField{Name: f.Name, Type: f.Type})
		}
	}
	return spec, nil
}

func specNames(spec textval.Spec, name string) bool {
	for _, f := range spec {
		if f.Name == name {
			return true
		}
	}
	return false
}
