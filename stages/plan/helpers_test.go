package plan_test

import (
	"context"
	"io"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/arrowpipe/arrowpipe/pipeline"
)

// fakeSource is an empty projectable source: it records the columns it was
// narrowed to and narrows its schema to them, in schema order.
type fakeSource struct {
	schema    *arrow.Schema
	projected []string
}

func (s *fakeSource) Schema() *arrow.Schema { return s.schema }

func (s *fakeSource) Project(cols []string) error {
	s.projected = cols
	var fields []arrow.Field
	for _, f := range s.schema.Fields() {
		if slices.Contains(cols, f.Name) {
			fields = append(fields, f)
		}
	}
	s.schema = arrow.NewSchema(fields, nil)
	return nil
}

func (s *fakeSource) Next(context.Context) (pipeline.Chunk, error) { return pipeline.Chunk{}, io.EOF }

func (s *fakeSource) NewDecoder() pipeline.Decoder { return nil }
