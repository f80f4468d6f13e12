package jsonin

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestArrayFile reads a top-level JSON array of objects, pretty-printed or
// on one line, as the same rows as its NDJSON form, however its bytes are
// cut into reads.
func TestArrayFile(t *testing.T) {
	ndjson := "{\"a\":1,\"b\":\"x, ]}\\\"\\n\"}\n{\"a\":2,\"b\":null,\"c\":[1,2]}\n{\"a\":3,\"c\":{\"d\":[]}}\n"
	arrays := []string{
		`[{"a":1,"b":"x, ]}\"\n"},{"a":2,"b":null,"c":[1,2]},{"a":3,"c":{"d":[]}}]`,
		"\ufeff  [\n  {\n    \"a\": 1,\n    \"b\": \"x, ]}\\\"\\n\"\n  },\r\n  {\"a\": 2, \"b\": null, \"c\": [1,2]\n},\n  {\"a\":3,\"c\":{\"d\":[]}}\n]\n",
	}
	want := readRows(t, strings.NewReader(ndjson))
	require.Len(t, want, 4, "three rows and the schema")
	for _, in := range arrays {
		for _, oneByte := range []bool{false, true} {
			var r io.Reader = strings.NewReader(in)
			if oneByte {
				r = iotest.OneByteReader(r)
			}
			assert.Equal(t, want, readRows(t, r), in)
		}
	}
	assert.Empty(t, readRows(t, strings.NewReader("[]")))
	assert.Empty(t, readRows(t, strings.NewReader(" [ ]\n")))
}

// TestArrayTextPassesNDJSON leaves NDJSON, even with a '[' inside, as it is.
func TestArrayTextPassesNDJSON(t *testing.T) {
	in := " {\"a\":[1,\n2]}\n{\"b\":\"[\"}\n"
	out, err := io.ReadAll(newArrayText(iotest.HalfReader(strings.NewReader(in))))
	require.NoError(t, err)
	assert.Equal(t, in, string(out))
	out, err = io.ReadAll(newArrayText(bytes.NewReader([]byte(`[{"a":1},2] x`))))
	require.NoError(t, err)
	assert.Equal(t, " {\"a\":1}\n2\n x", string(out), "not objects: the reader names the line")
}

// readRows reads r as one input and returns its rows and schema's text.
func readRows(t *testing.T, r io.Reader) []map[string]any {
	t.Helper()
	mem := checked(t)
	rows, schema, err := readAll(t, mem, []Input{{Name: "in.json", R: r}}, Options{BatchRows: 2})
	require.NoError(t, err)
	if len(rows) > 0 {
		rows = append(rows, map[string]any{"schema": schema.String()})
	}
	return rows
}
