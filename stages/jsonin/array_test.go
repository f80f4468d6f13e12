package jsonin

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/stages/textval"
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

// TestDuckDBFixture reads the NDJSON DuckDB writes for a .json file
// (testdata made by stages/textval/testdata/make-duckdb.cjs) with DuckDB's
// types: NaN and ±Infinity as DOUBLE, TIMESTAMP zone-less, TIMESTAMPTZ
// (+00) in UTC, DATE as date32.
func TestDuckDBFixture(t *testing.T) {
	raw, err := os.ReadFile("../textval/testdata/duckdb.json")
	require.NoError(t, err)
	for _, batch := range []int{1, 1000} {
		rows, schema, err := readAll(t, checked(t), one("duckdb.json", string(raw)), Options{BatchRows: batch})
		require.NoError(t, err)
		assert.Equal(t, "i:int64,f:float64,ts:timestamp[us],tz:timestamp[us, UTC],d:date,s:string,b:bool", textval.FormatSchema(schema))
		require.Len(t, rows, 6)
		// arrow-go marshals the specials as strings, other floats as floats.
		assert.Equal(t, []string{"2", "NaN", "+Inf", "-Inf", "1e+20", "<nil>"},
			[]string{fmt.Sprint(rows[0]["f"]), fmt.Sprint(rows[1]["f"]), fmt.Sprint(rows[2]["f"]), fmt.Sprint(rows[3]["f"]), fmt.Sprint(rows[4]["f"]), fmt.Sprint(rows[5]["f"])})
		assert.Equal(t, "1999-12-31T23:59:59.123456", rows[1]["ts"])
		assert.Equal(t, "2000-01-01T01:00:00Z", rows[1]["tz"])
		assert.Equal(t, "2026-01-02T03:04:05.5Z", rows[0]["tz"])
		assert.Nil(t, rows[2]["d"])
	}
}
