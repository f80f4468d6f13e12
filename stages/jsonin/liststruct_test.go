package jsonin

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/stretchr/testify/require"
)

// structListLines makes lines whose "items" are arrays of objects with
// keys missing or null at random, null elements, empty and null arrays.
func structListLines(seed uint64, n int) string {
	r := rand.New(rand.NewPCG(seed, 5))
	var b strings.Builder
	// The first line shows every key with every kind it has.
	b.WriteString(`{"id":0,"items":[{"a":1,"b":0.5,"c":"x","d":true,"e":{"z":1}},{"b":2}]}` + "\n")
	for i := 1; i < n; i++ {
		o := map[string]any{"id": i}
		switch r.IntN(6) {
		case 0:
			o["items"] = nil
		case 1:
		case 2:
			o["items"] = []any{}
		default:
			var items []any
			for range r.IntN(4) {
				if r.IntN(6) == 0 {
					items = append(items, nil)
					continue
				}
				e := map[string]any{}
				if r.IntN(4) > 0 {
					e["a"] = r.IntN(100) - 50
				}
				if r.IntN(4) > 0 {
					e["b"] = float64(r.IntN(100)) / 4
				}
				if r.IntN(4) > 0 {
					e["c"] = fmt.Sprintf("s\"%d\n", r.IntN(9))
				}
				if r.IntN(4) == 0 {
					e["d"] = nil
				} else if r.IntN(2) == 0 {
					e["d"] = r.IntN(2) == 0
				}
				if r.IntN(3) == 0 {
					e["e"] = []int{1, r.IntN(3)}
				}
				items = append(items, e)
			}
			o["items"] = items
		}
		line, _ := json.Marshal(o)
		b.Write(line)
		b.WriteByte('\n')
	}
	return b.String()
}

// want is what reading the line's items gives: each element a map of all
// fields (a missing key null), "e" as its JSON text.
func wantItems(t *testing.T, line string) any {
	var o struct{ Items *[]map[string]json.RawMessage }
	require.NoError(t, json.Unmarshal([]byte(line), &o))
	if o.Items == nil {
		return nil
	}
	out := []any{}
	for _, e := range *o.Items {
		if e == nil {
			out = append(out, nil)
			continue
		}
		m := map[string]any{"a": nil, "b": nil, "c": nil, "d": nil, "e": nil}
		for k, raw := range e {
			if string(raw) == "null" {
				continue
			}
			var v any
			switch k {
			case "a":
				var i int64
				require.NoError(t, json.Unmarshal(raw, &i))
				v = i
			case "e":
				v = string(raw)
			default:
				require.NoError(t, json.Unmarshal(raw, &v))
			}
			m[k] = v
		}
		out = append(out, m)
	}
	return out
}

func TestArraysOfObjectsAreListsOfStructs(t *testing.T) {
	text := structListLines(11, 300)
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	mem := checked(t)
	for _, batch := range []int{1, 7, 1000} {
		rows, schema, err := readAll(t, mem, one("l.ndjson", text), Options{SampleRows: 1, BatchRows: batch})
		require.NoError(t, err)
		want := arrow.ListOf(arrow.StructOf(
			arrow.Field{Name: "a", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
			arrow.Field{Name: "b", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
			arrow.Field{Name: "c", Type: arrow.BinaryTypes.String, Nullable: true},
			arrow.Field{Name: "d", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
			arrow.Field{Name: "e", Type: arrow.BinaryTypes.String, Nullable: true}))
		require.True(t, arrow.TypeEqual(want, schema.Field(1).Type), "%s", schema)
		require.Len(t, rows, len(lines))
		for i, line := range lines {
			w := wantItems(t, line)
			got := rows[i]["items"]
			if w == nil {
				require.Nil(t, got, "line %d: %s", i+1, line)
				continue
			}
			wj, err := json.Marshal(w)
			require.NoError(t, err)
			gj, err := json.Marshal(got)
			require.NoError(t, err)
			require.JSONEq(t, string(wj), string(gj), "line %d: %s", i+1, line)
		}
	}
}

func TestStructListErrorsNameTheLine(t *testing.T) {
	head := `{"items":[{"a":1,"b":"x"}]}` + "\n"
	for _, tc := range []struct{ line, field, msg string }{
		{`{"items":[{"a":1.5}]}`, "items[].a", "want an integer element, found a fraction"},
		{`{"items":[{"a":1,"zz":2}]}`, "items[].zz", `key not in schema: no object of this array in the sampled lines has the key "zz" (sample more lines: --infer-rows`},
		{`{"items":[{"a":1},{"b":"y","z\u0041":2}]}`, "items[].zA", `has the key "zA"`},
		{`{"items":[1]}`, "items", "want an object element, found a number"},
		{`{"items":[{"a":1}`, "items", "invalid JSON"},
	} {
		_, _, err := readAll(t, checked(t), one("s.ndjson", head+tc.line+"\n"), Options{SampleRows: 1})
		de := dataError(t, err)
		require.EqualValues(t, 2, de.Line, tc.line)
		require.Equal(t, tc.field, de.Field, tc.line)
		require.Contains(t, err.Error(), tc.msg)
		require.NotContains(t, err.Error(), "declare it in the schema", tc.line)
	}
}
