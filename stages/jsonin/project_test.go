package jsonin

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const projLines = `{"id": 1, "user": {"name": "ann", "age": 31}, "tags": ["a", "b"], "note": "x\"y"}
{"id": 2, "user": null, "tags": [], "note": null}
{"id": 3, "user": {"name": "bo\u00e9", "age": null}, "note": "plain"}
`

// Project keeps, for each row, exactly the named columns of the full read.
func TestProjectKeepsNamedColumns(t *testing.T) {
	tests := []struct {
		name    string
		flatten bool
		columns []string
		want    []string // schema order
	}{
		{"leaf of a nested object", true, []string{"user.age", "id"}, []string{"id", "user.age"}},
		{"struct", false, []string{"user", "id"}, []string{"id", "user"}},
		{"array as text", false, []string{"tags"}, []string{"tags"}},
		{"no column", false, []string{}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mem := checked(t)
			opts := Options{Flatten: tt.flatten}
			full, _, err := readAll(t, mem, one("in.ndjson", projLines), opts)
			require.NoError(t, err)
			got, schema, err := readProjected(t, mem, one("in.ndjson", projLines), opts, tt.columns)
			require.NoError(t, err)
			var names []string
			for _, f := range schema.Fields() {
				names = append(names, f.Name)
			}
			assert.Equal(t, tt.want, names)
			require.Len(t, got, len(full), "every line is a row")
			for i := range full {
				want := map[string]any{}
				for _, c := range tt.columns {
					want[c] = full[i][c]
				}
				assert.Equal(t, want, got[i], "row %d", i)
			}
		})
	}
}

// The keys not decoded are still checked as JSON, but not for their type.
func TestProjectChecksSyntaxNotTypesOfSkippedKeys(t *testing.T) {
	mem := checked(t)
	typed := "{\"id\": 1, \"n\": 5}\n{\"id\": 2, \"n\": \"five\"}\n"
	_, _, err := readAll(t, mem, one("in.ndjson", typed), Options{SampleRows: 1})
	require.ErrorIs(t, err, ErrType)
	rows, _, err := readProjected(t, mem, one("in.ndjson", typed), Options{SampleRows: 1}, []string{"id"})
	require.NoError(t, err)
	assert.Len(t, rows, 2)

	broken := "{\"id\": 1, \"n\": 5}\n{\"id\": 2, \"n\": [1,}\n"
	_, _, err = readProjected(t, mem, one("in.ndjson", broken), Options{SampleRows: 1}, []string{"id"})
	require.ErrorIs(t, err, ErrSyntax)
	assert.Equal(t, int64(2), dataError(t, err).Line)

	_, _, err = readProjected(t, mem, one("in.ndjson", typed), Options{}, []string{"id", "nope"})
	require.ErrorIs(t, err, ErrNoColumn)
}
