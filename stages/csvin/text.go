package csvin

import (
	"fmt"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/arrowpipe/arrowpipe/stages/input"
	"github.com/arrowpipe/arrowpipe/stages/textval"
)

// ReadAsText makes the decoders read columns as strings, each field's text
// as it stands in the input (unquoted, TSV escapes decoded), instead of
// the types inferred for them, and changes the schema to match. A caller
// that passes those columns on without computing on them (CSV in, CSV out)
// calls it so that a value the sample did not foresee ("A12" in a column
// inferred int64) goes through unchanged instead of failing the run, and
// "2.50" stays "2.50". Columns that Options.Schema types keep that type;
// the null rules are those of string columns (a quoted "" is an empty
// string). Call it after NewSource and before the first Next or
// NewDecoder; Project may come before or after. Unknown names are an
// error wrapping ErrOptions.
func (s *Source) ReadAsText(columns []string) error {
	for _, name := range columns {
		if !slices.Contains(s.names, name) {
			return fmt.Errorf("csvin: %s: %w: no column %q to read as text", input.DisplayName(s.sp.file), ErrOptions, name)
		}
	}
	schema := make([]arrow.Field, 0, len(s.fields))
	for i := range s.fields {
		if !slices.Contains(s.given, s.names[i]) && slices.Contains(columns, s.names[i]) {
			s.kinds[i] = textval.KindString
			s.fields[i].Type = arrow.BinaryTypes.String
			s.inferred[i] = false
		}
		if s.keep[i] {
			schema = append(schema, s.fields[i])
		}
	}
	s.schema = arrow.NewSchema(schema, nil)
	return nil
}
