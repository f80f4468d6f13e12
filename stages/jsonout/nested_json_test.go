package jsonout

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Nested columns write the values encoding/json reads from the text they
// were built from, across batch boundaries where the writers are rebound;
// a map's entries as one object.
func TestNestedMatchesEncodingJSON(t *testing.T) {
	for _, shape := range []string{"list_struct", "list_list", "map_struct"} {
		t.Run("shape="+shape, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			const n = 60
			rec := nestedBatch(t, mem, shape, n)
			defer rec.Release()
			a, b := rec.NewSlice(0, 7), rec.NewSlice(7, n)
			defer a.Release()
			defer b.Release()
			lines := strings.Split(strings.TrimSuffix(encodeAll(t, rec.Schema(), a, b), "\n"), "\n")
			require.Len(t, lines, n)
			for i, line := range lines {
				var want, got any
				require.NoError(t, json.Unmarshal([]byte(`{"v":`+nestedValue(shape, i)+`}`), &want))
				require.NoError(t, json.Unmarshal([]byte(line), &got), line)
				if shape == "map_struct" {
					want = entriesAsObject(want)
				}
				assert.Equal(t, want, got, "row %d: %s", i, line)
			}
		})
	}
}

// entriesAsObject turns {"v":[{"key":k,"value":v}...]} into {"v":{k:v...}}.
func entriesAsObject(row any) any {
	entries, ok := row.(map[string]any)["v"].([]any)
	if !ok {
		return row
	}
	obj := map[string]any{}
	for _, e := range entries {
		kv := e.(map[string]any)
		obj[kv["key"].(string)] = kv["value"]
	}
	return map[string]any{"v": obj}
}
