package jsonin

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A key first seen after the sample fails a read that would have to hold
// it, and is skipped, after a syntax check, by one whose projection leaves
// no column for it: a count or a select of other columns does not fail.
func TestLateKeyOutsideTheProjection(t *testing.T) {
	lines := `{"id": 1, "user": {"name": "ann"}, "geo": {"lat": 1.5}}
{"id": 2, "late": [1, {"x": 2}], "user": {"name": "bo", "age": 3}, "geo": {"lat": 2.5, "lon": 7}}
{"id": 3, "user": null}
`
	opts := Options{SampleRows: 1}
	cases := []struct {
		name    string
		flatten bool
		columns []string // nil: every column
		err     string   // the unknown key's path, or "" for no error
	}{
		{"every column", false, nil, "late"},
		{"id only", false, []string{"id"}, ""},
		{"no column", false, []string{}, ""},
		{"kept struct with a late field", false, []string{"id", "user"}, "user.age"},
		{"late key skipped, late field of the kept struct not", false, []string{"geo"}, "geo.lon"},
		{"flattened leaf", true, []string{"user.name", "geo.lat"}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			mem := checked(t)
			o := opts
			o.Flatten = c.flatten
			var rows []map[string]any
			var err error
			if c.columns == nil {
				rows, _, err = readAll(t, mem, one("in.ndjson", lines), o)
			} else {
				rows, _, err = readProjected(t, mem, one("in.ndjson", lines), o, c.columns)
			}
			if c.err != "" {
				require.ErrorIs(t, err, ErrUnknownKey)
				assert.Contains(t, err.Error(), `"`+c.err+`"`)
				return
			}
			require.NoError(t, err)
			require.Len(t, rows, 3, "every line is a row")
		})
	}
	// A syntax error in a skipped key's value is still an error.
	bad := "{\"id\": 1}\n{\"id\": 2, \"late\": [1,}\n"
	_, _, err := readProjected(t, checked(t), one("in.ndjson", bad), opts, []string{"id"})
	require.ErrorIs(t, err, ErrSyntax)
}
