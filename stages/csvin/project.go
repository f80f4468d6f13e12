package csvin

import (
	"fmt"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/arrowpipe/arrowpipe/stages/input"
)

// Project narrows the columns that decoders build to columns, in file
// order, as Options.Columns does; the schema shrinks to match. A caller
// that learns which columns it needs only from the schema (a chain of
// verbs checked against it) calls Project after NewSource and before the
// first Next or NewDecoder. An empty, non-nil list decodes no column; nil
// restores every column.
func (s *Source) Project(columns []string) error {
	return s.project(columns)
}

func (s *Source) project(columns []string) error {
	for _, name := range columns {
		if !slices.Contains(s.names, name) {
			return fmt.Errorf("csvin: %s: %w: no column %q to decode", input.DisplayName(s.sp.file), ErrOptions, name)
		}
	}
	s.keep = make([]bool, len(s.fields))
	kept := make([]arrow.Field, 0, len(s.fields))
	for i, f := range s.fields {
		s.keep[i] = columns == nil || slices.Contains(columns, f.Name)
		if s.keep[i] {
			kept = append(kept, f)
		}
	}
	s.schema = arrow.NewSchema(kept, nil)
	return nil
}
